"""The pre-filter's triggers: what each built-in detect-secrets plugin needs on a line before it
can report anything there, as google-re2 patterns over lower-cased text (and, for text searched
as it is, in the case the plugin matches: CASED_TRIGGERS).

A line no trigger matches goes through no plugin (see :mod:`.fast_scan`, step 1). A plugin
missing from these tables has no trigger and runs on every line. Each trigger is proved by
``tests/unit/history/test_equivalence.py`` (every plugin's own examples, in every file type).
"""

from __future__ import annotations

import hashlib
import inspect
import math
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Characters that Python's case-insensitive regexes equate with ASCII letters but that
# str.lower() leaves alone (sre's special cases); folded so lower-case triggers still match.
CASE_FIXES = str.maketrans({"\u0131": "i", "\u017f": "s", "\u212a": "k", "\u0130": "i"})
CASE_FIX_CHARS = ("\u0131", "\u017f", "\u212a", "\u0130")
# Without them, lower-casing UTF-8 bytes (ASCII letters only) finds what lower-casing the text
# does: no other non-ASCII character lower-cases to ASCII (U+0130 and U+212A do), and the
# triggers match non-ASCII characters whatever their case.

# detect-secrets' build_assignment_regex: optional quote and bracket, then an assignment.
_ASSIGN = r"""["']?\]? *(?:=>|:=|::|=|:| +) *["']?"""
# Plugins whose patterns are a keyword, an assignment and a value, or a literal alone:
# (keyword, value, alone). Their trigger is all of it in a row; in a transformed file the
# keyword still has to occur in the raw text (a run of letters, '_' and '-' in a key, value or
# comment, which transformers copy; escapes are the gate's extra), so their gate there is
# (keyword somewhere and value run somewhere) or the literal.
PAIRED_TRIGGERS: dict[str, tuple[str, str, str | None]] = {
    "CloudantDetector": (
        r"cl(?:oudant|ou)?[_-]?(?:api)?(?:key|pwd|pw|password|pass|token)",
        r"[0-9a-f]{64}|[a-z]{24}",
        r"cloudant\.com",
    ),
    "IbmCosHmacDetector": (r"secret[-_]?(?:access)?[-_]?key", r"[a-f0-9]{48}", None),
    "SoftlayerDetector": (r"(?:softlayer|sl)[_-]?(?:api)?[_-]?(?:key|pwd|pass|token)", r"[a-z0-9]{64}", "softlayer"),
}
# Per built-in plugin: a trigger over lower-cased text. {D} is a Unicode decimal digit
# (Python's \d), {E} is filled in per plugin for the entropy plugins.
TRIGGERS: dict[str, str] = {
    "ArtifactoryDetector": r"akc[a-z0-9]{10}|ap[{D}a-f][a-z0-9]{8}",
    "AWSKeyDetector": r"a3t[a-z0-9]|abia|acca|akia|asia|aws",
    "AzureStorageKeyDetector": r"accountkey=",
    "BasicAuthDetector": r"://[^:/?#\[\]@!$&'()*+,;=\s]+:[^:/?#\[\]@!$&'()*+,;=\s]+@",
    # The token's last two parts only: '[mno]' + a run of 23-25, the token's start, made
    # google-re2 track every m, n and o in long names (a fifth of the whole trigger's time).
    "DiscordBotTokenDetector": r"\.[a-z{D}_-]{6}\.[a-z{D}_-]{27}",
    "GitHubTokenDetector": r"gh[pousr]_",
    "GitLabTokenDetector": r"glpat-|gldt-|glft-|glsoat-|glrt-|gr1348941|glcbt-|glimt-|glptt-|glagent-|gloas-",
    "IbmCloudIamDetector": r"(?:key|pwd|password|pass|token)" + _ASSIGN + r"[a-z0-9_-]{44}",
    "IPPublicDetector": (
        # The plugin's look-behind and private-range look-ahead, spelled without look-arounds.
        r"(?:^|[^a-z0-9_.])(?:"
        r"(?:[0-9]|1[1-9]|[2-9][0-9]|1[0134568][0-9]|12[0-689]|17[013-9]|19[013-9]|2[0-4][0-9]|25[0-5])"
        r"\.[0-9]{1,3}"
        r"|172\.(?:[0-9]|1[0-5]|3[2-9]|[4-9][0-9]|1[0-5][0-9])"
        r"|192\.(?:[0-9]|[1-9][0-9]|1[0-57-9][0-9]|16[0-79]|2[0-4][0-9]|25[0-5])"
        r")\.[0-9]{1,3}\.[0-9]"
    ),
    "JwtTokenDetector": r"eyj",
    "KeywordDetector": (
        r"(?:api|auth|service|account|db|database|priv|private|client)_?key"
        r"|(?:db|database|key)_?pass|password|passwd|pwd|secret|contrase"
    ),
    "MailchimpDetector": r"-us[0-9]",
    "NpmDetector": r"_authtoken=",
    "OpenAIDetector": r"t3blbkfj",
    "PrivateKeyDetector": r"private key|putty-user-key-file-2",
    "PypiTokenDetector": r"pypi-ag",
    "SendGridDetector": r"sg\.[a-z0-9_-]{22}\.",
    "SlackDetector": r"xox[abposr]-|hooks\.slack\.com",
    "SquareOAuthDetector": r"sq0csp-",
    "StripeDetector": r"k_live_",
    "TelegramBotTokenDetector": r"{D}{8}:[0-9a-z_-]{35}",
    "TwilioKeyDetector": r"(?:ac|sk)[a-z0-9]{32}",
}
TRIGGERS.update(
    (name, f"{keyword}{_ASSIGN}(?:{value})" + (f"|{alone}" if alone else ""))
    for name, (keyword, value, alone) in PAIRED_TRIGGERS.items()
)
# For files a transformer rewrites (INI, YAML), a key and its value can sit on different raw
# lines (continuations, block scalars); these plugins' trigger is then their value alone (or,
# for the paired ones, their value or literal), which transformers copy from the raw text.
LOOSE_TRIGGERS: dict[str, str] = {
    "IbmCloudIamDetector": r"[a-z0-9_-]{44}",
    "IPPublicDetector": r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]",
}
LOOSE_TRIGGERS.update(
    (name, value + (f"|{alone}" if alone else "")) for name, (_, value, alone) in PAIRED_TRIGGERS.items()
)

# For text searched as it is, not lower-cased (a history's versions, see fast_scan): the
# triggers of the plugins whose patterns are case-sensitive, in the case they match. Narrower
# than their lower-case triggers: a lower-cased 'ac' or 'sk' and 32 letters or digits is in
# many hashes and names, and 'private key' in many comments; Twilio's keys start with 'AC' or
# 'SK', and the private key plugin wants 'PRIVATE KEY'. Every other trigger is used with (?i).
CASED_TRIGGERS: dict[str, str] = {
    "ArtifactoryDetector": r"AKC[a-zA-Z0-9]{10}|AP[{D}A-F][a-zA-Z0-9]{8}",
    "AWSKeyDetector": r"A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|(?i:aws)",
    "AzureStorageKeyDetector": r"AccountKey=",
    "GitHubTokenDetector": r"gh[pousr]_",
    "GitLabTokenDetector": r"glpat-|gldt-|glft-|glsoat-|glrt-|GR1348941|glcbt-|glimt-|glptt-|glagent-|gloas-",
    "JwtTokenDetector": r"eyJ",
    "MailchimpDetector": r"-us[0-9]",
    "NpmDetector": r"_authToken=",
    "OpenAIDetector": r"T3BlbkFJ",
    "PrivateKeyDetector": r"PRIVATE KEY|PuTTY-User-Key-File-2",  # pragma: allowlist secret
    "PypiTokenDetector": r"pypi-Ag",
    "SendGridDetector": r"SG\.[a-zA-Z0-9_-]{22}\.",
    "SquareOAuthDetector": r"sq0csp-",
    "StripeDetector": r"k_live_",
    "TwilioKeyDetector": r"(?:AC|SK)[a-z0-9]{32}",
}
# The SHA-256 (first 16 digits) of each of those plugins' patterns and flags, as in the
# detect-secrets these were written for (digests, not secrets: hence the pragmas). Where they
# differ, the (?i) form is used instead.
_CASED_DIGESTS: dict[str, str] = {
    "ArtifactoryDetector": "cecb5335d591c7f9",  # pragma: allowlist secret
    "AWSKeyDetector": "c56e62eac628fab0",  # pragma: allowlist secret
    "AzureStorageKeyDetector": "b3c6b30b84693e1a",  # pragma: allowlist secret
    "GitHubTokenDetector": "7a15b9dc9cdda832",  # pragma: allowlist secret
    "GitLabTokenDetector": "43143703537ee5cb",  # pragma: allowlist secret
    "JwtTokenDetector": "9467ffe82cf262a7",  # pragma: allowlist secret
    "MailchimpDetector": "456a7fdca1595f12",  # pragma: allowlist secret
    "NpmDetector": "74e20259e60a05df",  # pragma: allowlist secret
    "OpenAIDetector": "b9978c1a7ed456d6",  # pragma: allowlist secret
    "PrivateKeyDetector": "6cc6a1f2255b607c",  # pragma: allowlist secret
    "PypiTokenDetector": "4444587829219085",  # pragma: allowlist secret
    "SendGridDetector": "de485eaa6063fe94",  # pragma: allowlist secret
    "SquareOAuthDetector": "3ec2b9acea5c2c6d",  # pragma: allowlist secret
    "StripeDetector": "1cd68ff6cdb28bbf",  # pragma: allowlist secret
    "TwilioKeyDetector": "4442d9b1e7ad2437",  # pragma: allowlist secret
}

# The entropy plugins' trigger: a quoted run of charset characters long enough to pass the
# plugin's limit (Shannon entropy cannot exceed log2 of the length); see Plugin.
ENTROPY_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString")

# Python's white space (str.isspace); google-re2's \s is ASCII only.
PYTHON_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"


def lower(text: str) -> str:
    """``text.lower()``, with the characters in CASE_FIXES folded to the ASCII letters a
    case-insensitive detect-secrets pattern equates them with."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    for char in CASE_FIX_CHARS:  # (str.replace runs in C; translate with a dict, per character)
        if char in lowered:
            lowered = lowered.replace(char, CASE_FIXES[ord(char)])
    return lowered


@dataclass(frozen=True)
class KeywordGate:
    """:func:`keyword_gate`'s parts: ``keyword`` then ``assignment`` (up to the secret's first
    character), or ``unassigned`` (the forms with no operator after the keyword)."""

    keyword: str
    assignment: str
    unassigned: str
    word: str  # a character that may stand between the keyword and its operator

    @property
    def whole(self) -> str:
        return f"{self.keyword}{self.assignment}|{self.unassigned}"


def keyword_gate(plugin: Any, yaml: bool = False) -> KeywordGate | None:
    r"""What every one of KeywordDetector's patterns needs on a line, for any file type: checked
    on a line before the plugin runs, and (by :mod:`.transform_gates`) on the raw text of a file
    a transformer rewrites. None if its keyword list or patterns are not the ones known here.

    A pattern matches a keyword, word characters, closing quotes or brackets (or ``[25]``,
    ``.assign``), an operator (``:``, ``:=``, ``=``, ``==``, ``!=``, ``=>``, ``(``), optional
    quotes, then a secret that starts with a word character (its ``(?=\w+)``); or a quoted
    secret, ``==``/``!=`` and the keyword; or the keyword, a quoted secret and ``;``. The
    transformer adds only ``key: "``/``key = "`` and the closing quote, and a key is followed
    by its ':' or '=' in the raw text, so all of it is in the raw text but for white space.
    Word characters are taken as anything but what ends the run, and any non-ASCII character
    as one (Python's ``\w`` is Unicode, google-re2's ASCII). So ``${{ secrets.X }}``,
    ``$VAR`` and ``${VAR:?}``, the keywords of CI and compose files, need no YAML parse.

    ``yaml``: for the lines of a YAML file (file type YAML), which get only the patterns of
    ``CONFIG_DENYLIST_REGEX_TO_GROUP``: there only ``\w`` characters and closing quotes stand
    between keyword and operator (so ``ec2_win_password.py: name`` holds no assignment), and
    the operator is ':', '=' or '!=' (not C++'s '('). Where that table is not the one known
    here, the any-file-type gate is returned.
    """
    module = _defining_module(type(plugin))
    words = getattr(module, "DENYLIST", None)
    if not isinstance(words, tuple) or not all(isinstance(word, str) for word in words):
        return None
    if _keyword_patterns_digest(module) != _KEYWORD_PATTERNS_DIGEST:
        return None
    # Lower-cased bytes keep non-ASCII letters as they are: any such letter stands for itself.
    spelled = ["".join(char if char.isascii() else r"[^\x00-\x7f]" for char in word.lower()) for word in words]
    keyword = "(?:" + "|".join(spelled) + ")"
    space = PYTHON_SPACE
    # What may stand between the keyword and the operator ('\w', Unicode in Python: any
    # non-ASCII character counts as one).
    word, operator = r"""[^\s:=!(\]'"`]""", "[:=!(]"
    if yaml and _yaml_keyword_digest(module) == _YAML_KEYWORD_PATTERNS_DIGEST:
        word, operator = "[0-9a-z_[:^ascii:]]", "[:=!]"  # (no '(': C++'s secret("..."))
    # The secret's first character: a word character, or (YAML) what may stand between a key's
    # ':' and its value: a block scalar's '|' or '>', a tag, an anchor, an alias, a comment.
    start = r"[0-9a-z_|>!&*#[:^ascii:]]"
    assignment = rf"""{word}*[\]'"`]*{space}*{operator}[=>]*{space}*[@'"`]*{start}"""
    semicolon = rf"""[^\s]*{space}*['"`][^'"]*['"`];"""  # the keyword, a quoted value, ';'
    return KeywordGate(keyword, assignment, f"[!=][!=]{space}*[^\\s]*{keyword}|{keyword}{semicolon}", word)


def _defining_module(cls: type) -> Any:
    """The namespace of the module that defined ``cls``'s own functions (as they see it), else
    ``sys.modules``' entry for its name: pytester's in-process runs can drop a module from
    ``sys.modules`` while detect-secrets' cached plugin classes still come from it."""
    for value in vars(cls).values():
        if isinstance(value, types.FunctionType):
            return types.SimpleNamespace(**value.__globals__)
    return sys.modules.get(cls.__module__)


# The SHA-256 of KeywordDetector's patterns (and flags) that keyword_gate was worked out for.
_KEYWORD_PATTERNS_DIGEST = "d40942f2ea4c63da"  # pragma: allowlist secret (a digest)


# The same for the patterns KeywordDetector uses on a YAML file's lines.
_YAML_KEYWORD_PATTERNS_DIGEST = "0aa135acc7dc778a"  # pragma: allowlist secret (a digest)


def _yaml_keyword_digest(module: Any) -> str:
    by_filetype = getattr(module, "REGEX_BY_FILETYPE", None)
    file_type = getattr(getattr(module, "FileType", None), "YAML", None)
    table = by_filetype.get(file_type) if isinstance(by_filetype, dict) and file_type is not None else None
    return _patterns_digest(table) if isinstance(table, dict) else ""


def _keyword_patterns_digest(module: Any) -> str:
    by_filetype = getattr(module, "REGEX_BY_FILETYPE", None)
    default = getattr(module, "QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP", None)
    if not isinstance(by_filetype, dict) or not isinstance(default, dict):
        return ""
    return _patterns_digest(pattern for table in [*by_filetype.values(), default] for pattern in table)


def _patterns_digest(patterns: Iterable[Any]) -> str:
    """The SHA-256 (first 16 digits) of compiled regexes' patterns and flags, in any order."""
    texts = {f"{getattr(pattern, 'pattern', '?')}\x00{getattr(pattern, 'flags', '?')}" for pattern in patterns}
    return hashlib.sha256("\n".join(sorted(texts)).encode()).hexdigest()[:16]


class Plugin:
    """A configured plugin, how to call it, and its trigger (None: runs on every line)."""

    def __init__(self, plugin: Any) -> None:
        self.plugin = plugin
        self.name = type(plugin).__name__
        function = plugin.analyze_line
        try:
            accepted = set(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            accepted = {"filename", "line", "line_number", "context"}
        self.arguments = tuple(name for name in ("filename", "line", "line_number", "context") if name in accepted)
        self.builtin = type(plugin).__module__.startswith("detect_secrets.plugins.")
        self.uses_filetype = self.name == "KeywordDetector"
        self.strict: str | None = None
        self.loose: str | None = None
        if self.builtin and self.name in TRIGGERS:
            self.strict = TRIGGERS[self.name]
            self.loose = LOOSE_TRIGGERS.get(self.name, self.strict)
        elif self.builtin and self.name in ENTROPY_PLUGINS:
            limit = float(plugin.entropy_limit)
            length = max(1, math.floor(2**limit) + 1)
            charset = "[0-9a-f]" if self.name == "HexHighEntropyString" else r"[a-z0-9+/\\_=-]"
            self.strict = f"['\"]{charset}{{{length}}}"
            self.loose = f"{charset}{{{max(1, length - 1)}}}"
        if self.strict is None:
            self.builtin = False  # unknown to the table: no trigger, no memo
        # The trigger over text as it is (not lower-cased): see CASED_TRIGGERS.
        self.cased: str | None = None
        self.cased_exact = False  # the CASED_TRIGGERS entry, for the patterns it was written for
        if self.strict is not None:
            exact = CASED_TRIGGERS.get(self.name)
            if exact is not None and denylist_digest(type(plugin)) == _CASED_DIGESTS[self.name]:
                self.cased, self.cased_exact = exact, True
            else:
                self.cased = f"(?i:{self.strict})"
        # KeywordDetector's patterns backtrack over long lines (up to ~1 us a character); on a
        # line (lower-cased) holding a keyword but no assignment shape they cannot match.
        self.line_gate: Any = None
        if self.builtin and self.name == "KeywordDetector" and (gate := keyword_gate(plugin)) is not None:
            self.line_gate = compile_both(gate.whole)[0]


def denylist_digest(cls: type) -> str:
    """The SHA-256 (first 16 digits) of a regex plugin's patterns and their flags."""
    return _patterns_digest(getattr(cls, "denylist", ()))


def compile_both(pattern: str) -> tuple[Any, Any]:
    """``pattern`` compiled by google-re2 for str and for UTF-8 bytes ({D}: a decimal digit)."""
    import re2

    expanded = pattern.replace("{D}", r"\p{Nd}")
    return re2.compile(expanded, _options()), compile_bytes(pattern)


def compile_bytes(pattern: str) -> Any:
    """``pattern`` compiled by google-re2 for UTF-8 bytes ({D}: a decimal digit)."""
    import re2

    return re2.compile(pattern.replace("{D}", r"\p{Nd}").encode(), _options())


def _options() -> Any:
    import re2

    options = re2.Options()
    options.max_mem = 64 << 20
    return options
