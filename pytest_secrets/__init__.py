"""pytest-secrets: a project's secrets guide as pytest checks. Enable with ``--secrets-audit``.

The public names are imported on first use (PEP 562), so loading the pytest entry point does
not pay for modules the run may never need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_secrets.findings import CheckCannotRun, Finding, SecretsAuditError
    from pytest_secrets.leakguard.fixtures import KnownSecrets, NoSecretsAssertion
    from pytest_secrets.redaction import Redactor
    from pytest_secrets.settings import AuditSettings
    from pytest_secrets.values import SecretValue

_EXPORTS = {
    "AuditSettings": "pytest_secrets.settings",
    "CheckCannotRun": "pytest_secrets.findings",
    "Finding": "pytest_secrets.findings",
    "Redactor": "pytest_secrets.redaction",
    "SecretValue": "pytest_secrets.values",
    "SecretsAuditError": "pytest_secrets.findings",
    "KnownSecrets": "pytest_secrets.leakguard.fixtures",
    "NoSecretsAssertion": "pytest_secrets.leakguard.fixtures",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'pytest_secrets' has no attribute {name!r}")
