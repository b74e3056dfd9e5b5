"""pytest entry point (``pytest11``): options, markers, and the audit plugin when asked for.

Nothing here imports detect-secrets, GitPython or python-dotenv: without ``--secrets-audit``
the plugin only declares its options.
"""

from __future__ import annotations

import pytest

from pytest_secrets import settings

AUDIT_PLUGIN_NAME = "secrets-audit"
MARKER = "secrets_audit: an item of the pytest-secrets audit (one per check of the secrets guide)."


def pytest_addoption(parser: pytest.Parser) -> None:
    settings.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    if not settings.is_enabled(config):
        return
    from pytest_secrets.audit import AuditPlugin

    config.pluginmanager.register(AuditPlugin(settings.resolve(config)), AUDIT_PLUGIN_NAME)
