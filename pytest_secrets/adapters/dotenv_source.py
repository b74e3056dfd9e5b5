"""An env file as python-dotenv parses it, kept as source text so one value can be edited in place.

``pytest-secrets init`` and ``generate`` rewrite env files. They must leave every other line
byte for byte as it was, so they work on the parser's own pieces: ``dotenv.parser.parse_stream``
yields one binding per key, comment or unparseable line, each with the exact text it was read
from (blank lines before it included), and those texts joined give back the file. We add where
the value sits in that text. :func:`replace_value` re-parses its result and refuses an edit that
changed anything but the one value.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

BOM = "\ufeff"
# The parts of a binding before its value, as python-dotenv's parser reads them.
_PREFIX = re.compile(r"""\s*(?:export[^\S\r\n]+)?(?:'[^']+'|[^=#\s]+)[^\S\r\n]*(?P<equals>=[^\S\r\n]*)?""")
_SINGLE_QUOTED = re.compile(r"'(?:\\.|[^'\\])*'", re.DOTALL)
_DOUBLE_QUOTED = re.compile(r'"(?:\\.|[^"\\])*"', re.DOTALL)
_UNQUOTED = re.compile(r"[^\r\n]*")
_COMMENT = re.compile(r"\s+#.*")
_LINE_END = re.compile(r"\r\n|\n|\r")


class EnvEditError(Exception):
    """The file cannot be edited safely; the message names the key, never a value."""


@dataclass(frozen=True)
class SourceBinding:
    """One piece of an env file: a ``KEY=value`` binding, a comment, or a line python-dotenv rejects.

    ``text`` is the exact source (leading blank lines included); ``line`` is the line where the
    binding itself starts. ``value_span`` is where the value sits inside ``text`` (inside the
    quotes of a quoted value); it is None for comments and bare ``KEY`` lines.
    """

    key: str | None
    value: str | None
    text: str
    line: int
    error: bool
    value_span: tuple[int, int] | None

    @property
    def is_comment(self) -> bool:
        return self.key is None and not self.error


def read_bindings(text: str) -> list[SourceBinding]:
    """Every piece of ``text`` in order; joined, their texts give back ``text`` exactly."""
    from dotenv.parser import parse_stream

    bindings = []
    for binding in parse_stream(io.StringIO(text)):
        source = binding.original.string
        leading = len(source) - len(source.lstrip())
        line = binding.original.line + len(_LINE_END.findall(source[:leading]))
        span = _value_span(source) if binding.key is not None and binding.value is not None else None
        bindings.append(SourceBinding(binding.key, binding.value, source, line, binding.error, span))
    if bindings and text.startswith(BOM):
        first = bindings[0]
        bindings[0] = SourceBinding(first.key, first.value, BOM + first.text, first.line, first.error,
                                    (first.value_span[0] + 1, first.value_span[1] + 1) if first.value_span else None)
    if "".join(binding.text for binding in bindings) != text:
        raise EnvEditError("python-dotenv's pieces do not add up to the file; it is left alone")
    return bindings


def _value_span(source: str) -> tuple[int, int] | None:
    prefix = _PREFIX.match(source)
    if prefix is None or prefix.group("equals") is None:
        return None
    start = prefix.end()
    rest = source[start:]
    if rest.startswith("'") or rest.startswith('"'):
        quoted = (_SINGLE_QUOTED if rest[0] == "'" else _DOUBLE_QUOTED).match(rest)
        if quoted is None:
            return None
        return start + 1, start + quoted.end() - 1
    if len(prefix.group("equals")) > 1 and rest.startswith("#"):
        return start, start  # `KEY= # comment`: an empty value
    part = _UNQUOTED.match(rest)
    assert part is not None  # matches the empty string at least
    value = _COMMENT.sub("", part.group(0)).rstrip()
    return start, start + len(value)


def replace_value(text: str, key: str, new_value: str) -> str:
    """``text`` with the value python-dotenv reads for ``key`` (its last binding) set to ``new_value``.

    A missing key is appended as ``KEY=new_value`` on a line of its own. Raises EnvEditError
    when the edit would change anything else.
    """
    bindings = read_bindings(text)
    targets = [index for index, binding in enumerate(bindings) if binding.key == key]
    pieces = [binding.text for binding in bindings]
    if not targets:
        newline = _newline_of(text)
        separator = "" if not text or text.endswith(("\n", "\r")) else newline
        result = text + separator + f"{key}={new_value}{newline}"
    else:
        target = bindings[targets[-1]]
        if target.value_span is None:  # a bare KEY line: give it a value
            prefix = _PREFIX.match(target.text)
            name_end = len(prefix.group(0).rstrip()) if prefix else len(target.text.rstrip())
            pieces[targets[-1]] = target.text[:name_end] + "=" + new_value + target.text[name_end:]
        else:
            start, end = target.value_span
            after = target.text[end:]
            gap = " " if after.startswith("#") else ""  # `KEY= # comment` had an empty value
            pieces[targets[-1]] = target.text[:start] + new_value + gap + after
        result = "".join(pieces)
    _verify(bindings, read_bindings(result), key, new_value)
    return result


def _verify(before: list[SourceBinding], after: list[SourceBinding], key: str, new_value: str) -> None:
    values = {binding.key: binding.value for binding in after if binding.key is not None}
    if values.get(key) != new_value or any(binding.error for binding in after if binding.key == key):
        raise EnvEditError(f"cannot set {key} in place: python-dotenv would not read the new value back")
    # Compared without line ends: appending to a file whose last line has none adds one.
    untouched_before = [binding.text.rstrip("\r\n") for binding in before if binding.key != key]
    untouched_after = [binding.text.rstrip("\r\n") for binding in after if binding.key != key]
    if untouched_before != untouched_after[: len(untouched_before)]:
        raise EnvEditError(f"cannot set {key} in place without changing other lines")


def _newline_of(text: str) -> str:
    match = _LINE_END.search(text)
    return match.group(0) if match else "\n"
