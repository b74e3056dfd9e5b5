"""The reporting plugin: gathers every finding of the run, then writes the report file,
prints GitHub Actions annotations, and accepts findings with ``--secrets-accept``.

It works on the process that sees every test report: the xdist controller, or the only
process. Audit items and the leak guard attach plain data to their reports (never a value),
which xdist carries to the controller; this plugin turns it into :class:`ResultRecord`s.
Everything it writes is also passed through the leak guard's redactor when the guard runs,
as a second line of defence.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

from pytest_secrets.reports.records import (
    LEAK_GUARD_CHECK,
    LEAK_GUARD_DESCRIPTION,
    PathBase,
    ResultRecord,
    from_audit,
    from_leak,
)
from pytest_secrets.settings import AuditSettings

PLUGIN_NAME = "secrets-audit-reports"
REPORT_WRITTEN = "secrets report: {count} result{s} written to {path} ({kind})"
REPORT_FAILED = "secrets report: could not write {path}: {error}"
ACCEPTED_LINE = (
    "secrets-accept: {count} finding{s} accepted into {path}; review the diff and commit it "
    "(the next run treats them as accepted)"
)
# The checks that honour .secrets.baseline entries, wherever the value appears.
BASELINE_CHECKS = ("tracked-files", "git-history", "pre-commit")
BASELINE_LINE = (
    "secrets-accept: {count} detect-secrets finding{s} in tracked files recorded in {path} as audited "
    "(is_secret: false); review the diff and commit it"
)
NOTHING_TO_ACCEPT = "secrets-accept: nothing new to accept ({path} already holds every fingerprint found)"
CANNOT_ACCEPT = (
    "secrets-accept: {count} finding{s} without a fingerprint cannot be accepted (fix them, or change "
    "the setting the check names): {checks}"
)


def register(config: pytest.Config, settings: AuditSettings) -> None:
    if config.pluginmanager.get_plugin(PLUGIN_NAME) is None:
        config.pluginmanager.register(ReportPlugin(config, settings), PLUGIN_NAME)


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-secrets")
    except PackageNotFoundError:
        return "unknown"


class ReportPlugin:
    def __init__(self, config: pytest.Config, settings: AuditSettings) -> None:
        self.config = config
        self.settings = settings
        self.paths = PathBase(config.rootpath, settings.root)
        self.results: list[ResultRecord] = []
        self.lines: list[tuple[str, dict[str, bool]]] = []

    @property
    def is_worker(self) -> bool:
        return hasattr(self.config, "workerinput")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return
        from pytest_secrets.audit import RESULTS_ATTRIBUTE

        for data in getattr(report, RESULTS_ATTRIBUTE, None) or []:
            self.results.append(from_audit(data, self.paths))
        leaks = getattr(report, "secrets_leaks", None)
        if leaks:
            from pytest_secrets.leakguard.guard import LEAK_FIX
            from pytest_secrets.leakguard.plugin import ALLOWED_ATTRIBUTE

            if getattr(report, ALLOWED_ATTRIBUTE, False):
                status = "allowed"
            else:
                status = "open" if self.settings.leak_action == "fail" else "warned"
            fix = LEAK_FIX.removeprefix("how to fix: ")
            for data in {tuple(sorted(leak.items())): leak for leak in leaks}.values():
                self.results.append(from_leak(data, report.nodeid, status, fix, self.paths))

    def _outside_leaks(self) -> list[ResultRecord]:
        """Leaks the guard saw outside any test (collection, session fixtures' teardown)."""
        if not self.settings.leak_guard:
            return []
        from pytest_secrets.leakguard.guard import LEAK_FIX
        from pytest_secrets.leakguard.plugin import GUARD_KEY

        plugin = self.config.stash.get(GUARD_KEY, None)
        if plugin is None:
            return []
        status = "open" if self.settings.leak_action == "fail" else "warned"
        fix = LEAK_FIX.removeprefix("how to fix: ")
        return [from_leak(leak.to_json(), None, status, fix, self.paths) for leak in dict.fromkeys(plugin.outside)]

    def _mask(self, text: str) -> str:
        if not self.settings.leak_guard:
            return text
        from pytest_secrets.leakguard.plugin import GUARD_KEY

        plugin = self.config.stash.get(GUARD_KEY, None)
        if plugin is not None and plugin.guard and plugin.guard.contains(text):
            return str(plugin.guard.mask(text))
        return text

    def _checks(self) -> dict[str, dict[str, Any]]:
        """Each check's outcome, counts and notes, from the audit and history plugins."""
        from pytest_secrets.plugin import AUDIT_PLUGIN_NAME
        from pytest_secrets.history.reporting import PLUGIN_NAME as HISTORY_PLUGIN

        audit = self.config.pluginmanager.get_plugin(AUDIT_PLUGIN_NAME)
        history = self.config.pluginmanager.get_plugin(HISTORY_PLUGIN)
        checks: dict[str, dict[str, Any]] = {}
        outcomes: dict[str, tuple[str, str]] = audit.outcomes if audit is not None else {}
        notes: dict[str, list[str]] = audit.notes if audit is not None else {}
        for name, (outcome, detail) in outcomes.items():
            entry: dict[str, Any] = {
                "outcome": outcome,
                "detail": detail,
                "findings": sum(1 for r in self.results if r.check == name and r.status == "open"),
                "accepted": sum(1 for r in self.results if r.check == name and r.status == "accepted"),
                "notes": list(notes.get(name, [])),
            }
            if history is not None and name in history.lines:
                if history.lines[name]["summary"]:
                    entry["scan"] = history.lines[name]["summary"]
                entry["notes"] += history.lines[name]["notes"]
            checks[name] = entry
        if self.settings.leak_guard:
            leaks = [r for r in self.results if r.check == LEAK_GUARD_CHECK]
            checks[LEAK_GUARD_CHECK] = {
                "outcome": "FAILED" if any(r.status == "open" for r in leaks) else "passed",
                "findings": sum(1 for r in leaks if r.status == "open"),
                "warned": sum(1 for r in leaks if r.status == "warned"),
                "allowed": sum(1 for r in leaks if r.status == "allowed"),
            }
        return checks

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            return
        self.results += self._outside_leaks()
        if self.settings.report:
            self._write_report(session)
        if self.settings.accept:
            self._accept()

    def _write_report(self, session: pytest.Session) -> None:
        from pytest_secrets.plugin import AUDIT_PLUGIN_NAME

        path = Path(self.config.invocation_params.dir) / str(self.settings.report)
        version = tool_version()
        if path.suffix.lower() == ".sarif":
            from pytest_secrets.checks import CHECKS
            from pytest_secrets.reports.sarif import render_sarif

            descriptions = {check.name: check.description for check in CHECKS}
            descriptions[LEAK_GUARD_CHECK] = LEAK_GUARD_DESCRIPTION
            audit = self.config.pluginmanager.get_plugin(AUDIT_PLUGIN_NAME)
            ran = set(audit.outcomes) if audit else set()
            descriptions = {name: text for name, text in descriptions.items() if name in ran or name == LEAK_GUARD_CHECK}
            text, kind = render_sarif(self.results, descriptions, version, self.paths.base), "SARIF 2.1.0"
        else:
            from pytest_secrets.reports.json_report import render_json

            text, kind = render_json(self.results, self._checks(), version, self.paths.base.as_posix()), "JSON"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self._mask(text), encoding="utf-8")
        except OSError as error:
            self.lines.append((REPORT_FAILED.format(path=path, error=error.strerror or error), {"red": True}))
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
            return
        count = len(self.results)
        self.lines.append((REPORT_WRITTEN.format(count=count, s="" if count == 1 else "s", path=path, kind=kind), {}))

    def _accept(self) -> None:
        """Accept the open audit findings: tracked-file detector findings into the baseline, the rest by fingerprint."""
        from pytest_secrets.allowlist import Acceptance, AllowlistError, append_acceptances

        path = self.settings.root / self.settings.allowlist_file
        today = datetime.date.today().isoformat()
        open_audit = [r for r in self.results if r.status == "open" and r.check != LEAK_GUARD_CHECK]
        in_baseline = {r.fingerprint for r in self._accept_in_baseline([r for r in open_audit if self._belongs_in_baseline(r)])}
        acceptances = []
        for result in open_audit:
            if result.check in BASELINE_CHECKS and result.fingerprint in in_baseline:
                continue  # these checks honour the baseline, which now holds the value
            if result.fingerprint:
                where = f"{result.path}:{result.line}" if result.path and result.line else (result.path or "")
                if result.commit:
                    where = f"{where} commit {result.commit}".strip()
                acceptances.append(Acceptance(result.fingerprint, result.rule_id, where, today))
        try:
            written = append_acceptances(path, acceptances)
        except (OSError, AllowlistError) as error:
            self.lines.append((f"secrets-accept: could not update {path}: {error}", {"red": True}))
            return
        shown = os.path.relpath(path, self.config.invocation_params.dir)
        if written:
            count = len(written)
            self.lines.append((ACCEPTED_LINE.format(count=count, s="" if count == 1 else "s", path=shown), {"yellow": True}))
        elif acceptances:
            self.lines.append((NOTHING_TO_ACCEPT.format(path=shown), {}))
        unfingerprinted = [r for r in open_audit if not r.fingerprint]
        if unfingerprinted:
            checks = ", ".join(dict.fromkeys(r.check for r in unfingerprinted))
            count = len(unfingerprinted)
            self.lines.append((CANNOT_ACCEPT.format(count=count, s="" if count == 1 else "s", checks=checks), {"yellow": True}))

    @staticmethod
    def _belongs_in_baseline(result: ResultRecord) -> bool:
        """A detect-secrets finding in a tracked file: the pre-commit hook must know it too."""
        from pytest_secrets.findings import KNOWN_VALUE_DETECTOR

        return result.check == "tracked-files" and bool(result.path and result.fingerprint) and result.detector not in (
            None,
            KNOWN_VALUE_DETECTOR,
        )

    def _accept_in_baseline(self, results: list[ResultRecord]) -> list[ResultRecord]:
        """Record ``results`` in a sound, existing baseline; returns those recorded (none without one)."""
        from pytest_secrets.audit import CONTEXT_KEY

        context = self.config.stash.get(CONTEXT_KEY, None)
        if not results or context is None:
            return []
        from pytest_secrets.adapters.baseline_writer import accept_in_baseline
        from pytest_secrets.history.project import detector_setup

        setup = detector_setup(context)
        if setup.problem or not setup.baseline_path.is_file():
            return []
        root = self.settings.root.resolve()
        keys: dict[ResultRecord, tuple[str, str]] = {}
        for result in results:
            try:
                name = (self.paths.base / str(result.path)).resolve().relative_to(root).as_posix()
            except ValueError:
                continue  # outside the project folder: the allowlist takes it
            keys[result] = (name, str(result.fingerprint))
        try:
            recorded = set(accept_in_baseline(root, setup.baseline_path, setup.config, keys.values()))
        except (OSError, ValueError) as error:
            self.lines.append((f"secrets-accept: could not update {setup.baseline_path}: {error}", {"red": True}))
            return []
        if recorded:
            shown = os.path.relpath(setup.baseline_path, self.config.invocation_params.dir)
            count = len(recorded)
            self.lines.append((BASELINE_LINE.format(count=count, s="" if count == 1 else "s", path=shown), {"yellow": True}))
        return [result for result, key in keys.items() if key in recorded]

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.is_worker:
            return
        from pytest_secrets.reports.annotations import annotation_lines, running_in_github_actions

        for text, markup in self.lines:
            terminalreporter.write_line(self._mask(text), **markup)
        if running_in_github_actions(os.environ):
            for line in annotation_lines(self.results):
                terminalreporter.write_line(self._mask(line))
