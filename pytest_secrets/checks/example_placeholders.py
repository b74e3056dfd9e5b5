"""example-placeholders: the committed ``.env.example`` holds placeholders, never real values."""

from __future__ import annotations

from typing import ClassVar

from pytest_secrets import classify
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun, Finding
from pytest_secrets.values import digest_of, fingerprint_of

NAME = "example-placeholders"
MIN_RANDOM_LENGTH = 16
FIX = (
    "replace the value with a placeholder such as 'your-key-here' or '${KEY}'; if it was ever a "
    "real value, rotate it first: it is in git history (guide: Emergency: Secret Leaked)"
)
FIX_KNOWN = "this is the project's real value: rotate it now, then put a placeholder in its place (guide: Emergency: Secret Leaked)"


def looks_real(key_is_secret: bool, value: str) -> str | None:
    """Why a value in the example file looks real, or None for a placeholder."""
    if classify.is_placeholder(value):
        return None
    password = classify.url_password(value)
    if password is not None:
        return "a URL with a real-looking password"
    if key_is_secret and len(value) >= MIN_RANDOM_LENGTH and classify.looks_random(value):
        return f"a {len(value)}-character random-looking value"
    return None


class ExamplePlaceholdersCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "the example file holds placeholders, not real-looking values"

    def run(self, context: AuditContext) -> list[Finding]:
        inventory = context.inventory
        example = inventory.example
        if example is None:
            raise CheckCannotRun(f"there is no {context.settings.example_file} (see env-parity)")
        path = inventory.relative(example.path)
        known = {secret.digest: secret.key for secret in inventory.known_secrets()}
        findings: dict[int, Finding] = {}
        for entry in example.entries:
            if not entry.value:
                continue
            fingerprint = fingerprint_of(entry.value)
            digest = digest_of(entry.value)
            if digest in known:
                message = f"holds the real value of {known[digest]} from the project's env files or environment"
                findings[entry.line] = Finding(NAME, message, FIX_KNOWN, path=path, line=entry.line,
                                               key=entry.key, fingerprint=fingerprint)
                continue
            reason = looks_real(inventory.is_secret(entry.key), entry.value)
            if reason:
                findings[entry.line] = Finding(NAME, f"holds {reason}, not a placeholder", FIX, path=path,
                                               line=entry.line, key=entry.key, fingerprint=fingerprint)
        from pytest_secrets.adapters.detect_secrets import scan_text

        entries_by_line = {entry.line: entry for entry in example.entries}
        text = example.path.read_text(encoding="utf-8") if example.readable else ""
        for hit in scan_text(path, text):
            hit_entry = entries_by_line.get(hit.line)
            # Our placeholder judgement overrides a detector: `password` in a URL is a stand-in.
            if hit.line in findings or (hit_entry is not None and classify.is_placeholder(hit_entry.value)):
                continue
            findings[hit.line] = Finding(NAME, f"detect-secrets sees a {hit.type} here", FIX, path=path, line=hit.line,
                                         key=hit_entry.key if hit_entry else None, fingerprint=hit.fingerprint)
        return [findings[line] for line in sorted(findings)]
