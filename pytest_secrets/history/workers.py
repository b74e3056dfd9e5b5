"""Worker processes for the history scan.

Each worker holds one entered detect-secrets :class:`Scanner` and its own ``git cat-file
--batch`` process, and scans the blobs it is given by id (the parent sends ids and paths,
never contents). Known secret values are matched in a worker only when it was forked from
the parent, which then already holds them in memory (``inherit_matcher``); they are never
pickled or sent. With another start method the parent matches them itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_secrets.adapters import git
from pytest_secrets.adapters.detect_secrets import DetectorConfig
from pytest_secrets.adapters.fast_scan import Scanner
from pytest_secrets.history.known_values import KnownValueMatcher

# Per worker process: [scanner, reader, matcher or None]. Set before forking (matcher) and
# by ``initialize`` in the worker.
_STATE: dict[str, Any] = {}


def inherit_matcher(matcher: KnownValueMatcher | None) -> None:
    """Call in the parent just before forking workers; ``None`` afterwards."""
    _STATE["matcher"] = matcher


def initialize(settings_json: str, root: str) -> None:
    scanner = Scanner(DetectorConfig(settings_json))
    scanner.__enter__()  # left entered for the life of this worker process
    reader = git.BlobReader(Path(root))
    reader.__enter__()  # its git process ends with this worker
    _STATE["scanner"] = scanner
    _STATE["reader"] = reader


def scan_chunk(chunk: list[tuple[str, str, bool, bool]]) -> dict[str, Any]:
    """Scan (sha, path, detectors wanted, known values wanted) items; JSON-able results."""
    scanner: Scanner = _STATE["scanner"]
    reader: git.BlobReader = _STATE["reader"]
    matcher: KnownValueMatcher | None = _STATE.get("matcher")
    paths = {sha: path for sha, path, _, _ in chunk}
    wants = {sha: (detect, known) for sha, _, detect, known in chunk}
    result: dict[str, Any] = {
        "detector": {},
        "known": {},
        "binary": [],
        "excluded": [],
        "missing": [],
        "bytes": 0,
        "count": len(chunk),
    }
    for sha, data in reader.stream([sha for sha, _, _, _ in chunk]):
        if data is None:
            result["missing"].append(sha)
            continue
        detect, known = wants[sha]
        if known and matcher:
            found = matcher.find(data)
            if found:
                result["known"][sha] = [[h.key, h.line, h.fingerprint, h.form] for h in found]
        if not detect:
            continue
        result["bytes"] += len(data)
        status, prepared = scanner.precheck(paths[sha], data)
        if status in ("binary", "excluded"):
            result[status].append(sha)
        if prepared is None:
            continue
        hits = scanner.scan_gated(paths[sha], prepared)
        if hits:
            result["detector"][sha] = [[h.type, h.line, h.secret_hash, h.fingerprint] for h in hits]
    return result
