"""The git history scan behind the ``git-history`` and ``tracked-files`` checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_secrets.history.engine import HistoryScan, scan_history
    from pytest_secrets.history.reporting import HistoryReportPlugin, register

__all__ = ["HistoryReportPlugin", "HistoryScan", "register", "scan_history"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the engine alone (a scan, a worker process) does not need pytest.
    if name in ("HistoryScan", "scan_history"):
        from pytest_secrets.history import engine

        return getattr(engine, name)
    if name in ("HistoryReportPlugin", "register"):
        from pytest_secrets.history import reporting

        return getattr(reporting, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
