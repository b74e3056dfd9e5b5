"""One compiled search for many literal strings, with google-re2 when it is installed.

CPython's ``re`` tries every branch of an alternation at every position (6 s for 160 literals
over 11 MB here), while RE2 compiles the alternation into an automaton (0.03 s for 1,600).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Protocol

RE2_MAX_MEMORY = 256 << 20


class LiteralMatch(Protocol):
    def group(self, index: int = 0) -> str: ...
    def start(self) -> int: ...
    def end(self) -> int: ...


class LiteralPattern(Protocol):
    def search(self, text: str) -> LiteralMatch | None: ...
    def finditer(self, text: str) -> Iterator[LiteralMatch]: ...
    def sub(self, repl: Callable[[LiteralMatch], str], text: str) -> str: ...


def compile_literals(needles: list[str]) -> LiteralPattern | None:
    """An alternation matching the first (longest-first order) needle at the leftmost position.

    Returns None when google-re2 is unavailable or cannot compile the set; the caller then
    uses its plain-Python path.
    """
    try:
        import re2
    except ImportError:
        return None
    options = re2.Options()
    options.max_mem = RE2_MAX_MEMORY
    try:
        pattern: LiteralPattern = re2.compile("|".join(re.escape(needle) for needle in needles), options)
    except Exception:  # re2 raises its own error type for patterns it cannot build
        return None
    return pattern


def occurs_in(pattern: LiteralPattern, text: str) -> bool:
    """Whether a pattern from :func:`compile_literals` matches anywhere in ``text``.

    RE2 is given the UTF-8 bytes: that skips its wrapper's character-offset bookkeeping, about
    a third of the cost of searching a few lines. Raises ``UnicodeEncodeError`` for text with
    lone surrogates, like :meth:`LiteralPattern.search` does.
    """
    search: Any = pattern.search  # RE2 takes bytes too; the protocol only promises str
    return search(text.encode("utf-8")) is not None
