"""The git history scan behind the ``git-history`` and ``tracked-files`` checks."""

from pytest_secrets.history.engine import HistoryScan, scan_history
from pytest_secrets.history.reporting import HistoryReportPlugin, register

__all__ = ["HistoryReportPlugin", "HistoryScan", "register", "scan_history"]
