"""Which environment an env file belongs to, from its name."""

from __future__ import annotations

# Names that mean the same environment (.env and .env.local are both local development).
ENVIRONMENT_ALIASES = {
    "": "development", "local": "development", "dev": "development", "development": "development",
    "prod": "production", "production": "production", "stage": "staging", "staging": "staging",
    "test": "test", "testing": "test", "ci": "test",
}


def environment_of(filename: str) -> str:
    """``.env.production.local`` -> ``production``; ``.env`` and ``.env.local`` -> ``development``."""
    parts = [part for part in filename.split(".") if part and part != "env"]
    if parts and parts[-1] == "local":
        parts = parts[:-1]
    name = ".".join(parts).lower()
    return ENVIRONMENT_ALIASES.get(name, name)
