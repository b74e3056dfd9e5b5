"""Find known secret values in text, in every form they are likely to travel in, and mask them.

A value leaks not only as itself: HTTP clients base64 it into Basic auth headers, URLs
percent-encode it, debug dumps print it as hex. For each value we derive these forms:

- ``raw``;
- ``base64`` and ``base64url``, with and without padding, and the *aligned cores* of the value
  encoded at byte offsets 1 and 2 (a value inside a larger base64 blob, such as ``user:pw``
  in a Basic auth header, is encoded differently depending on its offset modulo 3; the core
  is the part of the encoding that does not depend on the neighbouring bytes);
- ``url`` (percent-encoding, both ``quote`` and ``quote_plus``, upper- and lower-case escapes);
- ``hex`` (lower and upper case).

Clean text is the common case (the leak guard checks every captured output of every test). When
google-re2 is installed (a dependency), all forms of all values are compiled into one RE2
automaton (``adapters.literal_search``): one linear scan, whatever the number of values (about
300 MB/s for 200 values here, against 3.5 MB/s for 200 ``in`` checks). Without RE2, or for text
RE2 cannot take (lone surrogates), clean text is ruled out by a *window filter*: the text is cut, in C, into
consecutive ``g``-character windows (``re.findall``), and the set of windows is compared
with the set of every ``g``-character substring of every form (``isdisjoint``, also C; the
set is kept as the keys of a dict of strings, which the garbage collector never traverses).
A form at least ``2 * g - 1`` characters long that occurs in the text must fully contain one
of those windows (the first window starting at or after the occurrence ends at most
``2 * g - 1`` characters later), so a disjoint result proves none of them is present.
Shorter forms are checked with ``str.__contains__``. The window length ``g`` is ``GRAM``, or
more when every form is long enough (half the shortest form): fewer windows to cut and look up. Only when the filter passes is each form
checked with ``in``, and only the forms actually present go into a regex that masks them in a
single left-to-right pass.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from pytest_secrets.adapters.literal_search import LiteralMatch, LiteralPattern, compile_literals, occurs_in
from pytest_secrets.values import SecretValue

# Shorter values cannot be told apart from ordinary text; the strength check flags them.
MIN_WATCHED_LENGTH = 6
# Below this, an aligned base64 core is too short to be specific to the value.
MIN_CORE_LENGTH = 8
# Characters that occur in no base64/hex/url form, used when an informative mask could
# combine with neighbouring text into a form again (see ``Redactor.mask``).
FALLBACK_MASK_CHARS = "*#~^"
# Shortest window of the clean-text filter; forms of 2 * GRAM - 1 characters or more use it.
GRAM = 8
# Up to this many windows of text, ``contains_secret`` uses the window filter even when RE2 is
# available: the filter's cost grows with the text, the RE2 call's is mostly fixed (measured:
# they cost the same at about 6.5 windows).
SHORT_TEXT_WINDOWS = 6


@dataclass(frozen=True)
class EncodedForm:
    """One way a value can appear in text: ``name`` (e.g. ``base64``) and the ``text`` to look for."""

    name: str
    text: str


@dataclass(frozen=True)
class RedactionHit:
    """Where a known value was found: key, form and character span (never the value)."""

    key: str
    fingerprint: str
    form: str
    start: int
    end: int


def _base64_forms(data: bytes) -> list[EncodedForm]:
    forms = []
    for offset in range(3):
        # Encode behind `offset` filler bytes, then keep only the characters that depend on
        # the value's bytes alone: skip the first ceil(offset*8/6) chars, and stop at the last
        # full 3-byte group.
        padded = bytes(offset) + data
        encoded = base64.b64encode(padded).decode("ascii")
        if offset == 0:
            whole = encoded
            forms.append(EncodedForm("base64", whole))
            forms.append(EncodedForm("base64", whole.rstrip("=")))
            url = base64.urlsafe_b64encode(data).decode("ascii")
            forms.append(EncodedForm("base64url", url))
            forms.append(EncodedForm("base64url", url.rstrip("=")))
        start = -(-offset * 8 // 6)
        full_groups = len(padded) // 3
        core = encoded[start : full_groups * 4]
        if len(core) >= MIN_CORE_LENGTH:
            forms.append(EncodedForm("base64", core))
            forms.append(EncodedForm("base64url", core.replace("+", "-").replace("/", "_")))
    return forms


def encoded_forms(value: str) -> tuple[EncodedForm, ...]:
    """Every distinct form of ``value`` the redactor looks for, longest first."""
    data = value.encode("utf-8", "surrogateescape")
    candidates = [EncodedForm("raw", value)]
    candidates += _base64_forms(data)
    for quoted in (urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value, safe="")):
        candidates.append(EncodedForm("url", quoted))
        candidates.append(EncodedForm("url", re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quoted)))
    candidates.append(EncodedForm("hex", data.hex()))
    candidates.append(EncodedForm("hex", data.hex().upper()))
    seen: set[str] = set()
    forms = []
    for form in sorted(candidates, key=lambda f: -len(f.text)):
        if form.text and form.text not in seen:
            seen.add(form.text)
            forms.append(form)
    return tuple(forms)


def is_watchable(value: str) -> bool:
    """Whether a value is long enough to be searched for without masking ordinary text."""
    return len(value) >= MIN_WATCHED_LENGTH


class Redactor:
    """Finds and masks known secret values (all forms) in text.

    Build one per set of values; it is cheap to call on every captured output.
    """

    def __init__(self, secrets: Iterable[SecretValue], use_re2: bool = True) -> None:
        owners: dict[str, tuple[SecretValue, str]] = {}
        for secret in secrets:
            value = secret.reveal()
            if not is_watchable(value):
                continue
            for form in encoded_forms(value):
                owners.setdefault(form.text, (secret, form.name))
        self._owners = owners
        # Longest first, so a longer form wins over a shorter one at the same position.
        self._needles = sorted(owners, key=len, reverse=True)
        gram = max(GRAM, (min(map(len, self._needles), default=0) + 1) // 2)
        self._windows = re.compile(".{%d}" % gram, re.DOTALL)
        self._short_text = SHORT_TEXT_WINDOWS * gram
        self._short = [needle for needle in self._needles if len(needle) < 2 * gram - 1]
        # A dict holding only strings is untracked by the garbage collector; a frozenset of
        # thousands of strings would be walked by every full collection of the session.
        self._grams = dict.fromkeys(
            needle[start : start + gram]
            for needle in self._needles
            if len(needle) >= 2 * gram - 1
            for start in range(len(needle) - gram + 1)
        ).keys()
        self._automaton: LiteralPattern | None = compile_literals(self._needles) if self._needles and use_re2 else None
        used = set("".join(self._needles))
        self._fallback_char = next(
            char for char in FALLBACK_MASK_CHARS + "".join(map(chr, range(0x2580, 0x2800))) if char not in used
        )

    def __bool__(self) -> bool:
        return bool(self._needles)

    def _may_contain(self, text: str) -> bool:
        """False only if no form can be in ``text`` (see the module's docstring)."""
        if self._short:
            for needle in self._short:
                if needle in text:
                    return True
        return bool(self._grams) and not self._grams.isdisjoint(self._windows.findall(text))

    def _present(self, text: str) -> list[str]:
        if not self._may_contain(text):
            return []
        return [needle for needle in self._needles if needle in text]

    def _pattern_for(self, text: str) -> LiteralPattern | None:
        """A pattern of the forms to look for in ``text``, or None when none occurs in it."""
        if self._automaton is not None:
            try:
                return self._automaton if self._automaton.search(text) else None
            except UnicodeEncodeError:
                pass  # lone surrogates: RE2 needs valid UTF-8, take the plain path
        present = self._present(text)
        if not present:
            return None
        # re.Pattern has the same search/finditer/sub as an RE2 pattern; the protocol says so.
        return cast(LiteralPattern, re.compile("|".join(re.escape(needle) for needle in present)))

    def find(self, text: str) -> list[RedactionHit]:
        """Every non-overlapping occurrence of a known form, left to right."""
        pattern = self._pattern_for(text)
        if pattern is None:
            return []
        hits = []
        for match in pattern.finditer(text):
            secret, form = self._owners[match.group(0)]
            hits.append(RedactionHit(secret.key, secret.fingerprint, form, match.start(), match.end()))
        return hits

    def contains_secret(self, text: str) -> bool:
        if len(text) > self._short_text and self._automaton is not None:
            try:
                return occurs_in(self._automaton, text)
            except UnicodeEncodeError:
                pass  # lone surrogates: RE2 needs valid UTF-8, take the plain path
        # The window filter, inlined (this runs for every log record): on a line or two of
        # text it costs less than the RE2 call.
        for needle in self._short:
            if needle in text:
                return True
        if self._grams.isdisjoint(self._windows.findall(text)):
            return False
        return any(needle in text for needle in self._needles)

    def mask(self, text: str) -> str:
        """Replace every occurrence with ``[REDACTED:KEY]``.

        An informative mask could, with the text around it, spell a form again (a value
        that is a substring of ``[REDACTED:...]``). We check the result and, if that
        happened, mask with a character no form contains, which cannot recombine.
        """
        pattern = self._pattern_for(text)
        if pattern is None:
            return text
        masked = pattern.sub(self._informative_mask, text)
        if self._pattern_for(masked) is None:
            return masked
        return pattern.sub(lambda match: self._fallback_char * len(match.group(0)), text)

    def _informative_mask(self, match: LiteralMatch) -> str:
        return f"[REDACTED:{self._owners[match.group(0)][0].key}]"
