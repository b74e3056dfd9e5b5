"""secret-strength: real secret values are strong, of the right kind, and not placeholders."""

from __future__ import annotations

from typing import ClassVar

from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun, Finding
from pytest_secrets.inventory import ENVIRONMENT_SOURCE
from pytest_secrets.strength import rule_for, weaknesses
from pytest_secrets.values import fingerprint_of

NAME = "secret-strength"


class SecretStrengthCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "signing keys are long and random, encryption keys are Fernet keys, no placeholders"

    def run(self, context: AuditContext) -> list[Finding]:
        inventory = context.inventory
        rules = context.settings.strength_rules
        # (key, value or None, path, line); values stay in this function.
        candidates: list[tuple[str, str | None, str, int | None]] = []
        for parsed in inventory.env_files:
            path = inventory.relative(parsed.path)
            for key, value in parsed.values().items():
                if inventory.is_secret(key):
                    last_line = max(e.line for e in parsed.entries if e.key == key)
                    candidates.append((key, value, path, last_line))
        for key, secret in inventory.environment.items():
            if inventory.is_secret(key):
                candidates.append((key, secret.reveal(), ENVIRONMENT_SOURCE, None))
        if not candidates:
            raise CheckCannotRun("no secret values found in env files or the environment")
        findings = []
        for key, value, path, line in candidates:
            for message, fix in weaknesses(value, rule_for(key, rules)):
                fingerprint = fingerprint_of(value) if value else None
                findings.append(Finding(NAME, message, fix, path=path, line=line, key=key, fingerprint=fingerprint))
        return findings
