"""Whether a YAML key holds a nested mapping rather than a string, read from the raw text.

The YAML gate (:class:`~pytest_secrets.adapters.transform_gates.TransformGate`) asks it about a
keyword key such as compose files' ``secrets:`` followed by ``  db-password:`` lines. Such a
key's value is a mapping, so detect-secrets' YAML transformer gives it no line of its own.
Only that one plain shape is recognised; anything less plain goes to the parser. Without
parsing, a ':' ending a line is YAML's own only when no block scalar, quoted scalar or flow
collection spans lines (where a ':' could be text), so :func:`plain_lines` checks that first.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# A block scalar's indicator ends its line: 'key: |', '- >-', 'key: |2 # comment'.
_BLOCK_INDICATOR = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$", re.MULTILINE)


def plain_lines(text: str) -> bool:
    """No block scalar, and no quoted scalar or flow collection that could span lines: no
    line holds an odd number of '"' or of "'", or unbalanced '[]' or '{}'.

    A line whose text starts with '#' is not counted: it is a comment, or a line inside a
    quoted scalar or flow collection, which an earlier line (the one opening it) shows."""
    not_plain, bracketed = _patterns()
    if not_plain.search(text):
        return False
    for found in bracketed.finditer(text):
        line = found.group()
        if line.count("[") != line.count("]") or line.count("{") != line.count("}"):
            return False
    return True


# A line not starting with '#', up to its first character.
_COUNTED = r"^[ \t]*(?:[^ \t#\n{quote}][^{quote}\n]*)?"
_ODD = _COUNTED + "{quote}(?:[^{quote}\\n]*{quote}[^{quote}\\n]*{quote})*[^{quote}\\n]*$"


@functools.cache
def _patterns() -> tuple[Any, Any]:
    """google-re2 patterns (a Python loop over lines took most of the YAML gate's time on
    long files, and Python's re is slow at line starts): a block scalar indicator or a line
    with an odd number of either quote; a line holding a bracket or brace."""
    from pytest_secrets.adapters.triggers import compile_both

    odd = "|".join(_ODD.format(quote=quote) for quote in ('"', "'"))
    not_plain = compile_both(f"(?m){_BLOCK_INDICATOR.pattern}|{odd}")[0]
    bracketed = compile_both(r"(?m)^[ \t]*(?:[\[\]{}]|[^ \t#\n][^\n]*[\[\]{}])[^\n]*$")[0]
    return not_plain, bracketed


def mapping_follows(text: str, colon: int) -> bool:
    """Whether the ':' at ``colon`` ends its line (but for white space) and the next line with
    content starts a mapping key (``name:``, ``name: value``) or a collection (``-``, ``[``,
    ``{``): then the key before it holds no string. Call only where :func:`plain_lines`."""
    end = text.find("\n", colon)
    if end < 0 or text[colon + 1 : end].strip():
        return False
    while True:  # the next line that is not blank or a comment
        start = end + 1
        end = text.find("\n", start)
        content = (text[start:] if end < 0 else text[start:end]).strip()
        if content and not content.startswith("#"):
            break
        if end < 0:
            return False
    if content[0] in "-[{":
        return True
    if content[0] in "'\"":
        return False  # a quoted scalar may hold ': '
    # A plain scalar holds no ': ' and ends no line with ':'; ' #' starts a comment.
    content = re.split(r"[ \t]#", content, maxsplit=1)[0].rstrip()
    return content.endswith(":") or ": " in content or ":\t" in content
