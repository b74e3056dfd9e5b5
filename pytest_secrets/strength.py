"""Strength rules for secret values: which rule applies to a key, and what is wrong with a value."""

from __future__ import annotations

import base64
import binascii
import re

from pytest_secrets import classify
from pytest_secrets.settings import StrengthRule

MIN_SIGNING_LENGTH = 32
MIN_SIGNING_ENTROPY = 3.0
# Built-in rules, consulted after the project's own (first match wins).
BUILTIN_RULES = (
    StrengthRule("*ENCRYPTION_KEY*", "fernet"),
    StrengthRule("*FERNET*KEY*", "fernet"),
    StrengthRule("*SECRET_KEY*", "signing"),
    StrengthRule("*SIGNING_KEY*", "signing"),
    StrengthRule("*JWT_SECRET*", "signing"),
    StrengthRule("*SESSION_SECRET*", "signing"),
    StrengthRule("*COOKIE_SECRET*", "signing"),
    StrengthRule("*HMAC*", "signing"),
)
DEFAULT_RULE = "nonempty"
FERNET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}=$")

FIX_SIGNING = (
    "generate a new value: python -c \"import secrets; print(secrets.token_urlsafe(32))\" "
    "(guide: Generate Secure Values; rotating SECRET_KEY invalidates existing JWTs)"
)
FIX_FERNET = (
    "generate a Fernet key: python -c \"from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())\" (guide: Generate Secure Values; changing ENCRYPTION_KEY "
    "needs a re-encryption migration, see Rotation Procedure)"
)
FIX_PLACEHOLDER = "replace the placeholder with a real value (guide: Local Development, 'Edit with your values')"
FIX_DEFAULT = "replace the well-known default with a generated value (guide: Generate Secure Values) and rotate it"


def rule_for(key: str, project_rules: tuple[StrengthRule, ...]) -> str:
    return next((rule.rule for rule in project_rules + BUILTIN_RULES if rule.matches(key)), DEFAULT_RULE)


def is_fernet_key(value: str) -> bool:
    """A Fernet key is URL-safe base64 of exactly 32 bytes.

    Checked here rather than with ``cryptography.fernet.Fernet(key)`` because cryptography is
    not a dependency, and its decoder silently drops characters outside the alphabet.
    """
    if not FERNET_SHAPE.match(value):
        return False
    try:
        return len(base64.urlsafe_b64decode(value)) == 32
    except (binascii.Error, ValueError):
        return False


def weaknesses(value: str | None, rule: str) -> list[tuple[str, str]]:
    """``(message, fix)`` for each way ``value`` breaks ``rule``; the messages never quote it."""
    if rule == "none":
        return []
    if value is None or not value.strip():
        return [("is empty", FIX_PLACEHOLDER)]
    if classify.is_insecure_default(value):
        return [("is a well-known insecure default", FIX_DEFAULT)]
    password = classify.url_password(value)
    if classify.is_reference(value) or (password is not None and classify.is_reference(password)):
        return []  # ${POSTGRES_PASSWORD}: interpolated, and judged where that key is set
    if classify.is_placeholder(value):
        return [("still holds a placeholder", FIX_PLACEHOLDER)]
    problems = []
    if rule == "signing":
        if len(value) < MIN_SIGNING_LENGTH:
            problems.append((f"is {len(value)} characters long; signing keys need {MIN_SIGNING_LENGTH} or more", FIX_SIGNING))
        elif not classify.looks_random(value, MIN_SIGNING_ENTROPY):
            problems.append(("has low entropy (repeated or sequential characters)", FIX_SIGNING))
    elif rule == "fernet" and not is_fernet_key(value):
        problems.append(("is not a valid Fernet key (URL-safe base64 of 32 bytes, 44 characters)", FIX_FERNET))
    return problems
