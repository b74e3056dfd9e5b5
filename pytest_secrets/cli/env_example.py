"""``.env.example`` from ``.env``: the same keys in the same order, placeholders for secrets.

Which values are secrets is the inventory's judgement (key names, URLs with passwords, the
project's own values), the same the audit uses, and every placeholder is one the
example-placeholders check accepts and detect-secrets does not flag. Comments are copied, except
one that holds a known value or something detect-secrets recognises.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from pytest_secrets import classify, strength
from pytest_secrets.adapters.dotenv_source import BOM, SourceBinding, read_bindings
from pytest_secrets.checks.example_placeholders import looks_real
from pytest_secrets.inventory import Inventory
from pytest_secrets.values import digest_of

# A templated password (<...>) is a placeholder to us and filtered by detect-secrets' heuristics.
URL_PASSWORD_PLACEHOLDER = "<your-password>"
PASSWORD_TOKENS = frozenset({"PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PWD", "PASSPHRASE"})
# Values shorter than this are compared whole, never searched for inside comments.
MIN_SEARCHED_LENGTH = 8
APPENDED_HEADER = "# Added by pytest-secrets init: keys set in .env that this file did not list"


def placeholder_for(key: str, value: str | None) -> str:
    """A stand-in that says what belongs there: ``your-key-here``, ``generate-a-fernet-key``, ..."""
    if value and classify.url_password(value) is not None:
        replaced = _url_with_password(value, URL_PASSWORD_PLACEHOLDER)
        if replaced is not None:
            return replaced
    rule = strength.rule_for(key, ())
    if rule == "fernet":
        return "generate-a-fernet-key"
    if rule == "signing":
        return "generate-a-32-char-random-string"
    tokens = set(classify.name_tokens(key))
    if tokens & PASSWORD_TOKENS:
        return "your-password-here"
    if tokens & {"TOKEN", "TOKENS"}:
        return "your-token-here"
    if tokens & {"KEY", "KEYS", "APIKEY"} or any(token.endswith("APIKEY") for token in tokens):
        return "your-key-here"
    return "your-secret-here"


def _url_with_password(url: str, password: str) -> str | None:
    """``url`` with its password replaced (user, host, path kept); None if it cannot be split."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    userinfo, at, hostinfo = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return None
    user = userinfo.split(":", 1)[0]
    return urllib.parse.urlunsplit((parts.scheme, f"{user}:{password}@{hostinfo}", parts.path, parts.query, parts.fragment))


@dataclass(eq=False)  # pieces are told apart by identity: two blank comments are two pieces
class Piece:
    """One piece of the example being written: a binding or comment, with its source text."""

    key: str | None
    value: str | None
    text: str
    value_span: tuple[int, int] | None
    replaced: bool = False

    @classmethod
    def of(cls, binding: SourceBinding) -> Piece:
        return cls(binding.key, binding.value, binding.text, binding.value_span)

    def set_placeholder(self) -> None:
        assert self.key is not None
        placeholder = placeholder_for(self.key, self.value)
        if self.value_span is not None:
            start, end = self.value_span
            if 0 < start and end < len(self.text) and self.text[start - 1] == self.text[end] and self.text[end] in "'\"":
                # Unquoted: detect-secrets' keyword detector flags a quoted value, placeholder or not.
                start, end = start - 1, end + 1
            after = self.text[end:]
            self.text = self.text[:start] + placeholder + (" " if after.startswith("#") else "") + after
            self.value_span = (start, start + len(placeholder))
        else:
            self._rewrite(placeholder)
        self.value = placeholder
        self.replaced = True

    def set_bare(self) -> None:
        """The binding alone, without what followed its value (an inline comment that leaked)."""
        assert self.key is not None
        placeholder = self.value if self.replaced and self.value is not None else placeholder_for(self.key, self.value)
        self._rewrite(placeholder)
        self.value = placeholder
        self.replaced = True

    def _rewrite(self, placeholder: str) -> None:
        assert self.key is not None
        leading = self.text[: len(self.text) - len(self.text.lstrip())]
        start = len(leading) + len(self.key) + 1
        self.text = f"{leading}{self.key}={placeholder}\n"
        self.value_span = (start, start + len(placeholder))


@dataclass
class ExampleResult:
    text: str
    added: list[str] = field(default_factory=list)  # keys appended (or all keys of a new file)
    replaced: list[str] = field(default_factory=list)  # keys whose value became a placeholder
    dropped_comments: int = 0
    skipped_lines: list[int] = field(default_factory=list)  # .env lines python-dotenv cannot parse


class ExampleBuilder:
    """Decides, for one project, which values an example may show."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.known = [secret.reveal() for secret in inventory.known_secrets()]
        self.known_digests = {digest_of(value) for value in self.known}
        self.searched = [value for value in self.known if len(value) >= MIN_SEARCHED_LENGTH]

    def needs_placeholder(self, key: str, value: str | None) -> bool:
        if not value or classify.is_placeholder(value):
            return False
        if self.inventory.is_secret(key) or digest_of(value) in self.known_digests:
            return True
        return looks_real(False, value) is not None

    def check_flags(self, key: str, value: str | None) -> bool:
        """What example-placeholders fails on: the project's own value or a real-looking one.

        Applied to lines already in an example, which are left alone otherwise.
        """
        if not value or classify.is_placeholder(value):
            return False
        return digest_of(value) in self.known_digests or looks_real(self.inventory.is_secret(key), value) is not None

    def holds_known_value(self, text: str) -> bool:
        return any(value in text for value in self.searched)

    def from_env(self, env_text: str) -> ExampleResult:
        """A new example from the text of ``.env``."""
        pieces: list[Piece] = []
        seen: set[str] = set()
        skipped = []
        for binding in read_bindings(env_text):
            if binding.error:
                skipped.append(binding.line)
                continue
            if binding.key is not None:
                if binding.key in seen:
                    continue  # one line per key; env-parity reports the duplicate
                seen.add(binding.key)
            pieces.append(Piece.of(binding))
        if pieces and pieces[0].text.startswith(BOM):
            pieces[0].text = pieces[0].text[len(BOM):]
            if pieces[0].value_span:
                pieces[0].value_span = (pieces[0].value_span[0] - 1, pieces[0].value_span[1] - 1)
        result = self._finish(pieces, fixable=pieces, new_file=True)
        result.added = [piece.key for piece in pieces if piece.key is not None]
        result.skipped_lines = skipped
        return result

    def update(self, example_text: str, env_text: str | None) -> ExampleResult:
        """The existing example with real-looking values replaced and keys missing from it appended."""
        pieces = [Piece.of(binding) for binding in read_bindings(example_text)]
        present = {piece.key for piece in pieces if piece.key is not None}
        appended: list[Piece] = []
        if env_text is not None:
            for binding in read_bindings(env_text):
                if binding.key is not None and not binding.error and binding.key not in present:
                    present.add(binding.key)
                    appended.append(_on_its_own_line(binding))
        if appended:
            separator = "" if not example_text or example_text.endswith(("\n", "\r")) else "\n"
            header = Piece(None, None, f"{separator}\n{APPENDED_HEADER}\n", None)
            pieces += [header, *appended]
        result = self._finish(pieces, fixable=[piece for piece in pieces if piece not in appended])
        result.added = [piece.key for piece in appended if piece.key is not None]
        return result

    def _finish(self, pieces: list[Piece], fixable: list[Piece], new_file: bool = False) -> ExampleResult:
        """Placeholders for secret values, then drop or rewrite whatever still leaks."""
        for piece in pieces:
            if piece.key is None:
                continue
            judge = self.check_flags if piece in fixable and not new_file else self.needs_placeholder
            if judge(piece.key, piece.value):
                piece.set_placeholder()
        dropped = 0
        for _ in range(3):  # each pass fixes what the last one flagged; two suffice in practice
            flagged = self._leaking(pieces)
            if not flagged:
                break
            for piece in flagged:
                if piece.key is None:
                    pieces.remove(piece)
                    dropped += 1
                else:
                    piece.set_bare()
        text = "".join(piece.text for piece in pieces)
        replaced = [piece.key for piece in pieces if piece.key is not None and piece.replaced and piece in fixable]
        return ExampleResult(text, replaced=replaced, dropped_comments=dropped)

    def _leaking(self, pieces: list[Piece]) -> list[Piece]:
        """Pieces holding a known value, or a line detect-secrets flags that is not a placeholder."""
        from pytest_secrets.adapters.detect_secrets import scan_text

        flagged: list[Piece] = []
        starts: list[tuple[int, int, Piece]] = []  # (first line, last line, piece)
        line = 1
        for piece in pieces:
            lines = piece.text.count("\n")
            starts.append((line, line + max(lines - 1, 0), piece))
            line += lines
            if self.holds_known_value(piece.text) and piece not in flagged:
                flagged.append(piece)
        for hit in scan_text(".env.example", "".join(piece.text for piece in pieces)):
            for first, last, piece in starts:
                if first <= hit.line <= last and piece not in flagged:
                    # The check, too, lets a detector pass on a placeholder (`password` in a URL).
                    if piece.key is not None and classify.is_placeholder(piece.value) and not _has_tail(piece):
                        continue
                    flagged.append(piece)
        return flagged


def _on_its_own_line(binding: SourceBinding) -> Piece:
    """A binding copied from ``.env`` without the blank lines before it, ending its line."""
    text = binding.text.lstrip(BOM)
    leading = len(text) - len(text.lstrip())
    span = binding.value_span
    shift = leading + len(binding.text) - len(text)
    piece = Piece(binding.key, binding.value, text[leading:], (span[0] - shift, span[1] - shift) if span else None)
    if not piece.text.endswith(("\n", "\r")):
        piece.text += "\n"
    return piece


def _has_tail(piece: Piece) -> bool:
    """Whether anything (an inline comment) follows the value on its line."""
    if piece.value_span is None:
        return False
    rest = piece.text[piece.value_span[1]:].lstrip("\"'")
    return bool(rest.strip())
