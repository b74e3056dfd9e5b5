"""What a check reports: findings, and the exceptions that carry them to pytest."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KNOWN_VALUE_DETECTOR = "known value"


@dataclass(frozen=True)
class Finding:
    """One violation of the secrets guide. It names where, never what.

    ``fingerprint`` is a short hash of the offending value (see ``values.fingerprint_of``);
    ``fix`` is the guide's remedy in one sentence; ``detector`` names what found a hardcoded
    secret (a detect-secrets plugin, or :data:`KNOWN_VALUE_DETECTOR`) where that applies.
    """

    check: str
    message: str
    fix: str
    path: str | None = None
    line: int | None = None
    key: str | None = None
    fingerprint: str | None = None
    commit: str | None = None
    detector: str | None = None

    def to_record(self) -> dict[str, Any]:
        """Plain JSON data (no value), to travel on a test report to reports and the xdist controller."""
        return asdict(self)

    @property
    def location(self) -> str:
        """``path:line`` (or what is known of it) for display."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def render(self) -> str:
        """One line for a failure message; contains no secret value."""
        parts = [self.location] if self.location else []
        if self.commit:
            parts.append(f"commit {self.commit}")
        if self.key and self.message.startswith(self.key + " "):
            # "AWS Access Key committed 2024-05-01 by Ann", not "AWS Access Key: AWS Access Key ..."
            text = " ".join([*parts, self.message])
        else:
            if self.key:
                parts.append(self.key)
            head = " ".join(parts)
            text = f"{head}: {self.message}" if head else self.message
        return f"{text} [fp {self.fingerprint}]" if self.fingerprint else text


class SecretsAuditError(Exception):
    """Raised by an audit item whose check found violations.

    It carries rendered, redacted text only (never a ``SecretValue``), so it pickles safely
    across xdist and cannot leak through ``repr`` of its arguments.
    """

    def __init__(self, check: str, lines: tuple[str, ...], fixes: tuple[str, ...]) -> None:
        super().__init__(check, lines, fixes)
        self.check = check
        self.lines = lines
        self.fixes = fixes

    @classmethod
    def from_findings(cls, check: str, findings: list[Finding]) -> SecretsAuditError:
        fixes = tuple(dict.fromkeys(finding.fix for finding in findings))
        return cls(check, tuple(finding.render() for finding in findings), fixes)

    def __str__(self) -> str:
        count = len(self.lines)
        heading = f"{count} finding{'s' if count != 1 else ''}:"
        body = [heading] + [f"  {line}" for line in self.lines] + ["how to fix:"]
        body += [f"  - {fix}" for fix in self.fixes]
        return "\n".join(body)


class CheckCannotRun(Exception):
    """Raised by a check that has nothing it can audit; the item is skipped with this reason."""
