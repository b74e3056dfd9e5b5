"""Canaries: unique, recognisable, well-formed stand-ins for the secrets CI does not have.

In CI the real values are absent, so the guard has nothing to watch. With ``--secrets-canary``
each declared secret key that has no value is given one, for the session, in ``os.environ``,
before the user's conftests import their settings. A value has the shape the code expects (a
``sk-`` key, a valid Fernet key, a 43-character token, a database URL with a password), so the
code runs as it would with the real one; it starts with ``canary`` so a human who meets it in
a log knows what it is; and it is random, so it cannot collide with ordinary output.

A key is planted only when it has no value in the environment *and* none in the project's env
files: an app that reads ``.env`` itself (``load_dotenv()``, pydantic-settings) lets an
environment variable win over the file, so planting over a real ``.env`` value would change
what the tests run against. Those keys are watched with their real value instead.

Each process plants its own canaries. An xdist worker inherits the controller's environment,
so the controller lists the keys it planted (names only, never values) in
``PLANTED_KEYS_VARIABLE``; a worker treats them as unset and plants fresh values, so no value
is ever shared between processes.
"""

from __future__ import annotations

import string
import urllib.parse
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from pytest_secrets import classify, strength
from pytest_secrets.inventory import Inventory
from pytest_secrets.settings import AuditSettings
from pytest_secrets.values import SecretValue

CANARY_PREFIX = "canary"
PLANTED_KEYS_VARIABLE = "_PYTEST_SECRETS_PLANTED_CANARIES"
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
# Base64 characters whose low two bits are zero: the last character of 32 encoded bytes.
FERNET_LAST = "AEIMQUYcgkosw048"
DEFAULT_DATABASE_URL = "postgresql://canary:{password}@localhost:5432/canary"


def _random(length: int, alphabet: str = ALNUM) -> str:
    import secrets  # only when planting: it is slow to import and the guard usually does not plant

    return "".join(secrets.choice(alphabet) for _ in range(length))


def openai_key() -> str:
    """``sk-`` and 48 letters and digits, the shape OpenAI's classic keys have."""
    return f"sk-{CANARY_PREFIX}{_random(48 - len(CANARY_PREFIX))}"


def fernet_key() -> str:
    """URL-safe base64 of 32 bytes (a valid Fernet key) whose text starts with ``canary``."""
    return CANARY_PREFIX + _random(42 - len(CANARY_PREFIX), URLSAFE) + _random(1, FERNET_LAST) + "="


def signing_key() -> str:
    """43 URL-safe characters, the length of ``secrets.token_urlsafe(32)``."""
    return CANARY_PREFIX + _random(43 - len(CANARY_PREFIX), URLSAFE)


def generic_secret() -> str:
    return CANARY_PREFIX + _random(32 - len(CANARY_PREFIX))


def database_url(template: str | None) -> str:
    """The example's URL (scheme, host, port, database) with a canary user and password."""
    password = CANARY_PREFIX + _random(24)
    if template and classify.url_password(template) is not None:
        try:
            parts = urllib.parse.urlsplit(template)
            host = parts.hostname or "localhost"
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            return DEFAULT_DATABASE_URL.format(password=password)
        netloc = f"{CANARY_PREFIX}:{password}@{host}{port}"
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return DEFAULT_DATABASE_URL.format(password=password)


def canary_for(key: str, example_value: str | None, settings: AuditSettings) -> str:
    """A canary of the right shape for ``key``, judged by its name, rule and example value."""
    upper = key.upper()
    example = (example_value or "").strip()
    if classify.url_password(example) is not None or upper.endswith(("_URL", "_DSN", "_URI")) or upper == "DSN":
        return database_url(example)
    if "OPENAI" in upper or example.startswith("sk-"):
        return openai_key()
    rule = strength.rule_for(key, settings.strength_rules)
    if rule == "fernet":
        return fernet_key()
    if rule == "signing":
        return signing_key()
    return generic_secret()


@dataclass
class PlantedCanaries:
    """The canaries one process planted and the environment they replaced."""

    values: dict[str, str] = field(default_factory=dict)
    previous: dict[str, str | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values)

    def __repr__(self) -> str:
        return f"PlantedCanaries(keys={sorted(self.values)!r})"

    def secret_values(self) -> list[SecretValue]:
        """Each canary as a watched value (a URL's password on its own too)."""
        found = []
        for key, value in self.values.items():
            found.append(SecretValue(key, value, "canary"))
            password = classify.url_password(value)
            if password:
                found.append(SecretValue(f"{key} (password)", password, "canary"))
        return found

    def is_planted(self, key: str, environ: MutableMapping[str, str]) -> bool:
        return key in self.values and environ.get(key) == self.values[key]

    def restore(self, environ: MutableMapping[str, str]) -> None:
        """Put back what was there before planting (nothing, or the inherited value)."""
        for key, before in self.previous.items():
            if before is None:
                environ.pop(key, None)
            else:
                environ[key] = before
        self.values.clear()
        self.previous.clear()


def keys_to_plant(inventory: Inventory, environ: MutableMapping[str, str]) -> list[str]:
    """Declared secret keys with no value here: not in the environment, not in an env file.

    Keys listed in ``PLANTED_KEYS_VARIABLE`` were planted by a parent process (the xdist
    controller) and count as unset.
    """
    inherited = set(filter(None, environ.get(PLANTED_KEYS_VARIABLE, "").split(",")))
    in_files = {
        entry.key
        for parsed in inventory.env_files
        for entry in parsed.entries
        if entry.value and not classify.is_placeholder(entry.value)
    }
    return [
        key
        for key in inventory.declared_keys
        if inventory.is_secret(key) and key not in in_files and (not environ.get(key) or key in inherited)
    ]


def plant(inventory: Inventory, settings: AuditSettings, environ: MutableMapping[str, str]) -> PlantedCanaries:
    """Set a fresh canary for every key :func:`keys_to_plant` returns; remember what was there."""
    planted = PlantedCanaries()
    example = inventory.example
    examples = {entry.key: entry.value for entry in example.entries} if example else {}
    keys = keys_to_plant(inventory, environ)
    for key in keys:
        planted.previous[key] = environ.get(key)
        planted.values[key] = canary_for(key, examples.get(key), settings)
        environ[key] = planted.values[key]
    if keys:
        planted.previous.setdefault(PLANTED_KEYS_VARIABLE, environ.get(PLANTED_KEYS_VARIABLE))
        environ[PLANTED_KEYS_VARIABLE] = ",".join(keys)
    return planted

