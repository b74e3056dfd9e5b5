"""pytest-secrets: a project's secrets guide as pytest checks. Enable with ``--secrets-audit``."""

from pytest_secrets.findings import CheckCannotRun, Finding, SecretsAuditError
from pytest_secrets.redaction import Redactor
from pytest_secrets.settings import AuditSettings
from pytest_secrets.values import SecretValue

__all__ = [
    "AuditSettings",
    "CheckCannotRun",
    "Finding",
    "Redactor",
    "SecretValue",
    "SecretsAuditError",
]
