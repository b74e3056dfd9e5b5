from agents import config


def test_redacted_config_hides_secrets() -> None:
    assert set(config.redacted()) == {"OPENAI_API_KEY", "OPENAI_BASE_URL", "SECRET_KEY"}
