"""Judgements about key names and values: is it a secret, a placeholder, an insecure default?

These are heuristics by nature; every one can be overridden in the settings
(``secrets_secret_keys``, ``secrets_public_keys``, ``secrets_strength_rules``).
"""

from __future__ import annotations

import fnmatch
import math
import re
import urllib.parse
from collections import Counter
from collections.abc import Iterable

# Name tokens that make a key a secret (tokens are split on _, -, . and camelCase).
SECRET_NAME_TOKENS = frozenset(
    {
        "KEY", "KEYS", "APIKEY", "SECRET", "SECRETS", "TOKEN", "TOKENS", "PASSWORD", "PASSWORDS",
        "PASSWD", "PASS", "PWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS", "CREDS", "PRIVATE",
        "SALT", "DSN", "CERT", "SIGNATURE",
    }
)
# A last token that describes something about a secret rather than the secret itself
# (SECRET_KEY_FILE is a path, TOKEN_EXPIRY_MINUTES a number).
PUBLIC_LAST_TOKENS = frozenset(
    {
        "URL", "URI", "HOST", "HOSTNAME", "PORT", "ENDPOINT", "REGION", "PATH", "FILE", "DIR",
        "NAME", "ID", "USER", "USERNAME", "EMAIL", "VERSION", "ALGORITHM", "ALG", "TTL", "EXPIRY",
        "EXPIRES", "TIMEOUT", "LENGTH", "PREFIX", "ENABLED", "MODE", "LEVEL", "MINUTES", "SECONDS",
        "HOURS", "DAYS", "SIZE", "COUNT", "LIMIT", "TYPE", "HEADER", "ISSUER", "AUDIENCE",
    }
)

# Words that mark a value as a stand-in written for humans, when a word of the value (split on
# anything but letters and digits) starts with one: "your-key-here", "YOUR_API_KEY", "changeme".
# Matching words, not substrings, keeps random tokens that happen to contain "here" or "fake"
# from being mistaken for placeholders.
PLACEHOLDER_WORDS = (
    "your", "change", "replace", "example", "placeholder", "generate", "insert", "todo", "fixme",
    "dummy", "fake", "sample", "here", "redacted",
)
# Marks that show a value was written for humans wherever they appear.
PLACEHOLDER_MARKS = ("<", ">", "...", "\u2026")
PLACEHOLDER_FILLER = re.compile(r"^x{3,}$")
# Values that are placeholders when they are the whole value (or a URL's password).
PLACEHOLDER_VALUES = frozenset(
    {"", "secret", "password", "pass", "passwd", "pwd", "token", "key", "apikey", "api_key", "value",
     "none", "null", "tbd", "test", "user", "username", "changeme", "changethis"}
)
# Well-known insecure defaults that must never be the real value.
INSECURE_DEFAULTS = frozenset(
    {"changeme", "change-me", "change_me", "changethis", "change-this", "change_this", "secret",
     "password", "passw0rd", "admin", "root", "default", "test", "dev", "development", "postgres",
     "mysql", "letmein", "qwerty", "123456", "12345678", "supersecret", "mysecret", "notasecret",
     "secretkey", "secret-key", "secret_key", "minioadmin", "guest"}
)
INSECURE_PREFIXES = ("django-insecure-",)
REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?[-=?][^}]*)?\}?$|^\{\{.*\}\}$|^%\(.+\)s$")
REPEATED = re.compile(r"^(.)\1*$")


def name_tokens(key: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    return [token for token in re.split(r"[_\-.\s]+", spaced.upper()) if token]


def matches_any(key: str, patterns: Iterable[str]) -> bool:
    upper = key.upper()
    return any(fnmatch.fnmatchcase(upper, pattern.upper()) for pattern in patterns)


def name_looks_secret(key: str) -> bool:
    """Whether the key's name says it holds a secret (``API_KEY``, ``DB_PASSWORD``, ...)."""
    tokens = name_tokens(key)
    if not tokens or tokens[-1] in PUBLIC_LAST_TOKENS:
        return False
    return any(token in SECRET_NAME_TOKENS or token.endswith("APIKEY") for token in tokens)


def url_password(value: str) -> str | None:
    """The password inside a URL such as ``postgresql://user:pw@host/db``, if any."""
    if "://" not in value or "@" not in value:
        return None
    try:
        password = urllib.parse.urlsplit(value).password
    except ValueError:
        return None
    return urllib.parse.unquote(password) if password else None


def is_reference(value: str) -> bool:
    """``${VAR}``, ``$VAR``, ``{{ template }}``: a pointer to a value, not a value."""
    return bool(REFERENCE.match(value.strip()))


def is_placeholder(value: str | None) -> bool:
    """Whether a value is a stand-in for humans to replace, not a real value."""
    if value is None:
        return True
    text = value.strip()
    lowered = text.lower()
    if lowered in PLACEHOLDER_VALUES or is_reference(text) or REPEATED.match(text):
        return True
    password = url_password(text)
    if password is not None:
        return is_placeholder(password)
    if "://" in text:
        return False  # a URL without credentials is not a secret, and not a placeholder either
    if any(mark in lowered for mark in PLACEHOLDER_MARKS):
        return True
    words = [word for word in re.split(r"[^a-z0-9]+", lowered) if word]
    return any(word.startswith(PLACEHOLDER_WORDS) or PLACEHOLDER_FILLER.match(word) for word in words)


# Switch values: a key such as ALLOW_PASSWORD_LOGIN or persist-credentials that holds one is a
# setting about secrets, not a secret (one bit cannot be one).
FLAG_VALUES = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled", "enable", "disable",
     "0", "1", "null", "none", "nil", "~"}
)


def is_flag(value: str | None) -> bool:
    """Whether a value is a switch (``true``, ``off``, ``1``...), quoted or not."""
    return value is not None and value.strip().strip("'\"").strip().lower() in FLAG_VALUES


def is_insecure_default(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered in INSECURE_DEFAULTS or lowered.startswith(INSECURE_PREFIXES)


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(count / total * math.log2(count / total) for count in counts.values())


def sequential_fraction(value: str) -> float:
    """Share of characters that continue an ascending or descending run (``abcd``, ``4321``)."""
    if len(value) < 2:
        return 0.0
    steps = sum(1 for a, b in zip(value, value[1:]) if abs(ord(b) - ord(a)) == 1)
    return steps / (len(value) - 1)


def looks_random(value: str, min_entropy: float = 3.0) -> bool:
    """High per-character entropy and no long sequential runs: plausibly machine-generated."""
    return shannon_entropy(value) >= min_entropy and sequential_fraction(value) < 0.5
