"""What a new version of a file shares with the last version scanned: its unchanged lines.

Most blobs in a history are a small edit of another version of the same path. detect-secrets'
verdict on a raw line depends only on the line, the file name and (through the ``nextline``
pragma) the line before; :class:`~pytest_secrets.adapters.fast_scan.Scanner` memoises it on
exactly that. So a line whose bytes, and whose previous line's bytes, lie in a stretch the old
and the new version share keeps the verdict it had in the old version, at its new offset. Only
the other lines go through the triggers and detectors again.

The shared stretches are found the way a diff starts: the common prefix and suffix, then, in
the changed middle, an anchor (a few whole lines from the middle of the old gap) found in the
new gap with ``bytes.find`` and extended both ways, recursively. Every comparison runs in C;
a line-level diff (difflib, or splitting every blob into lines) costs more in Python than
searching the lines it would spare. A stretch is only ever used where its bytes are equal, so
an anchor matched at the "wrong" copy of repeated text still gives the right verdicts.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

# (line start offset, that line's verdict: ((type, secret), ...)) for each line with findings.
LineHits = tuple[tuple[int, Any], ...]

_BLOCK = 128  # the unit of comparison
# A version smaller than this is searched whole (comparing costs more than searching).
MIN_REUSE_BYTES = 2048
# A changed middle smaller than this (in either version) is searched whole.
MIN_GAP = 8192
# An anchor: whole lines of the old gap, at least this many bytes.
ANCHOR_BYTES = 192
# Anchors tried per version (each costs one search of a gap in C).
MAX_ANCHORS = 48


@dataclass(frozen=True)
class Version:
    """A scanned version of a file: its bytes (newlines translated) and its lines with findings."""

    data: bytes
    hits: LineHits


@dataclass(frozen=True)
class Change:
    """The lines of a new version to scan, as ``[start, end)`` ranges (whole lines; ``end`` is
    a newline's offset or the end of the data), and the findings of the old version's
    unchanged lines at their offsets in the new one."""

    ranges: tuple[tuple[int, int], ...]
    kept: LineHits

    @property
    def scanned_bytes(self) -> int:
        return sum(end - start for start, end in self.ranges)


def _forward(a: bytes, a_at: int, b: bytes, b_at: int, limit: int) -> int:
    """How many bytes from ``a_at``/``b_at`` surely match (at most ``limit``), in whole blocks of
    128: blocks that double while they match, then halve (the exact byte is not worth the
    search). ``a.startswith(view of b, offset)`` compares in place, in C: slicing both sides
    would copy them first (20 times slower on a long prefix)."""
    view = memoryview(b)
    length, block = 0, _BLOCK
    while length + block <= limit and a.startswith(view[b_at + length : b_at + length + block], a_at + length):
        length += block
        block *= 2
    while block > _BLOCK:
        block //= 2
        if length + block <= limit and a.startswith(view[b_at + length : b_at + length + block], a_at + length):
            length += block
    return length


def _backward(a: bytes, a_end: int, b: bytes, b_end: int, limit: int) -> int:
    """How many bytes before ``a_end``/``b_end`` surely match (at most ``limit``), as above."""
    view = memoryview(b)
    length, block = 0, _BLOCK
    while length + block <= limit and a.startswith(
        view[b_end - length - block : b_end - length], a_end - length - block
    ):
        length += block
        block *= 2
    while block > _BLOCK:
        block //= 2
        if length + block <= limit and a.startswith(
            view[b_end - length - block : b_end - length], a_end - length - block
        ):
            length += block
    return length


def common_prefix(a: bytes, b: bytes) -> int:
    """How many leading bytes ``a`` and ``b`` surely share, in whole blocks of 128."""
    return _forward(a, 0, b, 0, min(len(a), len(b)))


def common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many trailing bytes ``a`` and ``b`` surely share (at most ``limit``), as above."""
    return _backward(a, len(a), b, len(b), limit)


def _shared_stretches(old: bytes, new: bytes) -> list[tuple[int, int, int]]:
    """(old start, new start, length) of byte-equal stretches, in order in both versions and
    not overlapping: the common prefix, anchored matches in the middle, the common suffix."""
    prefix = common_prefix(old, new)
    suffix = common_suffix(old, new, min(len(old), len(new)) - prefix)
    stretches = [(0, 0, prefix)] if prefix else []
    middle: list[tuple[int, int, int]] = []
    gaps = [(prefix, len(old) - suffix, prefix, len(new) - suffix)]
    anchors = MAX_ANCHORS
    while gaps and anchors > 0:
        old_low, old_high, new_low, new_high = gaps.pop()
        if old_high - old_low < MIN_GAP or new_high - new_low < MIN_GAP:
            continue
        anchors -= 1
        found = _anchor(old, old_low, old_high, new, new_low, new_high)
        if found is None:
            continue
        old_at, new_at, length = found
        before = _backward(old, old_at, new, new_at, min(old_at - old_low, new_at - new_low))
        after = _forward(
            old, old_at + length, new, new_at + length, min(old_high - old_at - length, new_high - new_at - length)
        )
        middle.append((old_at - before, new_at - before, before + length + after))
        gaps.append((old_low, old_at - before, new_low, new_at - before))
        gaps.append((old_at + length + after, old_high, new_at + length + after, new_high))
    stretches.extend(sorted(middle, key=lambda stretch: stretch[1]))
    if suffix:
        stretches.append((len(old) - suffix, len(new) - suffix, suffix))
    return stretches


def _anchor(
    old: bytes, old_low: int, old_high: int, new: bytes, new_low: int, new_high: int
) -> tuple[int, int, int] | None:
    """Whole lines from the middle of the old gap and where they occur in the new gap."""
    start = old.find(b"\n", (old_low + old_high) // 2, old_high) + 1
    if start <= 0:
        return None
    end = old.find(b"\n", start + ANCHOR_BYTES, old_high) + 1
    if end <= 0:
        return None
    at = new.find(old[start:end], new_low, new_high)
    return None if at < 0 else (start, at, end - start)


def _reusable(stretch: tuple[int, int, int], old_size: int, new_size: int, new: bytes) -> tuple[int, int]:
    """The line starts ``[first, stop)`` (new offsets) in a stretch whose line, and line before,
    the stretch holds whole: the same bytes in both versions, so the same verdict."""
    old_at, new_at, length = stretch
    end = new_at + length
    if old_at == 0 and new_at == 0:
        first = 0  # the first line: no line before it in either version
    else:
        newline = new.find(b"\n", new_at, end)  # ends the line the stretch may start inside
        following = new.find(b"\n", newline + 1, end) if newline >= 0 else -1  # ends the next one
        if following < 0:
            return (0, 0)
        first = following + 1
    if end == new_size and old_at + length == old_size:
        stop = new_size + 1  # the last line too, newline or not
    else:
        stop = new.rfind(b"\n", new_at, end) + 1  # lines ending inside the stretch
    return (first, stop) if first < stop else (0, 0)


def change(old: Version, new: bytes) -> Change:
    """The changed lines of ``new`` against ``old`` and the old findings that still hold."""
    old_data = old.data
    kept: list[tuple[int, Any]] = []
    ranges: list[tuple[int, int]] = []
    position = 0  # new offsets before this are reused or scanned
    hits, hit_index = old.hits, 0
    for stretch in _shared_stretches(old_data, new):
        first, stop = _reusable(stretch, len(old_data), len(new), new)
        if first >= stop:
            continue
        shift = stretch[1] - stretch[0]
        while hit_index < len(hits) and hits[hit_index][0] + shift < first:
            hit_index += 1
        while hit_index < len(hits) and hits[hit_index][0] + shift < stop:
            offset, verdict = hits[hit_index]
            kept.append((offset + shift, verdict))
            hit_index += 1
        if first > position:
            ranges.append((position, first - 1))  # up to the newline ending the line before
        position = max(position, stop)
    if position < len(new):
        ranges.append((position, len(new)))
    return Change(tuple(ranges), tuple(kept))


class VersionStore:
    """The last scanned version of each path, least recently used dropped past ``max_bytes``."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._versions: OrderedDict[str, Version] = OrderedDict()
        self._bytes = 0

    def get(self, path: str) -> Version | None:
        return self._versions.get(path)

    def put(self, path: str, version: Version) -> None:
        previous = self._versions.pop(path, None)
        if previous is not None:
            self._bytes -= len(previous.data)
        if len(version.data) > self.max_bytes:
            return
        self._versions[path] = version
        self._bytes += len(version.data)
        while self._bytes > self.max_bytes:
            _, dropped = self._versions.popitem(last=False)
            self._bytes -= len(dropped.data)

    def clear(self) -> None:
        self._versions.clear()
        self._bytes = 0
