"""Worker processes for the history scan.

Each worker holds one entered detect-secrets :class:`Scanner` (the parent's, where the workers
are forked) and its own ``git cat-file --batch`` process, and scans the blobs it is given by
id (the parent sends ids and paths, never contents). Known secret values are matched in a
worker only when it was forked from the parent, which then already holds them in memory;
they are never pickled or sent. With another start method the parent matches them itself.

:class:`WorkerPool` is the parent's side. A full scan starts it while git lists the history.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pytest_secrets.adapters import git
from pytest_secrets.adapters.detect_secrets import DetectorConfig
from pytest_secrets.adapters.fast_scan import Scanner
from pytest_secrets.history.known_values import KnownValueMatcher
from pytest_secrets.own_settings import without_setting_hits

# Per worker process: [scanner, reader, matcher or None]. Set before forking (matcher) and
# by ``initialize`` in the worker.
_STATE: dict[str, Any] = {}


def start_method() -> str | None:
    """``fork`` where it is safe (Linux, no other thread), else ``forkserver`` or ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return "fork"
    if "forkserver" in methods:
        return "forkserver"
    return "spawn" if "spawn" in methods else None


class WorkerPool:
    """``workers`` processes scanning chunks of blobs; :meth:`start` is False if none could start.

    ``inherits_matcher`` tells whether the workers hold the known values (forked with them).
    """

    def __init__(
        self,
        root: Path,
        config: DetectorConfig,
        workers: int,
        matcher: KnownValueMatcher,
        scanner: Scanner | None = None,
    ) -> None:
        self.root = root
        self.config = config
        self.workers = workers
        self.matcher = matcher
        self.inherits_matcher = False
        self._pool: Any = None
        self._given = scanner  # an entered scanner forked workers may inherit
        self._scanner: Scanner | None = None  # one this pool entered, to exit

    def start(self) -> bool:
        method = start_method()
        if method is None:
            return False
        self.inherits_matcher = method == "fork" and bool(self.matcher)
        _STATE["matcher"] = self.matcher if self.inherits_matcher else None
        if method == "fork":
            # Forked workers inherit an entered scanner: detect-secrets is set up once, in
            # this process. (Otherwise each worker imports it itself.)
            if self._given is None:
                self._scanner = Scanner(self.config)
                self._scanner.__enter__()
            _STATE["scanner"] = self._given or self._scanner
        try:
            context = multiprocessing.get_context(method)
            # The config's source, not its settings: working the defaults out imports
            # detect-secrets, which such workers do in parallel.
            self._pool = context.Pool(
                self.workers, initializer=initialize, initargs=(self.config.source, str(self.root))
            )
        except (OSError, ValueError, RuntimeError):
            self._pool = None
        finally:
            # The parent keeps no reference for later forks.
            _STATE.pop("matcher", None)
            _STATE.pop("scanner", None)
        if self._pool is None:
            self._exit_scanner()
        return self._pool is not None

    def scan(self, chunks: Iterable[list[tuple[str, str, bool, bool]]]) -> Iterator[dict[str, Any]]:
        """:func:`scan_chunk`'s result per chunk, in the order they finish."""
        assert self._pool is not None
        yield from self._pool.imap_unordered(scan_chunk, chunks)

    def close(self) -> None:
        """Wait for the workers to finish (after a complete :meth:`scan`)."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()

    def terminate(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
        self._exit_scanner()

    def _exit_scanner(self) -> None:
        scanner, self._scanner = self._scanner, None
        if scanner is not None:
            scanner.__exit__(None, None, None)  # detect-secrets' settings as they were


def initialize(config_source: str, root: str) -> None:
    if "scanner" not in _STATE:  # else forked with the parent's, entered
        scanner = Scanner(DetectorConfig(config_source))
        scanner.__enter__()  # left entered for the life of this worker process
        _STATE["scanner"] = scanner
    reader = git.BlobReader(Path(root))
    reader.__enter__()  # its git process ends with this worker
    _STATE["reader"] = reader


def scan_chunk(chunk: list[tuple[str, str, bool, bool]]) -> dict[str, Any]:
    """:func:`scan_items` in a worker, with the scanner, reader and matcher it holds."""
    return scan_items(_STATE["scanner"], _STATE["reader"], _STATE.get("matcher"), chunk)


def scan_items(
    scanner: Scanner,
    reader: git.BlobReader,
    matcher: KnownValueMatcher | None,
    items: list[tuple[str, str, bool, bool]],
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Scan (sha, path, detectors wanted, known values wanted) items; JSON-able results.

    A blob detect-secrets skips by its name (images, lock files...) is not read at all unless
    known values are searched in it. ``progress`` gets the number of items done, now and then.
    """
    result: dict[str, Any] = {
        "detector": {},
        "known": {},
        "binary": [],
        "excluded": [],
        "missing": [],
        "bytes": 0,
        "count": len(items),
    }
    paths = {sha: path for sha, path, _, _ in items}
    wants = {}
    for sha, path, detect, known in items:
        if detect and not (known and matcher) and scanner.is_file_excluded(path):
            result["excluded"].append(sha)
        else:
            wants[sha] = (detect, known)
    done = len(items) - len(wants)
    for sha, data in reader.stream(list(wants)):
        done += 1
        if progress is not None and done % 500 == 0:
            progress(done)
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
        status, hits = scanner.scan_version(paths[sha], data)
        if status in ("binary", "excluded"):
            result[status].append(sha)
        hits = without_setting_hits(paths[sha], data, hits)
        if hits:
            result["detector"][sha] = [[h.type, h.line, h.secret_hash, h.fingerprint] for h in hits]
    return result
