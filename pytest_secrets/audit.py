"""The audit as pytest items: one ``secrets-audit::<check>`` item per registered check.

Items are added at the front of the collected items in a ``tryfirst``
``pytest_collection_modifyitems``, before ``-k``, ``-m``, ``--deselect`` and ``--lf`` filter
the list, so every selection mechanism (and xdist, which needs the same items in the same
order on every worker) treats them like ordinary tests. Collection itself does no I/O; the
work happens in ``runtest``.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_secrets.checks import CHECKS
from pytest_secrets.checks.base import Check
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun, SecretsAuditError
from pytest_secrets.settings import AuditSettings

COLLECTOR_NAME = "secrets-audit"
MARKER_NAME = "secrets_audit"
CONTEXT_KEY = pytest.StashKey[AuditContext]()
FINDINGS_KEY = pytest.StashKey[tuple[int, int]]()
RESULTS_KEY = pytest.StashKey[list[dict[str, Any]]]()
NOTES_KEY = pytest.StashKey[list[str]]()
NOTES_ATTRIBUTE = "secrets_audit_notes"
SUMMARY_TITLE = "secrets-audit"
FAILURE_HEADING = "secrets-audit::{check} (rule: {description})"
SKIP_PREFIX = "not audited: "
FINDINGS_ATTRIBUTE = "secrets_audit_findings"
ACCEPTED_ATTRIBUTE = "secrets_audit_accepted"
# Each finding as plain data (``Finding.to_record`` plus ``accepted``), for reports and --secrets-accept.
RESULTS_ATTRIBUTE = "secrets_audit_results"


class AuditCollector(pytest.Collector):
    """The ``secrets-audit`` node that groups the audit items."""

    def collect(self) -> list[pytest.Item]:
        return [AuditItem.from_parent(self, name=check.name, check=check) for check in CHECKS]


class AuditItem(pytest.Item):
    """Runs one check; fails with its findings, skips with the reason it cannot run."""

    def __init__(self, *, check: type[Check], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.add_marker(MARKER_NAME)

    def runtest(self) -> None:
        context = self.config.stash[CONTEXT_KEY]
        try:
            findings = self.check().run(context)
        except CheckCannotRun as reason:
            pytest.skip(f"{SKIP_PREFIX}{reason}")
        finally:
            self.stash[NOTES_KEY] = context.take_notes(self.name)
        allowlist = context.allowlist
        accepted = [f for f in findings if f.fingerprint and f.fingerprint.startswith(allowlist)] if allowlist else []
        findings = [finding for finding in findings if finding not in accepted]
        self.stash[FINDINGS_KEY] = (len(findings), len(accepted))
        self.stash[RESULTS_KEY] = [{**f.to_record(), "accepted": False} for f in findings] + [
            {**f.to_record(), "accepted": True} for f in accepted
        ]
        if findings:
            raise SecretsAuditError.from_findings(self.name, findings)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, SecretsAuditError):
            heading = FAILURE_HEADING.format(check=self.name, description=self.check.description)
            return f"{heading}\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"[secrets-audit] {self.name}"


class AuditPlugin:
    """Registered by the entry point when the audit is on; owns the session's audit state."""

    def __init__(self, settings: AuditSettings) -> None:
        self.settings = settings
        self.outcomes: dict[str, tuple[str, str]] = {}
        self.notes: dict[str, list[str]] = {}

    def pytest_report_header(self) -> str:
        from pytest_secrets.inventory import find_env_files

        found = [path.relative_to(self.settings.root).as_posix() for path in find_env_files(self.settings)]
        return self.settings.describe(found)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from pytest_secrets.allowlist import AllowlistError

        config = session.config
        can_write = not hasattr(config, "workerinput")
        context = AuditContext(self.settings, getattr(config, "cache", None), can_write)
        try:
            context.allowlist  # read the allowlist file now: a broken one is a usage error, not a finding
        except AllowlistError as error:
            raise pytest.UsageError(f"secrets-audit: invalid allowlist file {error}") from None
        session.config.stash[CONTEXT_KEY] = context

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, items: list[pytest.Item]) -> None:
        collector = AuditCollector.from_parent(session, name=COLLECTOR_NAME, nodeid=COLLECTOR_NAME)
        audit_items = collector.collect()
        # Report the collector like any other, so "collected N items" and --collect-only count it.
        session.ihook.pytest_collectreport(report=pytest.CollectReport(COLLECTOR_NAME, "passed", None, list[pytest.Item | pytest.Collector](audit_items)))
        items[:0] = audit_items

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if isinstance(item, AuditItem) and report.skipped and isinstance(report.longrepr, tuple):
            # Point "-rs" at the check, not at the line of our code that raised the skip.
            report.longrepr = (item.nodeid, None, report.longrepr[2])
        if isinstance(item, AuditItem) and call.when == "call":
            # Plain ints and strings (no values): they travel with the report to the xdist controller.
            counts = item.stash.get(FINDINGS_KEY, None)
            if counts is not None:
                setattr(report, FINDINGS_ATTRIBUTE, counts[0])
                setattr(report, ACCEPTED_ATTRIBUTE, counts[1])
                setattr(report, RESULTS_ATTRIBUTE, item.stash.get(RESULTS_KEY, []))
            setattr(report, NOTES_ATTRIBUTE, item.stash.get(NOTES_KEY, []))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.nodeid.startswith(COLLECTOR_NAME + "::"):
            return
        check = report.nodeid.split("::", 1)[1]
        self.notes.setdefault(check, []).extend(getattr(report, NOTES_ATTRIBUTE, []))
        if report.skipped and isinstance(report.longrepr, tuple):
            self.outcomes[check] = ("skipped", str(report.longrepr[2]).removeprefix("Skipped: ").removeprefix(SKIP_PREFIX))
        elif report.failed:
            count = getattr(report, FINDINGS_ATTRIBUTE, None)
            detail = count_text(count, getattr(report, ACCEPTED_ATTRIBUTE, 0)) if count is not None else f"error in {report.when}"
            self.outcomes[check] = ("FAILED", detail)
        elif report.when == "call":
            self.outcomes[check] = ("passed", count_text(0, getattr(report, ACCEPTED_ATTRIBUTE, 0)))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """One compact section: each check's outcome and counts, what was scanned, what was not
        audited, and the leak guard's verdict."""
        config = terminalreporter.config
        if hasattr(config, "workerinput"):
            return
        from pytest_secrets.history.reporting import PLUGIN_NAME as HISTORY_PLUGIN

        guard_lines = self._leak_guard_lines(config)
        if not self.outcomes and not guard_lines:
            return
        history = config.pluginmanager.get_plugin(HISTORY_PLUGIN)
        scans: dict[str, dict[str, Any]] = history.lines if history is not None else {}
        terminalreporter.write_sep("=", SUMMARY_TITLE)
        width = max((len(name) for name in self.outcomes), default=0)
        for check in (c.name for c in CHECKS):
            if check in self.outcomes:
                outcome, detail = self.outcomes[check]
                line = f"{check:<{width}}  {outcome}" + (f"  {detail}" if detail else "")
                terminalreporter.write_line(line, red=outcome == "FAILED", yellow=outcome == "skipped")
                scan = scans.get(check, {})
                if scan.get("summary"):
                    terminalreporter.write_line(f"{'':<{width}}  scanned: {scan['summary']}")
                for note in self.notes.get(check, []) + scan.get("notes", []):
                    terminalreporter.write_line(f"{'':<{width}}  note: {note}", yellow=True)
        for text, markup in guard_lines:
            terminalreporter.write_line(text, **markup)

    def _leak_guard_lines(self, config: pytest.Config) -> list[tuple[str, dict[str, bool]]]:
        if not self.settings.leak_guard:
            return []
        from pytest_secrets.leakguard.plugin import GUARD_KEY

        guard = config.stash.get(GUARD_KEY, None)
        return guard.summary_lines() if guard is not None else []


def count_text(findings: int, accepted: int) -> str:
    """``2 findings``, ``0 findings, 1 accepted by the allowlist``."""
    text = f"{findings} finding{'s' if findings != 1 else ''}"
    return f"{text}, {accepted} accepted by the allowlist" if accepted else text
