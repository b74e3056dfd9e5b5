"""The leak guard as a pytest plugin: every test of the user's suite becomes a leak test.

Why it is built this way:

- A leak is judged per test phase (setup, call, teardown), in a ``pytest_runtest_makereport``
  wrapper, because that is the one place that sees everything pytest is about to report for
  the phase (captured stdout, stderr and log sections, other plugins' sections, the failure's
  exception text, traceback and ``--showlocals`` locals, user properties) *before* anyone
  consumes the report: the terminal, JUnit XML, ``-rA``, other plugins, and xdist, which ships
  the report to the controller from ``pytest_runtest_logreport``. The wrapper returns a masked
  report, so no later consumer, and no other process, ever sees the value.
- Channels that never reach a report are watched as they happen and collected as pending
  leaks of the running phase: log records (masked when they are made, see ``channels.py``),
  warnings (held back per test inside pytest's own warnings capture, judged per phase, handed
  on masked, see :meth:`LeakGuardPlugin.pytest_runtest_protocol`),
  output a test reads through ``capsys``/``capfd`` (see ``fixtures.py``), and ``-s`` output.
- A leak in setup is reported on the test's call phase (the test fails, rather than erroring
  before it runs); a leak in teardown fails the teardown, the last report pytest makes.
- Only plain data (key, fingerprint, channel, location) is stored on reports; the controller
  prints the summary from it, once.
- Nothing is done when there is nothing to watch: a falsy guard skips every scan. Clean text
  costs one scan per log record and per phase's new report content (see ``redaction.py`` for
  why that is cheap): a report repeats the captured sections of the test's earlier phases,
  which were judged then. The test ids are checked once, after collection.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Collection, Generator
from typing import Any

import pytest

from pytest_secrets import settings as settings_module
from pytest_secrets.leakguard.channels import RecordFactory, WarningRecorder
from pytest_secrets.leakguard.early import EARLY_KEY, EarlyState
from pytest_secrets.leakguard.guard import Leak, LeakGuard, render_leaks
from pytest_secrets.leakguard.reports import judged_count, mask_file, masked_report, masked_warning, report_text
from pytest_secrets.redaction import Redactor

PLUGIN_NAME = "secrets-leak-guard"
FIXTURES_PLUGIN_NAME = "secrets-leak-guard-fixtures"
CONTROLLER_PLUGIN_NAME = "secrets-leak-guard-xdist-controller"
ALLOW_MARKER = "secrets_allow_leak"
LEAKS_ATTRIBUTE = "secrets_leaks"
ALLOWED_ATTRIBUTE = "secrets_leaks_allowed"
UNUSED_ALLOWANCE_ATTRIBUTE = "secrets_unused_allowance"
SECTION_TITLE = "secrets leak guard"
# The guard's lines go in the audit's summary section (``audit.py``), each with this prefix.
SUMMARY_PREFIX = "leak guard: "
ALLOW_NEEDS_REASON = "@pytest.mark.secrets_allow_leak needs a reason: @pytest.mark.secrets_allow_leak(reason='why')"
UNUSED_ALLOWANCE = "{nodeid}: secrets_allow_leak is unused (no known secret appeared); remove the marker ({reason})"
WARNED_LEAK = "secrets leak guard (warn mode): the test keeps its outcome"
HEADER = "secrets leak guard: on, leaks {action} the test (from {source}){canaries}"
GUARD_KEY = pytest.StashKey["LeakGuardPlugin"]()
CAPTURED_PREFIX = "Captured "
TEST_ID_CHANNEL = "the test's id (parametrize ids)"
# Log records and live output after a phase's report belong to the next phase.
NEXT_PHASE = {"setup": "call", "call": "teardown"}


class TestState:
    """The guard's record of one test while it runs (``LeakGuardPlugin.current``)."""

    __test__ = False
    __slots__ = (
        "item", "allowance", "allowed", "pending", "deferred", "leaked", "warnings", "warnings_seen",
        "properties_seen", "judged_sections", "judged_with", "masked",
    )

    def __init__(self, item: pytest.Item, allowed: bool = False, allowance: str | None = None) -> None:
        self.item = item
        self.allowed = allowed
        self.allowance = allowance
        self.pending: list[Leak] = []
        self.deferred: list[Leak] = []
        self.leaked = False
        self.warnings: list[warnings.WarningMessage] = []
        self.warnings_seen = 0
        self.properties_seen = 0
        # The sections of the last report judged (the next report repeats them first), the
        # redactor it was judged with, and whether one needed masking: with another redactor,
        # or after masking, the next report is checked whole.
        self.judged_sections: list[tuple[str, str]] = []
        self.judged_with: Redactor | None = None
        self.masked = False

    @property
    def location(self) -> str:
        """``path:line`` of the test (computed only when a leak is reported)."""
        return item_location(self.item)


def item_location(item: pytest.Item) -> str:
    path, line, _ = item.location
    return f"{path}:{line + 1}" if line is not None else path


def section_channel(title: str) -> str:
    """``Captured stdout call`` -> ``captured stdout``; other sections by their title."""
    if title.startswith(CAPTURED_PREFIX):
        kind = title[len(CAPTURED_PREFIX) :].rsplit(" ", 1)[0]
        if kind in ("stdout", "stderr", "log"):
            return f"captured {kind}"
    return f"report section '{title}'"


def closest_marker(item: pytest.Item, name: str) -> pytest.Mark | None:
    """``item.get_closest_marker(name)``, walking ``own_markers`` up the ``parent`` chain the
    same way, without its three nested generators (this runs for every test)."""
    node: pytest.Item | pytest.Collector | None = item
    while node is not None:
        for mark in node.own_markers:
            if mark.name == name:
                return mark
        node = node.parent
    return None


def allowance_of(item: pytest.Item) -> tuple[bool, str | None]:
    """Whether the test carries the marker, and its reason (None when none was given)."""
    marker = closest_marker(item, ALLOW_MARKER)
    if marker is None:
        return False, None
    reason = marker.kwargs.get("reason", marker.args[0] if marker.args else None)
    return True, str(reason) if reason else None


class LeakGuardPlugin:
    """Registered by the entry point when the audit (and the guard) is on."""

    def __init__(self, config: pytest.Config, settings: settings_module.AuditSettings, state: EarlyState) -> None:
        self.config = config
        self.settings = settings
        self.early = state
        self.guard: LeakGuard = state.guard
        self.current: TestState | None = None
        self.outside: list[Leak] = []
        self.tests_with_leaks: dict[str, list[tuple[list[Leak], bool]]] = {}
        self.unused_allowances: list[str] = []
        # Without xdist the summary is fed from makereport; an xdist controller is fed by
        # XdistControllerPlugin from the workers' reports; a worker prints no summary.
        distributed = config.getoption("dist", "no") != "no"
        self.records_locally = not distributed and not hasattr(config, "workerinput")
        self.records = RecordFactory(self.guard, state.sink, state.current_phase)
        self.warning_recorder = WarningRecorder()
        # Test ids holding a watched value, found by one scan after collection, and the
        # redactor that scan used (a value registered later means checking each id again).
        self.ids_judged_with: Redactor | None = None
        self.leaky_ids: Collection[str] = ()
        state.sinks.append(self._collect)

    # --- live channels -----------------------------------------------------------------

    def _collect(self, leaks: list[Leak]) -> None:
        if self.current is not None:
            self.current.pending.extend(leaks)
        else:
            self.outside.extend(leaks)

    def scan_live(self, text: str, channel: str) -> None:
        """Check text a test read from a capture fixture; report it on the running phase."""
        if self.guard and text and self.guard.contains(text):
            location = self.current.location if self.current else None
            self._collect(self.guard.leaks(text, channel, location, self.early.phase))

    # --- session --------------------------------------------------------------------------

    def pytest_report_header(self) -> str:
        planted = sorted(self.early.canaries.values)
        canaries = f"; canaries planted for {', '.join(planted)}" if planted else ""
        if self.settings.canary and not planted:
            canaries = "; canaries on, none needed (every declared secret key has a value)"
        return HEADER.format(
            action="fail" if self.settings.leak_action == "fail" else "do not fail",
            source=self.settings.source_of("leak_action"),
            canaries=canaries,
        )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Load the values to watch, now that conftests (which may set env vars) are imported."""
        from pytest_secrets.audit import CONTEXT_KEY
        from pytest_secrets.inventory import build_inventory

        context = session.config.stash.get(CONTEXT_KEY, None)
        canaries = self.early.canaries
        if canaries:
            # The audit's checks judge the project, not our plants: give them an inventory
            # built from the environment without the canaries.
            environ = {key: value for key, value in os.environ.items() if not canaries.is_planted(key, os.environ)}
            inventory = build_inventory(self.settings, environ)
            if context is not None and "inventory" not in vars(context):
                vars(context)["inventory"] = inventory  # fills AuditContext's cached_property
        else:
            inventory = context.inventory if context is not None else build_inventory(self.settings, os.environ)
        self.guard.add(inventory.known_secrets())
        self.guard.add(canaries.secret_values(), canary=True)
        self.records.install()

    def pytest_unconfigure(self) -> None:
        self.records.uninstall()
        if self._collect in self.early.sinks:
            self.early.sinks.remove(self._collect)

    # --- per test --------------------------------------------------------------------------

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Check every test id with one scan (an id is shown everywhere and cannot be masked)."""
        guard = self.guard
        self.ids_judged_with = guard.redactor
        if guard and guard.contains("\n".join(item.nodeid for item in session.items)):
            self.leaky_ids = {item.nodeid for item in session.items if guard.contains(item.nodeid)}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, Any]:
        """Watch one test: its state, and the warnings of all its phases.

        Warnings are held back here, inside pytest's own warnings capture, and are judged phase
        by phase in ``pytest_runtest_makereport`` (the phase's new entries in ``caught``). They
        are handed on to pytest, masked, when the test is done: pytest itself only reports a
        test's warnings after its teardown, so nothing is delayed.
        """
        allowed, reason = allowance_of(item)
        state = TestState(item, allowed, reason)
        guard = self.guard
        state.judged_with = guard.redactor
        if guard.watching and (self.ids_judged_with is not guard.redactor or (self.leaky_ids and item.nodeid in self.leaky_ids)):
            # The id is shown everywhere and cannot be masked (xdist and JUnit XML match on it).
            if guard.contains(item.nodeid):
                state.pending += guard.leaks(item.nodeid, TEST_ID_CHANNEL, state.location, "setup")
        self.current = state
        self.early.phase = "setup"
        caught = state.warnings = self.warning_recorder.start()
        try:
            return (yield)
        finally:
            self.warning_recorder.stop()
            self.current = None
            self.early.phase = "session"
            if caught:
                if guard and state.warnings_seen < len(caught):
                    self.outside += self._phase_warnings(state, "teardown")
                for message in caught:
                    warnings.showwarning(
                        message.message, message.category, message.filename, message.lineno, message.file, message.line
                    )

    def _phase_warnings(self, state: TestState, when: str) -> list[Leak]:
        """Leaks in the warnings of the phase that just ended; those warnings are masked in place."""
        leaks: list[Leak] = []
        caught = state.warnings
        for index in range(state.warnings_seen, len(caught)):
            message = caught[index]
            text = str(message.message)
            if self.guard.contains(text):
                channel = f"warning ({message.category.__name__})"
                location = f"{self.relative(message.filename)}:{message.lineno}" if message.filename else None
                leaks += self.guard.leaks(text, channel, location, when)
                caught[index] = masked_warning(message, self.guard)
        state.warnings_seen = len(caught)
        return leaks

    def relative(self, path: str | os.PathLike[str]) -> str:
        try:
            return os.path.relpath(path, self.config.invocation_params.dir)
        except ValueError:
            return os.fspath(path)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        report: pytest.TestReport = yield
        state = self.current
        if state is None or state.item is not item:
            return report
        when = call.when
        self.early.phase = NEXT_PHASE.get(when, "session")
        leaks = state.pending
        if leaks:
            state.pending = []
        guard = self.guard
        if guard.watching:
            if state.warnings_seen < len(state.warnings):
                leaks = leaks + self._phase_warnings(state, when)
            # Scan only what no earlier phase judged (a report repeats the captured sections of
            # the earlier phases), unless one of them needed masking or a value was added since.
            sections = report.sections
            start = judged_count(sections, state.judged_sections) if state.judged_sections else 0
            state.judged_sections = sections[:]
            if state.masked or state.judged_with is not guard.redactor:
                state.judged_with = guard.redactor
                text = report_text(report)
            elif start < len(sections) or report.longrepr is not None or report.user_properties:
                text = report_text(report, start)
            else:
                text = ""  # nothing new: the common case for setup and teardown
            if text and guard.contains(text):
                leaks = leaks + self._report_leaks(report, call, state, when, start)
                report = masked_report(self.config, report, guard)
                state.masked = True
        passed = report.outcome == "passed"
        if when == "setup" and passed:
            if state.allowed and state.allowance is None:
                report.outcome = "failed"
                report.longrepr = ALLOW_NEEDS_REASON
            else:
                if leaks:
                    state.deferred += leaks
                return report
        if state.deferred:
            leaks = state.deferred + leaks
            state.deferred = []
        if leaks:
            state.leaked = True
            self._apply(report, leaks, state)
        if when == "teardown" and state.allowance is not None and not state.leaked:
            setattr(report, UNUSED_ALLOWANCE_ATTRIBUTE, state.allowance)
            if self.records_locally:
                self.record_report(report)
        elif leaks and self.records_locally:
            self.record_report(report)
        return report

    def _report_leaks(
        self, report: pytest.TestReport, call: pytest.CallInfo[None], state: TestState, when: str, start: int
    ) -> list[Leak]:
        """Leaks in what pytest is about to report for this phase: sections from ``start`` on
        (the earlier ones were judged in an earlier phase), the failure, new user properties."""
        guard = self.guard
        leaks: list[Leak] = []
        for title, content in report.sections[start:]:
            if guard.contains(content):
                leaks += guard.leaks(content, section_channel(title), state.location, when)
        if report.longrepr is not None:
            text = str(report.longrepr)
            if guard.contains(text):
                kind = call.excinfo.typename if call.excinfo is not None else "report"
                crash = getattr(report.longrepr, "reprcrash", None)
                location = f"{self.relative(crash.path)}:{crash.lineno}" if crash is not None else state.location
                leaks += guard.leaks(text, f"failure report ({kind}: message, traceback, locals)", location, when)
        for name, value in report.user_properties[state.properties_seen :]:
            text = value if isinstance(value, str) else str(value)
            if guard.contains(text):
                leaks += guard.leaks(text, f"user property '{name}'", state.location, when)
        state.properties_seen = len(report.user_properties)
        return leaks

    def _apply(self, report: pytest.TestReport, leaks: list[Leak], state: TestState) -> None:
        """Record the leaks on the report and, unless allowed or in warn mode, fail it."""
        setattr(report, LEAKS_ATTRIBUTE, [leak.to_json() for leak in leaks])
        if state.allowed:
            setattr(report, ALLOWED_ATTRIBUTE, True)
            return
        message = render_leaks(leaks)
        if self.settings.leak_action != "fail":
            report.sections.append((SECTION_TITLE, f"{message}\n{WARNED_LEAK}"))
            return
        if report.failed:
            report.sections.append((SECTION_TITLE, message))
            return
        report.outcome = "failed"
        report.longrepr = message
        if hasattr(report, "wasxfail"):
            del report.wasxfail

    # --- reporting (the controller, or the only process) ----------------------------------

    def record_report(self, report: pytest.TestReport) -> None:
        """Note a report's leaks for the summary (from makereport, or the xdist controller)."""
        raw = getattr(report, LEAKS_ATTRIBUTE, None)
        if raw:
            leaks = [Leak.from_json(data) for data in raw]
            allowed = bool(getattr(report, ALLOWED_ATTRIBUTE, False))
            self.tests_with_leaks.setdefault(report.nodeid, []).append((leaks, allowed))
        reason = getattr(report, UNUSED_ALLOWANCE_ATTRIBUTE, None)
        if reason is not None:
            self.unused_allowances.append(UNUSED_ALLOWANCE.format(nodeid=report.nodeid, reason=reason))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Mask the JUnit XML file as written (covers record_xml_attribute and suite properties)."""
        xmlpath = session.config.getoption("xmlpath", None)
        if xmlpath and self.guard and not hasattr(session.config, "workerinput"):
            mask_file(xmlpath, self.guard)

    def summary_lines(self) -> list[tuple[str, dict[str, bool]]]:
        """The guard's lines for the audit's summary section (each with its terminal markup)."""
        lines: list[tuple[str, dict[str, bool]]] = []
        if not self.tests_with_leaks and not self.outside:
            watched = len(self.guard.secrets)
            if watched:
                lines.append((f"no known secret leaked ({watched} value{'s' if watched != 1 else ''} watched in this process)", {}))
            else:
                lines.append(("nothing to watch: no known secret values here (use --secrets-canary where secrets are absent)", {}))
        for nodeid, entries in self.tests_with_leaks.items():
            for leaks, allowed in entries:
                if allowed:
                    status = "allowed"
                else:
                    status = "FAILED" if self.settings.leak_action == "fail" else "warned"
                for leak in dict.fromkeys(leaks):
                    markup = {"red": status == "FAILED", "yellow": status == "warned"}
                    lines.append((f"{nodeid}: {status}: {leak.render()}", markup))
        for leak in dict.fromkeys(self.outside):
            lines.append((f"outside any test: {leak.render()}", {"yellow": True}))
        for line in self.unused_allowances:
            lines.append((line, {"yellow": True}))
        return [(SUMMARY_PREFIX + text, markup) for text, markup in lines]


class XdistControllerPlugin:
    """On the xdist controller only: collects leaks from the reports workers send."""

    def __init__(self, guard: LeakGuardPlugin) -> None:
        self.guard = guard

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.guard.record_report(report)


def register(config: pytest.Config, settings: settings_module.AuditSettings) -> None:
    """Register the guard and its fixtures (called from the entry point's ``pytest_configure``)."""
    from pytest_secrets.leakguard import fixtures
    from pytest_secrets.leakguard.canary import PlantedCanaries

    state = config.stash.get(EARLY_KEY, None)
    if state is None:  # the early hook did not run (plugin loaded late): no canaries, no stream wrapping
        state = config.stash[EARLY_KEY] = EarlyState(settings, LeakGuard(), PlantedCanaries())
    plugin = LeakGuardPlugin(config, settings, state)
    config.stash[GUARD_KEY] = plugin
    config.pluginmanager.register(plugin, PLUGIN_NAME)
    if config.getoption("dist", "no") != "no" and not hasattr(config, "workerinput"):
        config.pluginmanager.register(XdistControllerPlugin(plugin), CONTROLLER_PLUGIN_NAME)
    config.pluginmanager.register(fixtures, FIXTURES_PLUGIN_NAME)
