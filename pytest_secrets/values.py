"""Secret values that cannot print, pickle or compare themselves by content in the open.

A :class:`SecretValue` is the only place a plaintext secret lives in the plugin. Its ``str``
and ``repr`` are masked, it refuses to be pickled (so it never travels to an xdist worker or
into the pytest cache), and it is identified in messages by a short fingerprint: the first
hex digits of its SHA-256, the same scheme for every check so findings can be correlated.
"""

from __future__ import annotations

import hashlib
from typing import NoReturn

FINGERPRINT_LENGTH = 10
MASK = "*****"


def digest_of(value: str | bytes) -> str:
    """Full SHA-256 hex digest of a value, for comparing values without keeping them."""
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()


def fingerprint_of(value: str | bytes) -> str:
    """Return the short, stable fingerprint shown for a value (never the value itself)."""
    return digest_of(value)[:FINGERPRINT_LENGTH]


class SecretValue:
    """A secret held in memory with its key name and where it came from.

    Use :meth:`reveal` to get the plaintext; everything else (``str``, ``repr``, format,
    pickling) shows only the key, the source and the fingerprint.
    """

    __slots__ = ("key", "source", "_value", "_digest")

    def __init__(self, key: str, value: str, source: str) -> None:
        self.key = key
        self.source = source
        self._value = value
        self._digest = digest_of(value)

    @property
    def fingerprint(self) -> str:
        """Short SHA-256 prefix used to name this value in findings."""
        return self._digest[:FINGERPRINT_LENGTH]

    @property
    def digest(self) -> str:
        """Full SHA-256 hex digest, for comparing values without revealing them."""
        return self._digest

    def reveal(self) -> str:
        """Return the plaintext. Call only where the value is needed for matching."""
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __repr__(self) -> str:
        return f"SecretValue(key={self.key!r}, source={self.source!r}, fingerprint={self.fingerprint!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, format_spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretValue):
            return NotImplemented
        return self._digest == other._digest

    def __hash__(self) -> int:
        return hash(self._digest)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a SecretValue must never be pickled or sent to another process")
