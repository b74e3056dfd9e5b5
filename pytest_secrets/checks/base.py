"""What every check is: a stable name, a one-line purpose, and ``run(context)``."""

from __future__ import annotations

from typing import ClassVar, Protocol

from pytest_secrets.context import AuditContext
from pytest_secrets.findings import Finding


class Check(Protocol):
    """One rule of the secrets guide, audited as one pytest item ``secrets-audit::<name>``.

    ``run`` returns the findings (empty when the project follows the rule) or raises
    :class:`~pytest_secrets.findings.CheckCannotRun` with a reason when it has nothing to audit.
    """

    name: ClassVar[str]
    description: ClassVar[str]

    def run(self, context: AuditContext) -> list[Finding]: ...
