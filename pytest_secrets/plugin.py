"""pytest entry point (``pytest11``): options, markers, and the audit plugin when asked for.

Nothing here imports detect-secrets, GitPython or python-dotenv: without ``--secrets-audit``
the plugin only declares its options.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from pytest_secrets import options

AUDIT_PLUGIN_NAME = "secrets-audit"
MARKER = "secrets_audit: an item of the pytest-secrets audit (one per check of the secrets guide)."
ALLOW_LEAK_MARKER = (
    "secrets_allow_leak(reason): this test handles a known secret on purpose; the leak guard masks "
    "the value in output but does not fail the test."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


class EarlyOptions:
    """What the settings resolver reads from a config, usable before options are fully parsed.

    In ``pytest_load_initial_conftests`` the command line is only in ``known_args_namespace``.
    """

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self.inipath = config.inipath
        self.rootpath = config.rootpath

    def getoption(self, name: str, default: Any = None) -> Any:
        return getattr(self._config.known_args_namespace, name, default)

    def getini(self, name: str) -> Any:
        return self._config.getini(name)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None]:
    """Plant canaries and wrap uncaptured streams before conftests import the user's settings."""
    early_options: Any = EarlyOptions(early_config)
    if options.is_enabled(early_options):
        from pytest_secrets.leakguard import early
        from pytest_secrets.settings import resolve

        early.start(early_config, resolve(early_options))
    return (yield)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.addinivalue_line("markers", ALLOW_LEAK_MARKER)
    if not options.is_enabled(config):
        options.refuse_audit_only_flags(config)
        return
    from pytest_secrets.audit import AuditPlugin
    from pytest_secrets.settings import resolve

    resolved = resolve(config)
    config.pluginmanager.register(AuditPlugin(resolved), AUDIT_PLUGIN_NAME)
    from pytest_secrets.history.reporting import register as register_history

    register_history(config)
    from pytest_secrets.reports.plugin import register as register_reports

    register_reports(config, resolved)
    if resolved.leak_guard:
        from pytest_secrets.leakguard.plugin import register

        register(config, resolved)
