"""Calls a model API. ``call_model`` leaks the key into the log; ``call_model_safely`` does not."""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def call_model(prompt: str) -> dict[str, str]:
    api_key = os.environ["OPENAI_API_KEY"]
    log.info("Using API key: %s", api_key)  # BAD: the key reaches every log handler
    return {"prompt": prompt, "status": "ok"}


def call_model_safely(prompt: str) -> dict[str, str]:
    api_key = os.environ["OPENAI_API_KEY"]
    log.info("Using API key: [REDACTED] (%d characters)", len(api_key))  # GOOD
    return {"prompt": prompt, "status": "ok"}


def error_body(api_key: str) -> str:
    """What the service returns on a rejected key (it must not echo the key)."""
    return '{"error": "invalid API key"}'
