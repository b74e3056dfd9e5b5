"""What the git-history and tracked-files checks share: finding the repository, reading the
baseline, the guide's fix text, and where a check leaves its (non-secret) report for the
hooks in :mod:`pytest_secrets.history.reporting`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_secrets.adapters import git
from pytest_secrets.adapters.detect_secrets import (
    BaselineEntry,
    BaselineError,
    DetectorConfig,
    baseline_entries,
    config_from_baseline,
    default_config,
    read_baseline,
)
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun

# Where a check leaves what the reporting hooks attach to its report: {check: {...}}.
REPORTS_SHARED_NAME = "history.reports"
# A callable (label, done, total) the reporting plugin provides for progress lines.
PROGRESS_SHARED_NAME = "history.progress"

ROTATE_FIRST = (
    "Rotate it first: the guide's 'Emergency: Secret Leaked' procedure (rotate at the source, "
    "update every environment, deploy, verify, then check for unauthorized use)."
)
CLEAN_HISTORY = (
    "Then remove it from every branch and tag (git filter-repo or BFG), force-push, and ask "
    "collaborators to re-clone; history that reached a remote stays compromised."
)
ACCEPT_HINT = (
    "If it is not a secret, accept it reviewably: 'pytest --secrets-audit --secrets-accept' after "
    "review (or 'detect-secrets audit {baseline}'), and commit the change."
)
LIVE_PREFIX = "URGENT, still live: "


def fix_for_history(baseline_file: str, live: bool) -> str:
    accept = "" if live else " " + ACCEPT_HINT.format(baseline=baseline_file)
    return f"{ROTATE_FIRST} {CLEAN_HISTORY}{accept}"


def fix_for_tree(baseline_file: str, live: bool) -> str:
    move = (
        "Move the value out of the code into the environment (.env, not committed) and read it "
        "with os.environ; it was committed, so rotate it first: the guide's 'Emergency: Secret "
        "Leaked' procedure."
    )
    accept = "" if live else " " + ACCEPT_HINT.format(baseline=baseline_file)
    return move + accept


def repository_root(context: AuditContext) -> Path:
    """The top folder of the project's git repository, or CheckCannotRun saying why there is
    none; :class:`~pytest_secrets.adapters.git.GitRefused` (the check fails) when there is
    one git will not read."""
    try:
        top = git.toplevel(context.settings.root)
    except git.GitMissing as error:
        raise CheckCannotRun(f"{error}; install git to audit the repository") from None
    if top is None:
        raise CheckCannotRun(f"{context.settings.root} is not inside a git repository: no history to audit")
    return top


@dataclass(frozen=True)
class DetectorSetup:
    config: DetectorConfig
    baseline: list[BaselineEntry]
    baseline_path: Path
    problem: str | None  # a baseline that cannot be read


def detector_setup(context: AuditContext) -> DetectorSetup:
    """detect-secrets settings from the project's baseline (if any), else the defaults."""

    def compute() -> DetectorSetup:
        settings = context.settings
        path = settings.root / settings.baseline_file
        if not path.is_file():
            return DetectorSetup(default_config(Path(settings.baseline_file).name), [], path, None)
        try:
            data = read_baseline(str(path))
        except BaselineError as error:
            return DetectorSetup(default_config(Path(settings.baseline_file).name), [], path, str(error))
        config = config_from_baseline(data, Path(settings.baseline_file).name)
        return DetectorSetup(config, baseline_entries(data), path, None)

    return context.shared("history.detector-setup", compute)


def leave_report(context: AuditContext, check: str, report: dict[str, Any]) -> None:
    """Hand a JSON report (counts, and a cache payload a worker may not write) to the hooks."""
    reports: dict[str, dict[str, Any]] = context.shared(REPORTS_SHARED_NAME, dict)
    reports[check] = report


def store_cache(context: AuditContext, key: str, payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """Write the cache here if this process may; otherwise return it for the controller."""
    if payload is None:
        return None
    if context.cache_set(key, payload):
        return None
    return {"key": key, "value": payload}


def progress_printer(context: AuditContext, label: str) -> Callable[[int, int], None] | None:
    """Blobs done / total on the terminal for long first scans, when the reporting plugin
    provides a terminal (not on xdist workers, not when output is not a terminal)."""
    show: Callable[[str, int, int], None] | None = context.shared(PROGRESS_SHARED_NAME, lambda: None)
    if show is None:
        return None
    printer = show

    def progress(done: int, total: int) -> None:
        printer(label, done, total)

    return progress
