"""When detect-secrets' YAML or INI transformer can matter, decided on the raw text.

The transformers (PyYAML in pure Python, configparser) are the slow part of a history scan.
:class:`TransformGate` proves from the raw text when a transformer's lines cannot hold a
finding, and :func:`may_parse_as_ini` / :func:`may_parse_as_ini_with_header` when configparser
must fail, so the parse is skipped (see :mod:`.fast_scan`, step 5).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from typing import Any

from pytest_secrets.adapters import yaml_values
from pytest_secrets.adapters.triggers import (
    ENTROPY_PLUGINS,
    PAIRED_TRIGGERS,
    PYTHON_SPACE,
    Plugin,
    compile_both,
    keyword_gate,
    lower,
)

# YAML parsing can build text that no raw line holds: escapes, joined lines (an escaped line
# break), !!binary re-encoding. Such blobs always go through the transformer. Escapes exist
# only in double-quoted scalars: the first backslash of one follows its opening quote with no
# '"' between (an unescaped '"' closes the scalar), and that quote opens a token, so it comes
# after a line break (PyYAML's: \n, \x85, U+2028, U+2029) or the BOM, or after ':', '?', '-',
# ',', '[', '{' or a line's '...', then spaces, tags and anchors. (After ']' or '}' a scalar
# fails the parse: the raw lines decide then.) The quotes and backslashes of a shell script
# in a block scalar do not count.
_YAML_ESCAPE = (
    r'(?m:(?:^|^\.\.\.|[:?\-,\[{\x{85}\x{2028}\x{2029}\x{feff}])[ \t]*(?:[!&][^ \t\n]*[ \t]+)*"[^"]*\\)'
)
YAML_EXTRA = _YAML_ESCAPE + r"|binary|private\s+key"
# A YAML key whose text is not followed by its ':' in the raw text: an explicit key ('? key'
# then ': value', a comment may sit between) or an alias ('*name :', the text is elsewhere).
YAML_KEY_EXTRA = r"(?:^|[\s\[{,])\?(?:\s|$)|\*[0-9a-z_-]+[ \t]*:"
_TWILIO_PATTERNS = ["AC[a-z0-9]{32}", "SK[a-z0-9]{32}"]
# Around a value of a parsed YAML file, in its raw text: what can come just before (a quote,
# white space or a line break, a flow indicator, or the ':' after a JSON-like key) and just
# after (a quote, white space, a flow indicator or ':'). Non-ASCII characters count as both.
YAML_BEFORE = frozenset(" \t\n\r\x0b\x0c'\"[{,:")
YAML_AFTER = frozenset(" \t\n\r\x0b\x0c'\",]}:")
# The same for INI values (configparser strips them; a value starts after '=' or ':').
INI_BEFORE = frozenset(" \t\n\r\x0b\x0c'\"=:")
INI_AFTER = frozenset(" \t\n\r\x0b\x0c'\"")
# configparser's interpolation ('%(name)s') builds values from other values.
INI_EXTRA = r"%\("
# A whole-line comment: configparser drops it (detect-secrets' INI transformer keeps it only
# when it is a 'pragma: allowlist nextline secret' comment).
_INI_COMMENT = re.compile(r"^[^\S\n]*[#;][^\n]*", re.MULTILINE)


# A line of a continued INI value: indented, not blank.
_INI_CONTINUATION = r"(?m:^" + PYTHON_SPACE.replace("\\n", "") + "+" + PYTHON_SPACE.replace("[", "[^", 1) + ")"


def _keep_pragma(match: re.Match[str]) -> str:
    return match.group() if "pragma" in match.group() else ""


def _ascii_run(chars: str, needed: int) -> Any:
    """google-re2, on bytes: a run of at least ``needed`` of the ASCII characters in ``chars``
    (all an ASCII text can hold); None if there is none."""
    members = sorted({char for char in chars if char.isascii()})
    if not members:
        return None
    escaped = "".join(char if char.isalnum() else f"\\x{ord(char):02x}" for char in members)
    return compile_both(f"[{escaped}]{{{needed},}}")[1]


class TransformGate:
    """Whether the lines one of detect-secrets' transformers (YAML or INI) makes of a file can
    hold a finding, decided on the raw text without parsing it (PyYAML in pure Python and
    configparser are the slow part of a history scan).

    A YAML transformer's line is ``key: "value"comment``, an INI one ``key = "value"``: key,
    value and comment are raw text (what could change them, YAML escapes, ``!!binary``,
    folded lines, INI interpolation, is sent to the full path by ``extra``), and the value's
    quotes are escaped. So:

    - plugins other than the ones below: their loose trigger must match the raw text;
    - Cloudant, IBM COS HMAC and SoftLayer (:data:`PAIRED_TRIGGERS`): their keyword and their
      value run must both occur in the raw text (anywhere, as a key and its value may sit
      on different raw lines), or a literal their other patterns need;
    - KeywordDetector: an assignment of a value that can start a secret (:func:`.triggers.keyword_gate`);
      an explicit ('? key') or alias key is sent to the full path by the YAML ``extra``;
    - TwilioKeyDetector (``AC``/``SK`` and 32 of ``[a-z0-9]``, case-sensitive): its own
      patterns must match the raw text, whose case the transformer keeps;
    - entropy plugins: a string between two quotes of the transformed line, all of the
      plugin's charset, with more than ``limit`` bits of Shannon entropy, so at least
      floor(2**limit)+1 distinct characters. Such a string is a whole run of charset
      characters of the raw text (a value is delimited by quotes, white space, flow
      indicators or ':'; so is a quoted part of a key or comment), plus at most one
      backslash (from an escaped quote). So the raw text must hold a run, bounded as in
      ``before``/``after``, whose entropy (the plugin's own measure, with and without that
      backslash) passes the limit. (An INI value may follow its key and '=' with no space:
      a run holding '=' may start after any '='.)
    """

    def __init__(
        self,
        plugins: list[Plugin],
        extra: str,
        before: frozenset[str],
        after: frozenset[str],
        skip_comments: bool = False,
        yaml_keys: bool = False,
    ) -> None:
        self.before, self.after = before, after
        self.skip_comments = skip_comments
        # Python's re for text with non-ASCII characters, google-re2 on the bytes of ASCII text
        # (linear: re tries a charset run at every position of every shorter run).
        self.runs: list[tuple[re.Pattern[str], Any, int, Any]] = []
        self.exact: list[tuple[re.Pattern[str], Any]] = []
        self.pairs: list[tuple[tuple[Any, Any], tuple[Any, Any]]] = []  # (str, bytes) patterns
        self.continued: tuple[tuple[Any, Any], tuple[Any, Any]] | None = None  # INI: keyword, indented line
        # YAML: keyword assignments, checked one by one (a key holding a mapping holds no secret).
        self.keyword: Any = None
        self.assignment: Any = None
        others = []
        for plugin in plugins:
            if plugin.name in ENTROPY_PLUGINS:
                charset = str(plugin.plugin.charset)
                needed = math.floor(2 ** float(plugin.plugin.entropy_limit)) + 1 - (1 if "\\" in charset else 0)
                needed = max(1, needed)
                pattern = re.compile(f"[{re.escape(charset)}]{{{needed},}}")
                self.runs.append((pattern, _ascii_run(charset, needed), needed, plugin.plugin))
            elif plugin.name == "KeywordDetector" and (gate := keyword_gate(plugin.plugin)) is not None:
                if yaml_keys:
                    others.append(f"(?:{gate.unassigned})")
                    self.keyword, self.assignment = compile_both(gate.keyword), compile_both(gate.assignment)
                else:
                    others.append(f"(?:{gate.whole})")
                    # configparser gives each line of a continued value to its key: a key
                    # (a line's text before its first '=' or ':') holding a keyword pairs
                    # with any later, indented line's value.
                    key = rf"(?m:^[^:=\n]*{gate.keyword}[^:=\n]*[:=])"
                    self.continued = (compile_both(key), compile_both(_INI_CONTINUATION))
            elif plugin.name == "TwilioKeyDetector" and [
                getattr(r, "pattern", None) for r in getattr(plugin.plugin, "denylist", ())
            ] == _TWILIO_PATTERNS:
                twilio = "|".join(_TWILIO_PATTERNS)
                self.exact.append((re.compile(twilio), compile_both(twilio)[1]))
            elif plugin.builtin and plugin.name in PAIRED_TRIGGERS:
                keyword, value, alone = PAIRED_TRIGGERS[plugin.name]
                self.pairs.append((compile_both(keyword), compile_both(value)))
                if alone is not None:
                    others.append(f"(?:{alone})")
            else:
                # IPPublicDetector's strict trigger also holds: what precedes a value (white
                # space, a quote, '=', ':', a flow indicator) is what its look-behind allows.
                trigger = plugin.strict if plugin.name == "IPPublicDetector" else plugin.loose
                others.append(f"(?:{trigger})")
        self.others_str, self.others_bytes = compile_both("|".join(others + [extra]))

    def may_find(self, text: str, subject: str | bytes) -> bool:
        """Whether the transformer's lines of ``text`` may hold a finding; ``subject`` is the
        text lower-cased (as the scanner's ``Prepared.subject``: bytes for UTF-8 text)."""
        if self.skip_comments and _INI_COMMENT.search(text):
            text = _INI_COMMENT.sub(_keep_pragma, text)
            lowered = lower(text)
            subject = lowered.encode() if lowered.isascii() else lowered
        if (self.others_bytes if isinstance(subject, bytes) else self.others_str).search(subject):
            return True
        index = 1 if isinstance(subject, bytes) else 0
        if any(keyword[index].search(subject) and value[index].search(subject) for keyword, value in self.pairs):
            return True
        if self.continued is not None and all(pattern[index].search(subject) for pattern in self.continued):
            return True
        ascii_text = text.encode("ascii") if text.isascii() else None  # offsets are the text's
        if any(
            (pattern.search(text) if ascii_text is None else ascii_pattern.search(ascii_text))
            for pattern, ascii_pattern in self.exact
        ):
            return True
        if self.keyword is not None and self._keyword_assigned(text):
            return True
        end = len(text)
        for pattern, ascii_pattern, needed, plugin in self.runs:
            matches: Iterable[Any]
            if ascii_text is None:
                matches = pattern.finditer(text)
            else:
                matches = () if ascii_pattern is None else ascii_pattern.finditer(ascii_text)
            for match in matches:
                start, stop = match.span()
                before = text[start - 1] if start else " "
                after = text[stop] if stop < end else " "
                run = text[start:stop]
                if not (after in self.after or not after.isascii()) or len(set(run)) < needed:
                    continue
                # The strings the plugin tests: the whole run, and after each '=' where a value
                # may follow its key with no space (INI); each maybe with one backslash more.
                strings = [run] if before in self.before or not before.isascii() else []
                if "=" in self.before:
                    strings += [run[index + 1 :] for index, char in enumerate(run) if char == "="]
                limit = plugin.entropy_limit
                for string in strings:
                    if len(set(string)) >= needed and (
                        plugin.calculate_shannon_entropy(string) > limit
                        or plugin.calculate_shannon_entropy(string + "\\") > limit
                    ):
                        return True
        return False

    def _keyword_assigned(self, text: str) -> bool:
        """A keyword assignment whose value may be a string (not a key holding a mapping)."""
        lowered = lower(text)
        plain: bool | None = None
        # google-re2 encodes a str on every call: search the bytes of ASCII text instead.
        subject: str | bytes = lowered.encode("ascii") if lowered.isascii() else lowered
        index = 1 if isinstance(subject, bytes) else 0
        for found in self.keyword[index].finditer(subject):
            assigned = self.assignment[index].match(subject, found.end())
            if assigned is None:
                continue
            # The operator is the first of these after the keyword's run (see _keyword_gate).
            operator = min(
                index for index in (lowered.find(char, found.end(), assigned.end()) for char in ":=!(") if index >= 0
            )
            if lowered[operator] == ":":
                plain = yaml_values.plain_lines(text) if plain is None else plain
                if plain and yaml_values.mapping_follows(lowered, operator):
                    continue
            return True
        return False


_SECTION = re.compile(r"\[.+\]")
# A line configparser rejects after a header: not indented, not blank, not a comment, not
# starting a section, and without an '=' or ':' delimiter.
_NOT_INI_LINE = re.compile(r"^[^\s#;\[=:][^=:\n]*$", re.MULTILINE)
# The same for google-re2 on the text in UTF-8, many times faster on long files.
_NOT_INI_LINE_UTF8 = ("(?m)^[^" + PYTHON_SPACE[1:-1] + r"#;\[=:][^=:\n]*$").encode()


def may_parse_as_ini(text: str | None, raw: bytes | None = None) -> bool:
    """False only when configparser must fail: the first significant line is no [section], or
    a later line has no delimiter (see :func:`may_parse_as_ini_with_header`; a markdown file
    opening with a ``[link](...)`` line, or a ``pyproject.toml`` with a list over several
    lines, closed by a ``]`` line). ``raw``, when given, is ``text`` in UTF-8; ``text`` may be
    None where ``raw`` is ASCII (each line is then decoded alone)."""
    source: str | bytes = text if text is not None else raw or b""
    newline: Any = "\n" if text is not None else b"\n"
    position = 0
    while position <= len(source):
        end = source.find(newline, position)
        if end < 0:
            end = len(source)
        line = source[position:end]
        stripped = (line if isinstance(line, str) else line.decode("ascii")).strip()
        if stripped and not stripped.startswith(("#", ";")):
            return _SECTION.match(stripped) is not None and may_parse_as_ini_with_header(text, raw)
        position = end + 1
    return True


def may_parse_as_ini_with_header(text: str | None, raw: bytes | None = None) -> bool:
    """False only when configparser must fail on ``[global]\\n`` + text (a line with no delimiter).
    ``raw``, when given, is ``text`` in UTF-8 (it must be, when ``text`` is None)."""
    if raw is not None:
        return _not_ini_line_bytes().search(raw) is None
    assert text is not None
    return _NOT_INI_LINE.search(text) is None


@functools.cache
def _not_ini_line_bytes() -> Any:
    import re2

    return re2.compile(_NOT_INI_LINE_UTF8)
