"""Ordinary tests of the service; under `pytest --secrets-audit` each is also a leak test."""

from leaky_service.client import call_model, call_model_safely, error_body


def test_call_model() -> None:
    # Passes on its own, fails under the leak guard: call_model logs the key.
    assert call_model("hello")["status"] == "ok"


def test_call_model_safely() -> None:
    assert call_model_safely("hello")["status"] == "ok"


def test_error_body_does_not_echo_the_key(assert_no_secrets, known_secrets) -> None:
    body = error_body(known_secrets["OPENAI_API_KEY"].reveal())
    assert_no_secrets(body, what="the error body")
