"""The history scan: every blob reachable from every ref, each scanned once, cached.

How a cold scan runs:

1. List the refs (branches, remote branches, tags, ``refs/stash`` and every older stash from
   its reflog, notes) and HEAD, detached or not. ``git rev-list --objects`` names every
   reachable blob once, with a path (detect-secrets' file-name rules and transformers need
   one); it runs in the background, with the object store's sizes and the commit count,
   while this process sets detect-secrets up.
2. Blobs already in the cache (same detect-secrets version and settings) are not read again.
   The others are read in the order git stores them (pack order), from one ``git cat-file
   --batch`` process per scanning process, one blob in memory at a time. For large histories
   the workers (one per idle core, forked with the entered scanner) each take contiguous
   chunks of that order; the parent sends ids and paths, never contents.
3. Per blob (:func:`~pytest_secrets.history.workers.scan_items`): the known values (every
   encoded form) are searched in the raw bytes; detect-secrets' file-name filters, decoding,
   the pre-filter and the lines shared with the path's last version decide what reaches the
   detectors (:meth:`~pytest_secrets.adapters.fast_scan.Scanner.scan_version`).
4. Only blobs with findings are mapped to the commit that introduced them (one ``git log
   --raw`` pass, which also counts the commits; for a full scan it starts once detect-secrets
   is set up and is read in a thread while the blobs are scanned), and that mapping is cached
   too. The workers take chunks of the pack order that shrink towards the end.

The result (:class:`HistoryScan`) holds fingerprints, hashes, paths and commit ids only, and
a cache payload of the same (never a value).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_secrets.adapters import git
from pytest_secrets.adapters.detect_secrets import DetectorConfig
from pytest_secrets.adapters.fast_scan import Scanner
from pytest_secrets.history.known_values import KnownValueMatcher
from pytest_secrets.history.workers import WorkerPool, scan_items
from pytest_secrets.values import SecretValue

CACHE_VERSION = 3
# Blobs larger than this are not read (generated data, media, archives); they are counted.
MAX_BLOB_BYTES = 8 * 1024 * 1024
# Below this much uncached content, a single process is faster than starting workers.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 2 * 1024 * 1024
CHUNK_BLOBS = 400
# From this many blobs to scan in an incremental scan, the commit that introduced each blob is
# looked up (one ``git log --raw`` over the whole history) while the scan runs, not after it.
# A full scan always starts that log once detect-secrets is set up.
EARLY_INTRODUCTIONS_BLOBS = 1000

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class BlobFinding:
    """One finding in one blob: a detector hit or a known value (kind ``known``)."""

    blob: str
    kind: str  # "detector" or "known"
    type: str  # detector type, or the key name of a known value
    line: int
    fingerprint: str
    secret_hash: str | None = None  # detect-secrets' SHA-1 (detector findings only)
    form: str | None = None  # encoded form (known values only)


@dataclass(frozen=True)
class FindingGroup:
    """One distinct secret (kind, type, fingerprint) and where it first appeared.

    ``blob``/``path``/``line`` and the commit fields describe the earliest occurrence; ``blobs``
    counts the file versions holding it; ``forms`` lists the encodings seen (known values).
    """

    kind: str
    type: str
    fingerprint: str
    secret_hash: str | None
    blob: str
    path: str | None
    line: int
    blobs: int
    forms: tuple[str, ...]
    commit: str | None
    timestamp: int | None
    date: str | None
    author: str | None


@dataclass
class HistoryScan:
    """What the scan saw and found. No secret values anywhere in it."""

    root: Path
    commits: int = 0
    refs: int = 0
    head: str | None = None
    branch: str | None = None
    blobs_total: int = 0
    blobs_scanned: int = 0
    blobs_cached: int = 0
    bytes_scanned: int = 0
    skipped_huge: int = 0
    not_text: int = 0  # binary or not UTF-8: detect-secrets skips them (known values still searched)
    excluded: int = 0  # skipped by detect-secrets' file-name filters (non-text extensions, lock files...)
    missing: int = 0  # reachable objects not in the object store, or unreadable
    partial_clone: bool = False  # missing objects belong to a partial clone (never fetched)
    shallow: bool = False
    shallow_boundary: int = 0
    submodules: list[str] = field(default_factory=list)
    seconds: float = 0.0
    processes: int = 1
    findings: list[BlobFinding] = field(default_factory=list)  # per blob (empty on a warm run)
    groups: list[FindingGroup] = field(default_factory=list)  # per distinct secret
    paths: dict[str, str] = field(default_factory=dict)  # blob -> path used to scan it
    introductions: dict[str, git.Introduction] = field(default_factory=dict)
    # What to write back: {key suffix: JSON}; "" is the small summary a warm run reads,
    # "-blobs" the per-blob detail an incremental run needs. Empty when nothing changed.
    cache_payloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    warm: bool = False

    def summary(self) -> str:
        parts = [
            f"{self.commits} commits",
            f"{self.refs} refs",
            f"{self.blobs_total} blobs",
            f"{self.blobs_scanned} scanned",
            f"{self.blobs_cached} from cache",
        ]
        if self.skipped_huge:
            parts.append(f"{self.skipped_huge} over {MAX_BLOB_BYTES // (1024 * 1024)} MB skipped")
        if self.not_text:
            parts.append(f"{self.not_text} binary/non-UTF-8 (detectors skip them; known values searched)")
        if self.excluded:
            parts.append(f"{self.excluded} excluded by detect-secrets' file-name filters")
        if self.shallow:
            parts.append("shallow clone")
        return ", ".join(parts) + f" in {self.seconds:.2f}s"


def cache_key(root: Path, config: DetectorConfig) -> str:
    repo = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"history/{repo}/{config.key}"


def _tips(root: Path) -> tuple[list[git.Ref], list[str], str | None, str | None]:
    refs = git.refs(root)
    head, branch = git.head(root)
    tips = {ref.sha for ref in refs}
    tips.update(git.stash_commits(root))
    if head:
        tips.add(head)
    return refs, sorted(tips), head, branch


def _state_id(refs: Sequence[git.Ref], tips: Sequence[str], shallow: bool) -> str:
    text = "\n".join(f"{ref.sha} {ref.name}" for ref in refs) + "\n" + "\n".join(tips) + f"\n{shallow}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def scan_history(
    root: Path,
    config: DetectorConfig,
    known: Sequence[SecretValue] = (),
    cache: dict[str, Any] | None = None,
    processes: int = 0,
    progress: ProgressCallback | None = None,
    use_cache: bool = True,
    load_blob_cache: Callable[[], dict[str, Any] | None] | None = None,
) -> HistoryScan:
    """Scan every blob reachable from any ref of the repository at ``root`` (its top folder).

    ``cache`` is the summary a previous scan left (``cache_payloads[""]``) and
    ``load_blob_cache`` returns its per-blob detail (``cache_payloads["-blobs"]``); the detail
    is read only when the refs changed. ``processes`` 0 means one per core for large histories.
    """
    started = time.perf_counter()
    result = HistoryScan(root=root)
    matcher = KnownValueMatcher(known)
    refs, tips, result.head, result.branch = _tips(root)
    result.refs = len(refs)
    result.shallow = git.is_shallow(root)
    if result.shallow:
        result.shallow_boundary = len(git.shallow_boundary(root))
    state = _state_id(refs, tips, result.shallow)
    width = len(tips[0]) if tips else 40  # object ids: SHA-1, or SHA-256 (64 hex digits)
    summary = cache if (use_cache and _cache_usable(cache, config)) else None
    # A summary with missing objects is not reused: they may have been fetched since.
    if (
        summary is not None
        and summary.get("state") == state
        and summary.get("values_key") == matcher.values_key
        and not summary.get("missing")
    ):
        try:
            _from_summary(result, summary)
        except (TypeError, ValueError, KeyError, AttributeError):
            result = HistoryScan(
                root=root,
                refs=result.refs,
                head=result.head,
                branch=result.branch,
                shallow=result.shallow,
                shallow_boundary=result.shallow_boundary,
            )
            summary = None  # a damaged or foreign cache entry: scan as if there were none
        else:
            result.warm = True
            result.seconds = time.perf_counter() - started
            return result
    cache = None
    if use_cache and summary is not None and load_blob_cache is not None:
        detail = load_blob_cache()
        usable = detail is not None and _cache_usable(detail, config) and _detail_is_sound(detail, width)
        cache = detail if usable else None

    # git lists the object store and walks the history (blobs and their paths) while, for a
    # full scan, this process sets detect-secrets up and starts the workers. Then git reads
    # every commit's changes, for the commits that introduced blobs with findings (nobody
    # waits for that until the end: started earlier, it slowed the set-up on two cores).
    full = cache is None
    history: git.Pending | None = None
    # A partial clone lacks objects, which git must not fetch (one by one, over the network).
    # When its filter may leave trees out (a treeless clone), git log would fetch them: no
    # commit is looked up there (findings name the path, not the commit).
    partial_filters = git.partial_clone_filters(root)
    partial = partial_filters is not None
    may_log = partial_filters is None or (
        bool(partial_filters) and all(spec.startswith("blob:") for spec in partial_filters)
    )
    missing_trees = git.start_missing_trees(root, tips) if tips and not may_log else None
    counting = git.start_count_commits(root, tips) if tips and not full else None
    listing = git.start_reachable_blobs(root, tips, partial) if tips else None
    sizing = git.start_blob_sizes(root)
    scanner: Scanner | None = None
    pool: WorkerPool | None = None
    try:
        if cache is None:
            scanner = Scanner(config).__enter__()  # a full scan needs it: set up while git lists
            history = git.start_history_log(root, tips) if tips and may_log else None
        stored = git.blob_sizes_in_pack_order(root, sizing)
        if cache is None:
            early = _worker_count(processes, sum(size for _, size in stored if size <= MAX_BLOB_BYTES))
            pool = WorkerPool(root, config, early, matcher, scanner) if early > 1 else None
            pool = pool if pool is not None and pool.start() else None
        if counting is not None:
            result.commits = git.count_commits(root, tips, counting)
        reachable = git.reachable_blobs(root, tips, listing, partial)
        blobs = reachable.blobs
        unfetched = reachable.missing + (git.missing_trees(missing_trees) if missing_trees is not None else [])
        stored_ids = {sha for sha, _ in stored}
        unlisted = [sha for sha in blobs if sha not in stored_ids]
        if unlisted:
            # rev-list also names annotated tags; keep only real blobs (and missing objects).
            types = git.object_types(root, unlisted)
            for sha in unlisted:
                if types.get(sha, "missing") not in ("blob", "missing"):
                    del blobs[sha]
        result.blobs_total = len(blobs)
        result.submodules = _submodules(root)

        cached_detector: dict[str, list[list[Any]]] = {}
        cached_known: dict[str, list[list[Any]]] = {}
        scanned_before: set[str] = set()
        known_valid = False
        if cache is not None:
            scanned_before = _unpack_ids(cache.get("scanned", ""), width)
            cached_detector = cache.get("detector", {})
            known_valid = cache.get("values_key") == matcher.values_key
            cached_known = cache.get("known", {}) if known_valid else {}
            result.skipped_huge = 0

        # Blobs the detectors must see; and, if the known values changed, blobs to re-read for them.
        need_detector = {sha for sha in blobs if sha not in scanned_before}
        need_known = set(need_detector) if known_valid or not matcher else set(blobs)
        if not matcher:
            need_known = set()
        to_read = need_detector | need_known

        found = _Found(
            detector={sha: hits for sha, hits in cached_detector.items() if sha in blobs},
            known={sha: hits for sha, hits in cached_known.items() if sha in blobs} if known_valid else {},
            not_text=set(_unpack_ids(cache.get("not_text", ""), width)) & set(blobs) if cache else set(),
            excluded=set(_unpack_ids(cache.get("excluded", ""), width)) & set(blobs) if cache else set(),
        )
        huge: set[str] = set(_unpack_ids(cache.get("huge", ""), width)) & set(blobs) if cache else set()

        order = [(sha, size) for sha, size in stored if sha in to_read]
        listed = {sha for sha, _ in order}
        missing = [sha for sha in to_read if sha not in listed]  # not in the object store
        result.missing = len(missing) + len(unfetched)
        result.partial_clone = partial and bool(unfetched)
        readable = []
        for sha, size in order:
            if size > MAX_BLOB_BYTES:
                huge.add(sha)
            else:
                readable.append((sha, size))
        total_bytes = sum(size for sha, size in readable if sha in need_detector)
        wanted = _worker_count(processes, total_bytes)
        if pool is None and wanted > 1:
            pool = WorkerPool(root, config, wanted, matcher, scanner)
            pool = pool if pool.start() else None
        result.processes = pool.workers if pool is not None else 1

        work = _Work(readable, blobs, need_detector, need_known)
        # The log is read in a thread, started only now: a thread running while the workers
        # were forked could hang them.
        background: _Background | None = None
        if history is not None:
            background = _Background(git.history_log, root, tips, history)
        elif tips and may_log and len(need_detector) >= EARLY_INTRODUCTIONS_BLOBS:
            background = _Background(git.history_log, root, tips)
        if pool is not None:
            scanned = _scan_in_workers(pool, work, matcher, progress)
        else:
            scanned = _scan_here(root, config, work, matcher, progress, scanner)
        found.detector.update(scanned["detector"])
        found.known.update(scanned["known"])
        found.not_text.update(scanned["binary"])
        found.excluded.update(scanned["excluded"])
        result.missing += len(scanned["missing"])
        result.blobs_scanned = sum(1 for sha, _ in readable if sha in need_detector) - len(
            [sha for sha in scanned["missing"] if sha in need_detector]
        )
        result.bytes_scanned = scanned["bytes"]
    finally:
        if pool is not None:
            pool.terminate()
        if scanner is not None:
            scanner.__exit__(None, None, None)
    detector_hits, known_hits, not_text, excluded = found.detector, found.known, found.not_text, found.excluded
    result.blobs_cached = result.blobs_total - len(need_detector)
    result.skipped_huge = len(huge)
    result.not_text = len(not_text)
    result.excluded = len(excluded)
    finding_blobs = set(detector_hits) | set(known_hits)
    old_intro = {sha: git.Introduction(*entry) for sha, entry in (cache or {}).get("introductions", {}).items()}
    intro = {sha: old_intro[sha] for sha in finding_blobs if sha in old_intro}
    unknown = finding_blobs - set(intro)
    log: git.HistoryLog | None = background.result() if background is not None else None
    if log is not None and counting is None:
        result.commits = log.commits
    elif full and not may_log and tips:
        result.commits = git.count_commits(root, tips)
    if unknown and log is not None:
        intro.update(log.introductions(unknown))
    elif unknown and may_log:
        intro.update(git.introductions(root, tips, unknown))
    result.introductions = intro
    result.paths = {sha: blobs[sha] for sha in finding_blobs if sha in blobs}
    result.findings = _findings(detector_hits, known_hits)
    unread = set(scanned["missing"])  # to be read again next time
    scanned_now = (
        (scanned_before & set(blobs))
        | {sha for sha, _ in readable if sha in need_detector and sha not in unread}
        | huge
    )
    result.groups = _group(result.findings, intro, result.paths)
    result.cache_payloads = {
        "": {
            "version": CACHE_VERSION,
            "config": config.key,
            "state": state,
            "values_key": matcher.values_key,
            "commits": result.commits,
            "blobs_total": result.blobs_total,
            "huge": result.skipped_huge,
            "not_text": result.not_text,
            "excluded": result.excluded,
            "missing": result.missing,
            "submodules": result.submodules,
            "groups": [list(_group_tuple(group)) for group in result.groups],
        },
        "-blobs": {
            "version": CACHE_VERSION,
            "config": config.key,
            "values_key": matcher.values_key,
            "scanned": _pack_ids(scanned_now),
            "huge": _pack_ids(huge),
            "not_text": _pack_ids(not_text),
            "excluded": _pack_ids(excluded),
            "detector": detector_hits,
            "known": known_hits,
            "introductions": {sha: list(_intro_tuple(i)) for sha, i in intro.items()},
        },
    }
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class _Work:
    """The blobs to read (pack order, with sizes), their paths, and what each is read for."""

    readable: list[tuple[str, int]]
    paths: dict[str, str]
    need_detector: set[str]
    need_known: set[str]


@dataclass
class _Found:
    """Per blob: hits (JSON-able lists, no values) and what the detectors could not read."""

    detector: dict[str, list[list[Any]]]
    known: dict[str, list[list[Any]]]
    not_text: set[str]
    excluded: set[str]


def _scan_here(
    root: Path,
    config: DetectorConfig,
    work: _Work,
    matcher: KnownValueMatcher,
    progress: ProgressCallback | None,
    entered: Scanner | None,
) -> dict[str, Any]:
    """Scan the work's blobs in this process (with ``entered``, else a scanner of its own),
    one blob in memory at a time."""
    items = [
        (sha, work.paths[sha], sha in work.need_detector, sha in work.need_known and bool(matcher))
        for sha, _ in work.readable
    ]
    total = len(items)
    report = None if progress is None else (lambda done: progress(done, total))
    with contextlib.ExitStack() as stack:
        scanner = entered or stack.enter_context(Scanner(config))
        reader = stack.enter_context(git.BlobReader(root))
        scanned = scan_items(scanner, reader, matcher, items, report)
    if progress is not None:
        progress(total, total)
    return scanned


class _Background:
    """``function(*arguments)`` in a thread: a git command and the wait for it overlap other
    work (the parse is short). Start one only after any fork (see the worker pool)."""

    def __init__(self, function: Callable[..., Any], *arguments: Any) -> None:
        self._call = (function, arguments)
        self._value: Any = None
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="pytest-secrets-git", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        function, arguments = self._call
        try:
            self._value = function(*arguments)
        except Exception as error:  # noqa: BLE001 - re-raised by result(), in the caller's thread
            self._error = error

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _intro_tuple(intro: git.Introduction) -> tuple[str, int, str, str, str]:
    return (intro.commit, intro.timestamp, intro.date, intro.author, intro.path)


def _cache_usable(cache: dict[str, Any] | None, config: DetectorConfig) -> bool:
    return isinstance(cache, dict) and cache.get("version") == CACHE_VERSION and cache.get("config") == config.key


def _detail_is_sound(detail: dict[str, Any], width: int) -> bool:
    """The per-blob cache has the shapes this version writes, for object ids ``width`` hex
    digits long (else it is ignored, not trusted)."""
    packed = ("scanned", "huge", "not_text", "excluded")
    mappings = ("detector", "known", "introductions")
    return all(
        isinstance(detail.get(name, ""), str) and len(detail.get(name, "")) % width == 0 for name in packed
    ) and all(isinstance(detail.get(name, {}), dict) for name in mappings)


def _from_summary(result: HistoryScan, summary: dict[str, Any]) -> None:
    result.commits = int(summary.get("commits", 0))
    result.blobs_total = int(summary.get("blobs_total", 0))
    result.blobs_cached = result.blobs_total
    result.skipped_huge = int(summary.get("huge", 0))
    result.not_text = int(summary.get("not_text", 0))
    result.excluded = int(summary.get("excluded", 0))
    result.missing = int(summary.get("missing", 0))
    result.submodules = list(summary.get("submodules", []))
    result.groups = [_group_from_list(entry) for entry in summary.get("groups", [])]


def _group_from_list(entry: list[Any]) -> FindingGroup:
    kind, kind_name, fingerprint, secret_hash, blob, path, line, blobs, forms, commit, timestamp, date, author = entry
    return FindingGroup(
        kind,
        kind_name,
        fingerprint,
        secret_hash,
        blob,
        path,
        line,
        blobs,
        tuple(forms),
        commit,
        timestamp,
        date,
        author,
    )


def _group_tuple(group: FindingGroup) -> tuple[Any, ...]:
    return (
        group.kind,
        group.type,
        group.fingerprint,
        group.secret_hash,
        group.blob,
        group.path,
        group.line,
        group.blobs,
        group.forms,
        group.commit,
        group.timestamp,
        group.date,
        group.author,
    )


def _group(
    findings: list[BlobFinding], intro: dict[str, git.Introduction], paths: dict[str, str]
) -> list[FindingGroup]:
    """One group per distinct (kind, type, fingerprint): its earliest occurrence and spread."""
    members: dict[tuple[str, str, str], list[BlobFinding]] = {}
    for finding in findings:
        members.setdefault((finding.kind, finding.type, finding.fingerprint), []).append(finding)

    def order(finding: BlobFinding) -> tuple[int, str, int]:
        first = intro.get(finding.blob)
        path = first.path if first else paths.get(finding.blob, "")
        return (first.timestamp if first else 2**62, path, finding.line)

    groups = []
    for (kind, kind_name, fingerprint), found in members.items():
        earliest = min(found, key=order)
        first = intro.get(earliest.blob)
        groups.append(
            FindingGroup(
                kind=kind,
                type=kind_name,
                fingerprint=fingerprint,
                secret_hash=earliest.secret_hash,
                blob=earliest.blob,
                path=first.path if first else paths.get(earliest.blob),
                line=earliest.line,
                blobs=len({f.blob for f in found}),
                forms=tuple(sorted({f.form for f in found if f.form})),
                commit=first.commit if first else None,
                timestamp=first.timestamp if first else None,
                date=first.date if first else None,
                author=first.author if first else None,
            )
        )
    groups.sort(key=lambda g: (g.timestamp or 0, g.path or "", g.line, g.kind, g.type))
    return groups


def _findings(detector: dict[str, list[list[Any]]], known: dict[str, list[list[Any]]]) -> list[BlobFinding]:
    findings = []
    for sha, hits in detector.items():
        for kind, line, secret_hash, fingerprint in hits:
            findings.append(BlobFinding(sha, "detector", kind, int(line), fingerprint, secret_hash=secret_hash))
    for sha, hits in known.items():
        for key, line, fingerprint, form in hits:
            findings.append(BlobFinding(sha, "known", key, int(line), fingerprint, form=form))
    return findings


def _pack_ids(ids: set[str] | list[str]) -> str:
    return "".join(sorted(ids))


def _unpack_ids(packed: str, width: int) -> set[str]:
    return {packed[i : i + width] for i in range(0, len(packed), width)}


def _submodules(root: Path) -> list[str]:
    try:
        return sorted(path for mode, _, path in git.tracked_files(root) if mode == "160000")
    except git.GitError:
        return []


def _worker_count(processes: int, total_bytes: int) -> int:
    cores = os.cpu_count() or 1
    if processes == 1:
        return 1
    if processes > 1:
        return processes
    if total_bytes < PARALLEL_MIN_BYTES:
        return 1
    # Cores other processes keep busy (the load average counts this one too) do not help:
    # on a shared 2-core machine with another job running, one process is faster than two.
    try:
        busy = max(0.0, os.getloadavg()[0] - 1.0)
    except OSError:
        busy = 0.0
    return max(1, min(4, cores, int(cores - busy + 0.5)))


def _scan_in_workers(
    pool: WorkerPool, work: _Work, matcher: KnownValueMatcher, progress: ProgressCallback | None
) -> dict[str, Any]:
    """Scan the work's blobs in the pool's workers, each with its own git reader.

    Chunks are contiguous runs of the pack order, so each worker still reads git's storage
    in order. Returns the merged results.
    """
    readable, blobs, need_detector, need_known = work.readable, work.paths, work.need_detector, work.need_known
    inherit = pool.inherits_matcher
    chunks: list[list[tuple[str, str, bool, bool]]] = []
    chunk: list[tuple[str, str, bool, bool]] = []
    chunk_bytes = 0
    remaining = sum(size for _, size in readable)
    for sha, size in readable:
        chunk.append((sha, blobs[sha], sha in need_detector, inherit and sha in need_known))
        chunk_bytes += size
        remaining -= size
        # Chunks shrink towards the end, so that the workers finish together.
        limit = max(CHUNK_BYTES // 16, min(CHUNK_BYTES, remaining // (4 * pool.workers)))
        if chunk_bytes >= limit or len(chunk) >= CHUNK_BLOBS:
            chunks.append(chunk)
            chunk, chunk_bytes = [], 0
    if chunk:
        chunks.append(chunk)
    merged: dict[str, Any] = {
        "detector": {},
        "known": {},
        "binary": set(),
        "excluded": set(),
        "missing": [],
        "bytes": 0,
    }
    done = 0
    total = len(readable)
    for part in pool.scan(chunks):
        merged["detector"].update(part["detector"])
        merged["known"].update(part["known"])
        merged["binary"].update(part["binary"])
        merged["excluded"].update(part["excluded"])
        merged["missing"].extend(part["missing"])
        merged["bytes"] += part["bytes"]
        done += part["count"]
        if progress is not None and done < total:
            progress(done, total)
    pool.close()
    if progress is not None:
        progress(total, total)
    if matcher and not inherit:
        # The workers could not hold the known values: match them here, one more stream.
        wanted = [sha for sha, _ in readable if sha in need_known]
        with git.BlobReader(pool.root) as reader:
            for sha, data in reader.stream(wanted):
                if data is not None:
                    found = matcher.find(data)
                    if found:
                        merged["known"][sha] = [[h.key, h.line, h.fingerprint, h.form] for h in found]
    return merged
