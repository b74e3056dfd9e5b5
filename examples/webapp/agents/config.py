"""Settings read from the environment, as the secrets guide recommends."""

import os

OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
OPENAI_BASE_URL = os.getenv("OPENAI_BASE_URL", "https://api.openai.com/v1")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DATABASE_URL = os.getenv("DATABASE_URL", "sqlite://")
# violation: read by the code, but not documented in .env.example
SENTRY_DSN = os.getenv("SENTRY_DSN")


def redacted() -> dict[str, str]:
    """The configuration as it may be logged: secrets replaced."""
    return {
        "OPENAI_API_KEY": "[REDACTED]" if OPENAI_API_KEY else "",
        "OPENAI_BASE_URL": OPENAI_BASE_URL,
        "SECRET_KEY": "[REDACTED]" if SECRET_KEY else "",
    }
