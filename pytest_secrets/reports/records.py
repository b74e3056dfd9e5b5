"""Every finding of a run as one flat record: audit findings and leak-guard leaks alike.

Records are built on the process that writes reports (the xdist controller, or the only
process) from the plain data the audit items and the leak guard attach to test reports. They
hold names, places and fingerprints, never a value. Paths are made relative to one base
folder (the repository's top folder when there is one, so CI annotations and code-scanning
uploads resolve them; else the rootdir).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

LEAK_GUARD_CHECK = "leak-guard"
LEAK_GUARD_DESCRIPTION = "no known secret value appears in a test's logs, output, warnings or failure report"
# Checks whose finding paths are relative to the repository's top folder, not the project folder.
REPOSITORY_RELATIVE_CHECKS = ("git-history",)
STATUSES = ("open", "warned", "accepted", "allowed")


@dataclass(frozen=True)
class ResultRecord:
    """One finding as reported. ``status``: open (fails the run), warned, accepted, allowed."""

    check: str
    rule_id: str
    message: str
    fix: str
    status: str
    path: str | None = None
    line: int | None = None
    key: str | None = None
    fingerprint: str | None = None
    commit: str | None = None
    detector: str | None = None
    test: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def stable_id(self) -> str:
        """Identifies the finding across runs: the value's fingerprint where there is one, else its place."""
        if self.fingerprint:
            basis = f"{self.rule_id}|{self.fingerprint}|{self.path or ''}"
        else:
            basis = f"{self.rule_id}|{self.path or ''}|{self.key or ''}|{self.message}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def rule_id(check: str, detector: str | None) -> str:
    """``git-history`` or, for a detector finding, ``git-history/aws-access-key``."""
    if not detector:
        return check
    return f"{check}/{re.sub(r'[^a-z0-9]+', '-', detector.lower()).strip('-')}"


def find_repository_top(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder, or a worktree's file).

    Looking for ``.git`` instead of asking git keeps reporting free of subprocesses.
    """
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


class PathBase:
    """Rewrites the paths each source reports into paths relative to one base folder."""

    def __init__(self, rootdir: Path, project_root: Path) -> None:
        self.rootdir = rootdir.resolve()
        self.project_root = project_root.resolve()
        self.repository = find_repository_top(self.project_root)
        self.base = self.repository or self.rootdir

    def relative(self, path: str | None, relative_to: Path) -> str | None:
        if not path:
            return None
        absolute = (relative_to / path).resolve()
        try:
            return absolute.relative_to(self.base).as_posix()
        except ValueError:
            return absolute.as_posix()

    def of_check(self, check: str) -> Path:
        if check in REPOSITORY_RELATIVE_CHECKS and self.repository is not None:
            return self.repository
        return self.project_root


def from_audit(data: dict[str, Any], paths: PathBase) -> ResultRecord:
    """A record from one entry of an audit item's ``secrets_audit_results``."""
    check = str(data["check"])
    key, message = data.get("key"), str(data["message"])
    return ResultRecord(
        check=check,
        rule_id=rule_id(check, data.get("detector")),
        message=f"{key}: {message}" if key and key not in message else message,
        fix=str(data["fix"]),
        status="accepted" if data.get("accepted") else "open",
        path=paths.relative(data.get("path"), paths.of_check(check)),
        line=data.get("line"),
        key=data.get("key"),
        fingerprint=data.get("fingerprint"),
        commit=data.get("commit"),
        detector=data.get("detector"),
    )


def from_leak(data: dict[str, Any], nodeid: str | None, status: str, fix: str, paths: PathBase) -> ResultRecord:
    """A record from one leak (``Leak.to_json``) seen in test ``nodeid`` (None: outside any test)."""
    location = data.get("location") or ""
    path, _, line = location.rpartition(":")
    if not line.isdigit():
        path, line = location, ""
    details = [str(data.get("form", "raw"))]
    if data.get("when", "call") != "call":
        details.append(f"during {data['when']}")
    if data.get("canary"):
        details.append("canary")
    where = f"test {nodeid}" if nodeid else "outside any test"
    return ResultRecord(
        check=LEAK_GUARD_CHECK,
        rule_id=LEAK_GUARD_CHECK,
        message=f"{data['key']} leaked into {data['channel']} in {where} ({', '.join(details)})",
        fix=fix,
        status=status,
        path=paths.relative(path, paths.rootdir) if path else None,
        line=int(line) if line else None,
        key=str(data["key"]),
        fingerprint=data.get("fingerprint"),
        test=nodeid,
    )
