"""distinct-environments: no secret value is shared by two environments' env files."""

from __future__ import annotations

from typing import ClassVar

from pytest_secrets import classify
from pytest_secrets.context import AuditContext
from pytest_secrets.environments import environment_of
from pytest_secrets.findings import CheckCannotRun, Finding
from pytest_secrets.inventory import secret_parts
from pytest_secrets.values import fingerprint_of

NAME = "distinct-environments"
FIX = (
    "give each environment its own value: generate a new one for the non-development file "
    "(python -c \"import secrets; print(secrets.token_urlsafe(32))\") and rotate the shared one "
    "(guide: Common Mistakes, 5. Same Secrets Across Environments)"
)
class DistinctEnvironmentsCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "each environment has its own secret values"

    def run(self, context: AuditContext) -> list[Finding]:
        inventory = context.inventory
        groups = {environment_of(parsed.path.name) for parsed in inventory.env_files}
        if len(groups) < 2:
            found = ", ".join(inventory.relative(p.path) for p in inventory.env_files) or "none"
            raise CheckCannotRun(f"env files of fewer than two environments to compare (found: {found})")
        # (key, value fingerprint) -> [(environment, path, line)]; the value itself is not kept.
        seen: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
        for parsed in inventory.env_files:
            environment = environment_of(parsed.path.name)
            path = inventory.relative(parsed.path)
            for entry in parsed.entries:
                if inventory.is_secret(entry.key) and not classify.is_placeholder(entry.value):
                    assert entry.value is not None
                    for label, part in secret_parts(entry.key, entry.value):
                        places = seen.setdefault((label, fingerprint_of(part)), [])
                        places.append((environment, path, entry.line))
        findings = []
        reported: set[tuple[str, int]] = set()
        for (key, fingerprint), places in seen.items():
            first_env, first_path, first_line = places[0]
            for environment, path, line in places[1:]:
                # A shared URL is reported once, not again for its shared password.
                if environment != first_env and (path, line) not in reported:
                    reported.add((path, line))
                    message = (f"same value in {first_path}:{first_line} ({first_env}) "
                               f"and here ({environment})")
                    findings.append(Finding(NAME, message, FIX, path=path, line=line, key=key, fingerprint=fingerprint))
        return findings
