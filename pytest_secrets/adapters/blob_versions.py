"""What a new version of a file shares with the last version scanned: its unchanged lines.

Most blobs in a history are a small edit of another version of the same path. detect-secrets'
verdict on a raw line depends only on the line, the file name and (through the ``nextline``
pragma) the line before; :class:`~pytest_secrets.adapters.fast_scan.Scanner` memoises it on
exactly that. So the lines before the first changed byte, and the lines after the last one
(less one line, whose previous line may have changed), have the verdicts they had in the old
version, at offsets shifted by the change in length. Only the lines in between go through the
triggers and detectors again.

A common prefix and suffix is what git's own ``diff`` would start from; a line-level diff
(difflib, or splitting every blob into lines) costs more in Python than searching the lines it
would spare, so the middle is searched whole.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

# (line start offset, that line's verdict: ((type, secret), ...)) for each line with findings.
LineHits = tuple[tuple[int, Any], ...]

_BLOCKS = (4096, 128)


@dataclass(frozen=True)
class Version:
    """A scanned version of a file: its bytes (newlines translated) and its lines with findings."""

    data: bytes
    hits: LineHits


@dataclass(frozen=True)
class Change:
    """The lines of a new version to scan: ``[start, end)`` (whole lines), and the findings of
    the old version's unchanged lines before and after it, at their offsets in the new one."""

    start: int
    end: int
    before: LineHits
    after: LineHits


def common_prefix(a: bytes, b: bytes) -> int:
    """How many leading bytes ``a`` and ``b`` surely share: the longest common prefix, rounded
    down to whole blocks of 128 (slices compare in C; the exact byte is not worth the search,
    the scan starts at a line's start anyway)."""
    limit = min(len(a), len(b))
    position = 0
    for block in _BLOCKS:
        while position + block <= limit and a[position : position + block] == b[position : position + block]:
            position += block
    return position


def common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many trailing bytes ``a`` and ``b`` surely share (at most ``limit``), as above."""
    size_a, size_b = len(a), len(b)
    length = 0
    for block in _BLOCKS:
        while length + block <= limit and a[size_a - length - block : size_a - length] == b[
            size_b - length - block : size_b - length
        ]:
            length += block
    return length


def change(old: Version, new: bytes) -> Change:
    """The changed lines of ``new`` against ``old`` and the old findings that still hold."""
    old_data = old.data
    prefix = common_prefix(old_data, new)
    suffix = common_suffix(old_data, new, min(len(old_data), len(new)) - prefix)
    # Lines ending before the first changed byte are unchanged, and so are the lines before them.
    start = new.rfind(b"\n", 0, prefix) + 1
    # A line is unchanged if the newline before it lies in the common suffix; its verdict also
    # needs the line before it unchanged, so the first such line is scanned again.
    first = new.find(b"\n", len(new) - suffix)
    second = new.find(b"\n", first + 1) if first >= 0 else -1
    end = second if second >= 0 else len(new)
    shift = len(new) - len(old_data)
    before = tuple(hit for hit in old.hits if hit[0] < start)
    after = tuple((offset + shift, verdict) for offset, verdict in old.hits if offset + shift > end)
    return Change(start, end, before, after)


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
