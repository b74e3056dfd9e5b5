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
from dataclasses import dataclass
from typing import Any

from pytest_secrets.adapters import yaml_values
from pytest_secrets.adapters.triggers import (
    ENTROPY_PLUGINS,
    PAIRED_TRIGGERS,
    PYTHON_SPACE,
    Plugin,
    compile_both,
    denylist_digest,
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
YAML_EXTRA = _YAML_ESCAPE + r"|binary|![^\s]*%|(?m:^%)|private\s+key"
# A YAML key whose text is not followed by its ':' in the raw text: an explicit key ('? key'
# then ': value', a comment may sit between) or an alias ('*name :', the text is elsewhere).
# An alias key always goes to the parser; an explicit key, when a keyword may end its text.
_YAML_EXPLICIT_KEY = r"(?:^|[\s\[{,])\?(?:\s|$)"
_YAML_ALIAS_KEY = r"\*[0-9a-z_-]+[ \t]*:"
# An explicit key's text ends at the end of a line, or before a comment (PyYAML's line breaks).
_KEY_END = r"[\]'\"`]{0,2}[ \t]*(?:#|[\n\r\x{85}\x{2028}\x{2029}]|$)"
# YAML_EXTRA for TransformGate's YAML gate, which has each plugin's own conditions (a private
# key's words folded onto two lines are the private key plugin's there): escapes; a '!!binary'
# value, decoded and encoded again, whose tag is a '!' token naming 'binary' in any spelling
# (a URI escape, '%62', or a handle a '%TAG' directive defines); an alias key.
YAML_GATE_EXTRA = _YAML_ESCAPE + r"|![^\s]*(?:binary|%)|(?m:^%)|" + _YAML_ALIAS_KEY
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


def _ascii_run(chars: str, needed: int, after: frozenset[str]) -> Any:
    """google-re2, on bytes: a run (group 1) of at least ``needed`` of the ASCII characters in
    ``chars`` (all an ASCII text can hold), followed by a character in ``after`` or the end;
    None if there is none. (A long text holds many runs, and google-re2 builds a match object
    in Python for each: runs that end elsewhere are not reported.)"""
    members = sorted({char for char in chars if char.isascii()})
    if not members:
        return None
    escaped = "".join(char if char.isalnum() else f"\\x{ord(char):02x}" for char in members)
    ending = _class_of(char for char in after if char.isascii() and char not in members)
    tail = f"[{ending}]|$" if ending else "$"
    return compile_both(f"([{escaped}]{{{needed},}})(?:{tail})")[1]


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
    - KeywordDetector: an assignment of a value that can start a secret (:func:`.triggers.keyword_gate`;
      for YAML, the form of YAML's file type); for YAML, also an explicit key ('? key') with
      a keyword ending a line (its text), and an alias key (sent to the full path by ``extra``);
    - TwilioKeyDetector (``AC``/``SK`` and 32 of ``[a-z0-9]``, case-sensitive): its own
      patterns must match the raw text, whose case the transformer keeps;
    - YAML only, narrower conditions where a plugin's patterns allow (:func:`_yaml_conditions`):
      case-sensitive triggers in their case, AWS's and IBM Cloud IAM's values as runs of
      exactly their length, SoftLayer's URL by its literals;
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
        # YAML: pairs whose value, in a plain file (yaml_values.plain_lines), may not be a
        # whole key; with the pattern of such a key (the run, then its ':').
        self.unkeyed: list[tuple[tuple[Any, Any], tuple[Any, Any], tuple[Any, Any]]] = []
        self.continued: tuple[tuple[Any, Any], tuple[Any, Any]] | None = None  # INI: keyword, indented line
        # YAML: keyword assignments, checked one by one (a key holding a mapping holds no secret).
        self.keyword: Any = None
        self.assignment: Any = None
        others = []
        cased: list[str] = []  # searched in the text as it is (YAML)
        for plugin in plugins:
            if plugin.name in ENTROPY_PLUGINS:
                charset = str(plugin.plugin.charset)
                needed = math.floor(2 ** float(plugin.plugin.entropy_limit)) + 1 - (1 if "\\" in charset else 0)
                needed = max(1, needed)
                pattern = re.compile(f"[{re.escape(charset)}]{{{needed},}}")
                self.runs.append((pattern, _ascii_run(charset, needed, after), needed, plugin.plugin))
            elif plugin.name == "KeywordDetector" and (gate := keyword_gate(plugin.plugin, yaml_keys)) is not None:
                if yaml_keys:
                    others.append(f"(?:{gate.unassigned})")
                    self.keyword, self.assignment = compile_both(gate.keyword), compile_both(gate.assignment)
                    # An explicit key's text is followed by a line break, not its ':'.
                    ending = compile_both(f"{gate.keyword}{gate.word}*{_KEY_END}")
                    self.pairs.append((compile_both(_YAML_EXPLICIT_KEY), ending))
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
            elif yaml_keys and (narrowed := _yaml_conditions(plugin)) is not None:
                if narrowed.cased is not None:
                    cased.append(f"(?:{narrowed.cased})")
                self.pairs.extend(narrowed.pairs)
                self.unkeyed.extend(narrowed.unkeyed)
            elif plugin.builtin and plugin.name in PAIRED_TRIGGERS:
                keyword, value, alone = PAIRED_TRIGGERS[plugin.name]
                self.pairs.append((compile_both(keyword), compile_both(value)))
                if alone is not None:
                    others.append(f"(?:{alone})")
            else:
                # IPPublicDetector's strict trigger also holds: what precedes a value (white
                # space, a quote, '=', ':', a flow indicator) is what its look-behind allows.
                trigger = plugin.strict if plugin.name == "IPPublicDetector" else plugin.loose
                if yaml_keys and plugin.name == "PrivateKeyDetector":
                    trigger = rf"{trigger}|private{PYTHON_SPACE}+key"  # its words folded onto two lines
                others.append(f"(?:{trigger})")
        self.others_str, self.others_bytes = compile_both("|".join(others + [extra]))
        self.cased = compile_both("|".join(cased)) if cased else None

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
        for keyword, value, key in self.unkeyed:
            if keyword[index].search(subject) and value[index].search(subject):
                if not yaml_values.plain_lines(text):
                    return True
                if value[index].search(key[index].sub(_BLANK_KEY[index], subject)):
                    return True
        if self.continued is not None and all(pattern[index].search(subject) for pattern in self.continued):
            return True
        ascii_text = text.encode("ascii") if text.isascii() else None  # offsets are the text's
        if self.cased is not None and (
            self.cased[0].search(text) if ascii_text is None else self.cased[1].search(ascii_text)
        ):
            return True
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
            group = 0 if ascii_text is None else 1
            for match in matches:
                start, stop = match.span(group)
                after = text[stop] if stop < end else " "
                if not (after in self.after or not after.isascii()):
                    continue
                run = text[start:stop]
                if len(set(run)) < needed:
                    continue
                before = text[start - 1] if start else " "
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


def _run_of_exactly(charset: str, length: int, before: str, after: str) -> tuple[Any, Any]:
    """(str, bytes) patterns, over lower-cased text, for a run of exactly ``length`` of the
    ASCII ``charset`` (a bracket expression's inside) that a pattern with ``re.IGNORECASE``
    finds with no more of it around, between a character in ``before`` (or the start) and one
    in ``after`` (or the end); a non-ASCII character counts as either. That in bytes (ASCII,
    or UTF-8 with no character lower-casing to ASCII); in str, where 'İ' lower-cases to 'i'
    and U+0307, a run of at least ``length`` of ``charset`` or any non-ASCII character."""
    bounded = f"(?:^|[{before}]|[^\\x00-\\x7f])[{charset}]{{{length}}}(?:[{after}]|[^\\x00-\\x7f]|$)"
    return compile_both(f"[{charset}[:^ascii:]]{{{length}}}")[0], compile_both(bounded)[1]


def _class_of(chars: Iterable[str]) -> str:
    """The inside of a bracket expression holding exactly ``chars``."""
    return "".join(f"\\x{ord(char):02x}" for char in sorted(chars))


# What stands just before a value in YAML's raw text (YAML_BEFORE), and after a value or a
# quote (YAML_AFTER but ':', which follows a key or is a plain scalar's own text).
_BEFORE_VALUE = _class_of(YAML_BEFORE)
_AFTER_VALUE = _class_of(YAML_AFTER - {":"})


# Digests (triggers.denylist_digest) of the patterns _yaml_conditions was worked out for.
_YAML_CONDITION_DIGESTS = {
    "DiscordBotTokenDetector": "052226a4693dac58",  # pragma: allowlist secret (a digest)
    "IbmCloudIamDetector": "55a70f8dadfb8fcf",  # pragma: allowlist secret (a digest)
    "SoftlayerDetector": "9fa6405d19aac53e",  # pragma: allowlist secret (a digest)
}
_AWS_IDS = "A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA"


@dataclass(frozen=True)
class _Conditions:
    """:func:`_yaml_conditions`: a trigger over the text as it is, pairs of (str, bytes)
    patterns over it lower-cased that must both match, and such pairs with the pattern of a
    whole key their value must not be."""

    cased: str | None = None
    pairs: tuple[tuple[Any, Any], ...] = ()
    unkeyed: tuple[tuple[Any, Any, Any], ...] = ()


# A whole implicit key of a plain file: after a line's indentation (and '- ' entries), before
# ': ' or ':' ending the line. Group 1 and 2 are kept around the key, blanked to '~'.
_KEY_RUN = r"(?m)(^[ \t]*(?:-[ \t]+)*)[{charset}]{{{length}}}(:(?:[ \t]|$))"
_BLANK_KEY = (r"\1~\2", rb"\1~\2")


def _yaml_conditions(plugin: Plugin) -> _Conditions | None:
    """What a plugin needs in the raw text of a YAML file for a finding in its transformed
    lines, where that is narrower than its loose trigger (None: the loose trigger decides).

    A run of a value's characters in a transformed line is one in the raw text, between the
    same characters or ones outside the run's set (quotes, white space, flow indicators, ':'
    or a line break stand around a key, value or comment; a folded line break becomes a
    space). So a run a pattern needs exactly (quoted, or followed by no more of it) is a run
    of exactly that length in the raw text. A transformed line starts with its key: a run that
    is a whole key has nothing before it there.
    """
    if not plugin.builtin:
        return None
    if plugin.cased_exact:
        if plugin.name == "AWSKeyDetector":
            # A key id, or 'aws' ... and a quoted run of exactly 40 of [0-9a-zA-Z/+]: between
            # quotes of the raw text, or a value's own bounds.
            value = _run_of_exactly("0-9a-z/+", 40, _BEFORE_VALUE, _AFTER_VALUE)
            return _Conditions(_AWS_IDS, ((compile_both("aws"), value),))
        if plugin.name == "PrivateKeyDetector":
            # 'PRIVATE KEY' may be folded onto two lines.
            return _Conditions(rf"PRIVATE{PYTHON_SPACE}+KEY|PuTTY-User-Key-File-2")  # pragma: allowlist secret
        return _Conditions(plugin.cased)
    if _YAML_CONDITION_DIGESTS.get(plugin.name) != denylist_digest(type(plugin.plugin)):
        return None
    if plugin.name == "DiscordBotTokenDetector":
        return _Conditions(r"[MNO][a-zA-Z{D}_-]{23,25}\.[a-zA-Z{D}_-]{6}\.[a-zA-Z{D}_-]{27}")
    if plugin.name == "IbmCloudIamDetector":
        # A keyword, and exactly 44 of [a-zA-Z0-9_-], after a quote, white space, '=', ':' or
        # '>' (an operator's last character, or a value's bounds) with no more of them after.
        charset = r"0-9a-z_\-"
        value = _run_of_exactly(charset, 44, _class_of(YAML_BEFORE | {"=", ">"}), "^" + charset)
        key = compile_both(_KEY_RUN.format(charset=charset, length=44))
        return _Conditions(unkeyed=((compile_both("key|pwd|pass|token"), value, key),))
    if plugin.name == "SoftlayerDetector":
        keyword, value_run, _ = PAIRED_TRIGGERS[plugin.name]
        # The URL pattern's literals ('api.softlayer.com': its dots match any character).
        url = (compile_both("softlayer"), compile_both("/soap/v3"))
        return _Conditions(pairs=((compile_both(keyword), compile_both(value_run)), url))
    return None


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
    source: str | bytes = raw if raw is not None else text or ""
    newline: Any = b"\n" if isinstance(source, bytes) else "\n"
    position = 0
    for _ in range(_LINES_LOOKED_AT):  # most files: a significant line among the first few
        end = source.find(newline, position)
        line = source[position:] if end < 0 else source[position:end]
        stripped = (line if isinstance(line, str) else line.decode("utf-8")).strip()
        if stripped and not stripped.startswith(("#", ";")):
            return _SECTION.match(stripped) is not None and may_parse_as_ini_with_header(text, raw)
        if end < 0:
            return True
        position = end + 1
    found = _first_significant_line()[1 if isinstance(source, bytes) else 0].search(source, position)
    if found is None:
        return True
    line = found.group()
    stripped = (line if isinstance(line, str) else line.decode("utf-8")).strip()
    return _SECTION.match(stripped) is not None and may_parse_as_ini_with_header(text, raw)


_LINES_LOOKED_AT = 8  # then google-re2 finds the first significant line (a long comment)


@functools.cache
def _first_significant_line() -> tuple[Any, Any]:
    """google-re2, for str and UTF-8 bytes: the first line whose text (white space stripped, as
    ``str.strip`` does) does not start with '#' or ';', for files opening with a long comment
    (a licence header), where a Python loop over the lines is slow."""
    inside = PYTHON_SPACE[1:-1]
    margin = "[" + inside.replace("\\n", "") + "]"
    return compile_both(f"(?m)^{margin}*[^{inside}#;][^\\n]*")


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
