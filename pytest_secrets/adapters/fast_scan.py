"""The fast, exact detect-secrets pipeline for text held in memory (used by :mod:`.detect_secrets`).

Why not just call ``SecretsCollection().scan_file``? It needs a file on disk, and it runs
every line of a file through all 27 plugins and every filter by argument injection (about
1,700 lines a second). Auditing git history means hundreds of thousands of blobs, so
:class:`Scanner` reproduces ``detect_secrets.core.scan.scan_file`` step by step on text in
memory, with changes that do not change the findings:

1. A pre-filter. Each built-in plugin gets a *trigger*: a google-re2 regex over lower-cased
   text that matches every line on which the plugin can report anything (a literal such as
   ``key``/``pass``/``secret`` for the keyword plugins, a token prefix such as ``ghp_``, and
   for the entropy plugins a quoted run of at least floor(2**limit)+1 charset characters,
   since Shannon entropy cannot exceed log2 of the length). A blob no trigger matches is
   skipped whole; in the others only the lines a trigger matches go through the pipeline,
   and only through the plugins whose trigger matched. detect-secrets' transformers (INI,
   YAML) rewrite lines and add quotes, so the blob-level gate uses unquoted runs, one
   character shorter (an escaped quote adds a backslash). A plugin we do not know (custom,
   or newer than this table) has no trigger and runs on every line.
2. Direct calls. Plugins and filters are called with the arguments they declare, computed
   once, instead of through ``call_function_with_arguments`` on every call; results of the
   built-in plugins are memoised per (plugin, file type, line).
3. Each distinct line once. Most candidate lines recur across versions of a file, so a
   line's whole verdict (plugins and filters) is memoised on what it depends on: the line,
   the file type, a ``.yaml`` extension and (through the ``nextline`` pragma) the line
   before; see :func:`.filter_stages.line_memo_safe` for when that holds.
4. Blobs are searched as lower-cased bytes (ASCII, or UTF-8 without the characters that
   lower-case to ASCII), so most are never decoded or lower-cased as text.
5. No YAML or INI parse that cannot matter: :class:`.transform_gates.TransformGate` proves
   from the raw text when a transformer's lines cannot hold a finding; if the raw lines hold
   none either, the file is not parsed.
6. No trigger for a plugin whose every finding a configured filter drops (IPPublicDetector
   under ``is_not_alphanumeric_string``, one of detect-secrets' defaults).
7. Versions of one file (:meth:`Scanner.scan_version`, for histories): where no transformer
   rewrites the file, the lines it shares with the last version seen keep their verdicts and
   only the changed lines are searched (:mod:`.blob_versions`), as they are: no lower-casing,
   and the case-sensitive plugins' triggers in their own case (``triggers.CASED_TRIGGERS``).
8. A YAML file that must be parsed is composed by libyaml (PyYAML's C parser) where that gives
   exactly the lines detect-secrets' pure-Python parse would (:mod:`.yaml_transform`).

Where each part lives: the triggers (step 1) in :mod:`.triggers`; the filters, called
directly, and what they allow (steps 2, 3 and 6) in :mod:`.filter_stages`; the YAML and INI
gates (step 5) in :mod:`.transform_gates`; the version comparison (step 7) in
:mod:`.blob_versions`; libyaml's YAML path (step 8) in :mod:`.yaml_transform`; the pipeline
that puts them together in :class:`Scanner`, here.

Everything else is detect-secrets' own code: the transformers, ``get_code_snippet``, every
configured filter (including custom ones), the plugins' ``analyze_line``. The one filter
skipped is ``is_invalid_file`` (it asks whether the name exists on disk; a blob exists).
``tests/unit/history/test_equivalence.py`` and ``benchmarks/history_bench.py --verify``
compare this path with plain ``scan_file`` over real files.

Settings: detect-secrets keeps them in a process-global singleton that is empty by default
(so it finds nothing). :class:`Scanner` is a context manager around ``transient_settings``.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import locale
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from pytest_secrets.adapters import blob_versions
from pytest_secrets.adapters.blob_versions import Change, Version, VersionStore, change
from pytest_secrets.adapters.detect_secrets import (
    PARTIAL_VALUE_TYPES,
    DetectorConfig,
    DetectorHit,
    whole_value,
)
from pytest_secrets.adapters.filter_stages import (
    ALLOWLIST_FILTER,
    INDIRECT_REFERENCE_FILTER,
    filter_stage,
    filtered_out,
    indirect_reference_pattern_is_known,
    line_memo_safe,
    may_be_indirect_reference,
    silent_plugins,
)
from pytest_secrets.adapters.transform_gates import (
    INI_AFTER,
    INI_BEFORE,
    INI_EXTRA,
    YAML_AFTER,
    YAML_BEFORE,
    YAML_EXTRA,
    YAML_GATE_EXTRA,
    TransformGate,
    may_parse_as_ini,
    may_parse_as_ini_with_header,
)
from pytest_secrets.adapters.triggers import CASE_FIX_CHARS, Plugin, compile_both, compile_bytes, lower
from pytest_secrets.adapters.yaml_transform import transformed_lines
from pytest_secrets.values import fingerprint_of


def _translate_newlines(text: str) -> str:
    # open() in text mode turns \r\n and lone \r into \n (universal newlines).
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _split_lines(text: str) -> list[str]:
    """Exactly ``file.readlines()`` of the translated text (split after each \\n only)."""
    lines = text.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result




_INI_TRANSFORMERS = ("ConfigFileTransformer", "EagerConfigFileTransformer")
_YAML_TRANSFORMER = "detect_secrets.transformers.yaml.YAMLTransformer"
_BUILTIN_TRANSFORMERS = [
    "detect_secrets.transformers.config.ConfigFileTransformer",
    "detect_secrets.transformers.config.EagerConfigFileTransformer",
    _YAML_TRANSFORMER,
]


def _always_true(text: str | None, raw: bytes | None) -> bool:
    return True




def _matched_lines(
    pattern: Any, subject: str | bytes, first: int, newline: Any, by_search: bool
) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of ``subject`` that ``pattern`` matches, in order; the first
    match is at ``first``. On bytes, one search per matched line (google-re2 searches bytes
    from an offset in constant time); on str, one pass (it re-encodes a str on every call)."""
    end = len(subject)
    if by_search:
        start = first
        while start >= 0:
            if subject[start : start + 1] == newline:
                start += 1  # a trigger's first character may be the newline before its line
            line_start = subject.rfind(newline, 0, start) + 1
            line_end = subject.find(newline, start)
            if line_end < 0:
                line_end = end
            yield line_start, line_end
            if line_end >= end:
                return
            match = pattern.search(subject, line_end)  # from the newline: it may open a match
            start = -1 if match is None else match.start()
        return
    line_end = -1
    for match in pattern.finditer(subject, first):
        start = match.start()
        if subject[start : start + 1] == newline:
            start += 1
        if start <= line_end:
            continue  # this line is already yielded
        line_end = subject.find(newline, start)
        if line_end < 0:
            line_end = end
        yield subject.rfind(newline, 0, start) + 1, line_end


class _NamedText(io.StringIO):
    """What detect-secrets' transformers read: a text file with a ``name``."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name






def _forget_plugin_classes() -> None:
    """detect-secrets memoises its plugin classes (custom ones included) once per process;
    forget them when the settings change, as its CLI never needs to."""
    from detect_secrets.core.plugins import util

    cache_clear = getattr(util.get_mapping_from_secret_type_to_class, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()




@dataclass(frozen=True)
class Prepared:
    """A blob the pre-filter let through.

    ``text`` has its newlines translated; ``subject`` is it lower-cased, searched by the
    triggers. Offsets in ``subject`` are offsets in ``raw`` (the text in UTF-8) when that is
    given, else in ``text``. ``strict_hit``: a strict trigger matched, first at ``first``.
    """

    text: str
    raw: bytes | None
    subject: str | bytes
    strict_hit: bool
    first: int






def _ascii_decodes_to_itself() -> bool:
    """Whether the locale's encoding (``open()``'s default) reads ASCII bytes as ASCII text."""
    sample = bytes(range(128))
    try:
        return sample.decode(locale.getpreferredencoding(False)) == sample.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _locale_is_utf8() -> bool:
    """Whether ``open()`` reads files as UTF-8 (then blobs can be searched as UTF-8 bytes)."""
    try:
        return codecs.lookup(locale.getpreferredencoding(False)).name == "utf-8"
    except LookupError:
        return False


def _hits(found: Iterable[tuple[str, str, int]], text: str) -> list[DetectorHit]:
    """detect-secrets' findings of a file, one per (type, secret), from (type, secret, line)
    in line order; a partial value (see ``PARTIAL_VALUE_TYPES``) is completed from its line."""
    hits: dict[tuple[str, str], DetectorHit] = {}
    lines: list[str] | None = None
    for kind, secret, line in found:
        secret_hash = hashlib.sha1(secret.encode("utf-8")).hexdigest()
        if (kind, secret_hash) not in hits:
            if kind in PARTIAL_VALUE_TYPES:
                lines = text.splitlines() if lines is None else lines
                secret = whole_value(kind, secret, lines[line - 1] if 0 < line <= len(lines) else "")
            hits[(kind, secret_hash)] = DetectorHit(kind, line, secret_hash, fingerprint_of(secret))
    return list(hits.values())


class Scanner:
    """detect-secrets' ``scan_file`` on text in memory, exact and fast. Use as a context manager.

    Not thread-safe (detect-secrets' settings are process-global); a forked child process
    inherits an entered scanner and may use it.
    """

    MEMO_LIMIT = 200_000

    def __init__(self, config: DetectorConfig, use_prefilter: bool = True) -> None:
        self.config = config
        self.use_prefilter = use_prefilter
        self._context: Any = None
        self._memo: dict[tuple[int, Any, str], tuple[str, ...]] = {}
        self._filter_memo: dict[tuple[int, str], bool] = {}
        self._line_memo: dict[tuple[Any, str, str], tuple[tuple[str, str], ...]] = {}
        self._versions = VersionStore()
        self._versions_usable = False
        self._yaml_transformer: Any = None
        self.stats = dict.fromkeys(
            (
                "gated_out",
                "transformed",
                "yaml_composed_by_libyaml",
                "candidate_lines",
                "plugin_calls",
                "yaml_skipped",
                "ini_skipped",
                "bytes_reused",
            ),
            0,
        )

    # -- setup -----------------------------------------------------------------------
    def __enter__(self) -> Scanner:
        from detect_secrets.settings import get_filters, get_plugins, transient_settings

        self._context = transient_settings(self.config.as_dict())
        self._context.__enter__()
        _forget_plugin_classes()  # custom plugins ('path' in plugins_used) load per settings
        try:
            self._prepare(get_plugins(), get_filters())
        except BaseException:
            self._context.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        context, self._context = self._context, None
        self._memo.clear()
        self._filter_memo.clear()
        self._line_memo.clear()
        self._versions.clear()
        if context is not None:
            context.__exit__(kind, error, traceback)
            _forget_plugin_classes()

    def _prepare(self, plugins: list[Any], filters: list[Any]) -> None:
        from detect_secrets.transformers import get_transformers
        from detect_secrets.util.code_snippet import get_code_snippet
        from detect_secrets.util.filetype import FileType, determine_file_type

        self._get_code_snippet = get_code_snippet
        file_types: dict[str, Any] = {}

        def file_type(filename: str) -> Any:
            found = file_types.get(filename)
            if found is None:
                if len(file_types) > 100_000:
                    file_types.clear()
                found = file_types[filename] = determine_file_type(filename)
            return found

        self._determine_file_type = file_type
        self._yaml_type = FileType.YAML
        self._versions_usable = False
        self._transformers: list[Any] = list(get_transformers())
        # detect-secrets' own YAML transformer: libyaml may compose for it (see .yaml_transform).
        self._yaml_transformer = next(
            (t for t in self._transformers if type(t).__module__ + "." + type(t).__name__ == _YAML_TRANSFORMER), None
        )
        self._parse_verdicts: dict[tuple[int, str], bool] = {}
        # Per file name: what decides whether a transformer other than YAML may rewrite it.
        self._transform_checks: dict[str, list[Callable[[str | None, bytes | None], bool]]] = {}
        self._plugins = [Plugin(plugin) for plugin in plugins]
        self._filename_stage = filter_stage(filters, {"filename"}, {"filename"})
        self._line_stage = filter_stage(filters, {"line"}, {"filename", "line", "context"})
        self._line_filter_kinds: dict[int, str] = {}
        self._filter_memo.clear()
        for function, names in self._line_stage:
            path = getattr(function, "path", "")
            if path == ALLOWLIST_FILTER:
                self._line_filter_kinds[id(function)] = "allowlist"
            elif path == INDIRECT_REFERENCE_FILTER and indirect_reference_pattern_is_known():
                self._line_filter_kinds[id(function)] = "indirect"
            elif path.startswith("detect_secrets.filters.") and names == ("line",):
                self._line_filter_kinds[id(function)] = "pure"
        self._secret_stage = filter_stage(filters, {"secret"}, {"filename", "secret", "plugin", "line"})
        self._context_stage = filter_stage(filters, {"context"}, {"filename", "secret", "plugin", "line", "context"})
        self._always = [index for index, p in enumerate(self._plugins) if p.strict is None]
        self._file_verdicts: dict[str, bool] = {}
        self._line_memo.clear()
        self._line_memo_ok = line_memo_safe(self._plugins, self._line_stage + self._secret_stage + self._context_stage)
        self._ascii_is_text = _ascii_decodes_to_itself()
        self._utf8 = _locale_is_utf8()
        silent = silent_plugins(self._plugins, self._secret_stage)
        tabled = [index for index, p in enumerate(self._plugins) if p.strict is not None and index not in silent]
        self._prefilter = self.use_prefilter and bool(tabled)
        if not self._prefilter:
            return
        import re2

        # With a plugin we have no trigger for, every line is a candidate (for it alone).
        match_all = "|^" if self._always else ""
        strict = "|".join(f"(?:{self._plugins[i].strict})" for i in tabled) + match_all
        loose = "|".join(f"(?:{self._plugins[i].loose})" for i in tabled) + match_all
        self._strict_str, self._strict_bytes = compile_both(strict)
        # The same over text as it is (no lower-casing; case-sensitive plugins' triggers exact).
        self._cased_bytes = compile_bytes("|".join(f"(?:{self._plugins[i].cased})" for i in tabled) + match_all)
        # A transformed line may hold text no raw line does: INI interpolation, YAML escapes...
        self._loose_str, self._loose_bytes = compile_both(f"{loose}|{INI_EXTRA}")
        self._yaml_str, self._yaml_bytes = compile_both(f"{loose}|{YAML_EXTRA}|{INI_EXTRA}")
        self._set_plugins = tabled
        self._yaml_gate: TransformGate | None = None
        self._ini_gate: TransformGate | None = None
        transformers = sorted(type(t).__module__ + "." + type(t).__name__ for t in self._transformers)
        if transformers == _BUILTIN_TRANSFORMERS and all(p.builtin for p in self._plugins):
            heard = [plugin for index, plugin in enumerate(self._plugins) if index not in silent]
            self._yaml_gate = TransformGate(
                heard, YAML_GATE_EXTRA, YAML_BEFORE, YAML_AFTER, yaml_keys=True
            )
            self._ini_gate = TransformGate(heard, INI_EXTRA, INI_BEFORE, INI_AFTER, skip_comments=True)
        # Reusing an old version's line verdicts needs them to depend on the line alone (the
        # memo's conditions), every plugin triggered, and detect-secrets' own transformers
        # (to know which files no transformer rewrites).
        self._versions.clear()
        self._versions_usable = self._line_memo_ok and not self._always and self._yaml_gate is not None
        self._sets = []
        for kind in (str, bytes):
            trigger_set = re2.Set.SearchSet()
            for index in tabled:
                expanded = str(self._plugins[index].strict).replace("{D}", r"\p{Nd}")
                trigger_set.Add(expanded if kind is str else expanded.encode())
            trigger_set.Compile()
            self._sets.append(trigger_set)

    def _line_plugins(self, subject: str | bytes, ascii_text: bool) -> list[int]:
        """Indices of the plugins whose trigger matches this (lower-cased) line."""
        matched = [self._set_plugins[i] for i in self._sets[1 if ascii_text else 0].Match(subject) or ()]
        return sorted(set(matched) | set(self._always)) if self._always else sorted(matched)

    # -- public ----------------------------------------------------------------------
    def is_file_excluded(self, filename: str) -> bool:
        """detect-secrets' file-name filters (lock files, non-text extensions, the baseline...)."""
        verdict = self._file_verdicts.get(filename)
        if verdict is None:
            verdict = filtered_out(self._filename_stage, {"filename": filename})
            if len(self._file_verdicts) > 100_000:
                self._file_verdicts.clear()
            self._file_verdicts[filename] = verdict
        return verdict

    @staticmethod
    def decode(data: bytes) -> str | None:
        """Text as ``open(filename)`` would read it, or None where detect-secrets gives up."""
        try:
            return data.decode(locale.getpreferredencoding(False))
        except (UnicodeDecodeError, LookupError):
            return None

    def scan_text(self, filename: str, text: str) -> list[DetectorHit]:
        if not self._plugins or self.is_file_excluded(filename):
            return []
        prepared = self._prepare_text(filename, _translate_newlines(text))
        return [] if prepared is None else self.scan_gated(filename, prepared)

    def scan_bytes(self, filename: str, data: bytes) -> list[DetectorHit] | None:
        """Like :meth:`scan_text`; None when the content is not text (detect-secrets skips it)."""
        status, prepared = self.precheck(filename, data)
        if status == "binary":
            return None
        return [] if prepared is None else self.scan_gated(filename, prepared)

    def precheck(self, filename: str, data: bytes) -> tuple[str, Prepared | None]:
        """The cheap first steps: file-name filters, decoding, the pre-filter.

        Returns (status, prepared): status ``excluded`` (a file-name filter), ``binary`` (not
        decodable text: detect-secrets skips it), ``clean`` (the pre-filter proves there is
        nothing to find) or ``scan`` (call :meth:`scan_gated` with ``prepared``).
        """
        if not self._plugins or self.is_file_excluded(filename):
            return "excluded", None
        ascii_data = data.isascii()
        if (ascii_data and self._ascii_is_text) or self._utf8:
            # Search the bytes, lower-cased (ASCII letters only: see triggers.CASE_FIX_CHARS).
            if b"\r" in data:
                data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            text = None
            if not ascii_data:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    return "binary", None
                if any(char in text for char in CASE_FIX_CHARS):
                    prepared = self._prepare_text(filename, text)
                    return ("clean", None) if prepared is None else ("scan", prepared)
            prepared = self._gate(filename, text, data, data.lower())
        else:
            decoded = self.decode(data)
            if decoded is None:
                return "binary", None
            prepared = self._prepare_text(filename, _translate_newlines(decoded))
        return ("clean", None) if prepared is None else ("scan", prepared)

    def gate(self, filename: str, text: str) -> bool | None:
        """None if no finding is possible in ``text`` (newlines translated); else whether raw
        lines can hold one (see :meth:`_gate`)."""
        prepared = self._prepare_text(filename, text)
        return None if prepared is None else prepared.strict_hit

    def _prepare_text(self, filename: str, text: str) -> Prepared | None:
        """:meth:`_gate` for text (newlines translated)."""
        if text.isascii() or (self._utf8 and not any(char in text for char in CASE_FIX_CHARS)):
            try:
                raw = text.encode("utf-8")
            except UnicodeEncodeError:
                pass  # lone surrogates: no UTF-8 form
            else:
                return self._gate(filename, text, raw, raw.lower())
        lowered = lower(text)
        return self._gate(filename, text, None, lowered.encode() if lowered.isascii() else lowered)

    def _gate(self, filename: str, text: str | None, raw: bytes | None, subject: str | bytes) -> Prepared | None:
        """None if no finding is possible; else the blob, ready for :meth:`scan_gated`.

        Raw lines can only yield what a strict trigger matches. Lines rewritten by a
        transformer (INI, YAML) get quotes added, so for a file a transformer may parse, the
        looser unquoted triggers decide. ``text`` may be None when ``raw`` is ASCII.
        """
        as_bytes = isinstance(subject, bytes)
        if text is None:
            text = (raw or b"").decode("ascii")
        if not self._prefilter:
            return Prepared(text, raw, subject, True, 0)
        found = (self._strict_bytes if as_bytes else self._strict_str).search(subject)
        if found is not None:
            return Prepared(text, raw, subject, True, found.start())
        if self._determine_file_type(filename) is self._yaml_type:
            gate = self._yaml_bytes if as_bytes else self._yaml_str
        elif self._may_transform(filename, text, raw):
            gate = self._loose_bytes if as_bytes else self._loose_str
        else:
            gate = None
        if gate is not None and gate.search(subject):
            return Prepared(text, raw, subject, False, -1)
        self.stats["gated_out"] += 1
        return None

    def _may_transform(self, filename: str, text: str | None, raw: bytes | None) -> bool:
        """Whether a transformer other than YAML could rewrite this file's lines (``raw``: the
        text in UTF-8, or None; ``text`` may be None where ``raw`` is ASCII)."""
        checks = self._transform_checks.get(filename)
        if checks is None:
            checks = []
            for transformer in self._transformers:
                if not self._should_parse(transformer, filename):
                    continue
                name = type(transformer).__name__
                builtin = type(transformer).__module__.startswith("detect_secrets.")
                if builtin and name == "YAMLTransformer":
                    continue  # YAML files are handled by the caller
                if builtin and name == "ConfigFileTransformer":
                    checks.append(may_parse_as_ini)
                elif builtin and name == "EagerConfigFileTransformer":
                    checks.append(may_parse_as_ini_with_header)
                else:
                    checks.append(_always_true)
            if len(self._transform_checks) > 100_000:
                self._transform_checks.clear()
            self._transform_checks[filename] = checks
        return any(check(text, raw) for check in checks)

    def scan_gated(self, filename: str, prepared: Prepared) -> list[DetectorHit]:
        """The rest of the pipeline for a blob :meth:`precheck` let through."""
        return _hits(self._scan(filename, prepared), prepared.text)

    def scan_version(self, filename: str, data: bytes) -> tuple[str, list[DetectorHit]]:
        """:meth:`precheck` and :meth:`scan_gated` in one, for one version of a file in a history.

        For a file no transformer rewrites, the lines it shares with the last version of
        ``filename`` this scanner saw keep their verdicts (:mod:`.blob_versions`); only the
        changed lines are searched. Returns (status as :meth:`precheck` gives it, hits).
        """
        eligible = self._version_text(filename, data) if self._versions_usable else None
        if eligible is None:
            status, prepared = self.precheck(filename, data)
            return status, [] if prepared is None else self.scan_gated(filename, prepared)
        data, text = eligible
        old = self._versions.get(filename)
        if old is None or len(data) < blob_versions.MIN_REUSE_BYTES:
            changed = Change(((0, len(data)),), ())  # (a small file: searched whole, faster than compared)
        else:
            changed = change(old, data)
        self.stats["bytes_reused"] += len(data) - changed.scanned_bytes
        line_hits = list(changed.kept)
        for start, end in changed.ranges:
            line_hits.extend(self._raw_line_hits(filename, data, text, start, end))
        if changed.kept and len(line_hits) > len(changed.kept):
            line_hits.sort(key=lambda hit: hit[0])  # offsets are distinct: kept lines are not scanned
        self._versions.put(filename, Version(data, tuple(line_hits)))
        if not line_hits:
            return "clean", []
        if text is None:
            text = data.decode("ascii")
        found: list[tuple[str, str, int]] = []
        line_index, position = 0, 0
        for offset, verdict in line_hits:
            line_index += data.count(b"\n", position, offset)
            position = offset
            found.extend((kind, secret, line_index + 1) for kind, secret in verdict)
        return "scan", _hits(found, text)

    def _version_text(self, filename: str, data: bytes) -> tuple[bytes, str | None] | None:
        """(bytes with newlines translated, text) when :meth:`scan_version` may reuse lines: a
        file of a type no transformer parses, whose text the triggers search as bytes; else None.
        The text is None for ASCII bytes: the few lines read are decoded on their own."""
        if not self._plugins or self.is_file_excluded(filename):
            return None
        if self._determine_file_type(filename) is self._yaml_type:
            return None
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        text: str | None = None
        if data.isascii():
            if not self._ascii_is_text:
                return None
        else:
            if not self._utf8:
                return None
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return None
            if any(char in text for char in CASE_FIX_CHARS):
                return None
        if self._may_transform(filename, text, data):
            return None
        return data, text

    def _raw_line_hits(
        self, filename: str, data: bytes, text: str | None, start: int, end: int
    ) -> list[tuple[int, Any]]:
        """(line start, verdict) of each line in ``data[start:end]`` (whole lines) with findings;
        ``text`` is ``data`` decoded, or None (ASCII ``data``: its lines are decoded alone)."""
        subject = data[start:end]
        strict = self._cased_bytes
        match = strict.search(subject)
        if match is None:
            return []
        file_key = self._file_key(filename)
        by_text = text is not None and len(data) == len(text)  # offsets in data are offsets in text
        found = []
        for line_start, line_end in _matched_lines(strict, subject, match.start(), b"\n", True):
            line_start, line_end = line_start + start, line_end + start
            previous_start = data.rfind(b"\n", 0, line_start - 1) + 1 if line_start else 0
            if data.find(b"pragma", previous_start, line_start) < 0:
                previous_start = line_start  # the line before matters only by a pragma (see _line_result)
            if by_text:
                assert text is not None
                line, previous = text[line_start:line_end], text[previous_start:line_start]
            else:
                line = data[line_start:line_end].decode("utf-8")
                previous = data[previous_start:line_start].decode("utf-8")
            verdict = self._line_result(file_key, filename, line, previous)
            if verdict:
                found.append((line_start, verdict))
        return found

    def reference_scan_file(self, path: str) -> list[DetectorHit]:
        """Plain ``SecretsCollection().scan_file(path)`` under this scanner's settings."""
        from detect_secrets.core.secrets_collection import SecretsCollection

        collection = SecretsCollection()
        collection.scan_file(path)
        hits = []
        for _, secret in collection:
            value = secret.secret_value or ""
            if secret.type in PARTIAL_VALUE_TYPES:
                with open(path, encoding="utf-8", errors="surrogateescape") as source:
                    lines = source.read().splitlines()
                number = secret.line_number
                value = whole_value(secret.type, value, lines[number - 1] if 0 < number <= len(lines) else "")
            hits.append(DetectorHit(secret.type, secret.line_number, secret.secret_hash, fingerprint_of(value)))
        return sorted(hits, key=lambda hit: (hit.line, hit.type, hit.secret_hash))

    # -- the pipeline ----------------------------------------------------------------
    def _scan(self, filename: str, prepared: Prepared) -> list[tuple[str, str, int]]:
        text = prepared.text
        # Pass 1: the non-eager transformers (INI for any file, YAML), else the raw lines.
        if self._pass_one_is_empty(filename, prepared):
            found = []
        else:
            lines = self._transform(filename, text, prepared.raw, eager=False)
            if lines:
                found = self._process_elements(lines, filename)
            elif prepared.strict_hit:
                found = self._process_raw(filename, prepared)
            else:
                found = []
        if found:
            return found
        # Pass 2, only when pass 1 found nothing: the eager transformers (INI with a header,
        # the only one, for files of no known type), unless its lines cannot hold a finding.
        if self._ini_gate is not None:  # the transformers are detect-secrets' own
            if not any(t.is_eager and self._should_parse(t, filename) for t in self._transformers):
                return []
            if not may_parse_as_ini_with_header(text, prepared.raw):
                return []  # configparser would fail
            if not self._ini_gate.may_find(prepared.text, prepared.subject):
                self.stats["ini_skipped"] += 1
                return []
        lines = self._transform(filename, text, prepared.raw, eager=True)
        if lines:
            return self._process_elements(lines, filename)
        return []

    def _pass_one_is_empty(self, filename: str, prepared: Prepared) -> bool:
        """True when pass 1 cannot find anything, proved without parsing the file.

        Pass 1 reads the INI transformer's lines if that parse succeeds, else the YAML
        transformer's (YAML files), else the raw lines. When the transformer a file may get
        (INI if it opens with a section, else YAML for YAML files) cannot yield a finding
        (:class:`.transform_gates.TransformGate`) and its raw lines hold none, the result is empty whether
        the parse succeeds or not.
        """
        if self._yaml_gate is None or self._ini_gate is None:
            return False
        text = prepared.text
        is_yaml = self._determine_file_type(filename) is self._yaml_type
        if may_parse_as_ini(text, prepared.raw):
            if is_yaml or self._ini_gate.may_find(prepared.text, prepared.subject):
                return False  # (a YAML file might fall through to its YAML parse: not worth it)
        elif not is_yaml or self._yaml_gate.may_find(prepared.text, prepared.subject):
            return False
        if prepared.strict_hit and self._process_raw(filename, prepared):
            return False
        self.stats["yaml_skipped" if is_yaml else "ini_skipped"] += 1
        return True

    def _transform(self, filename: str, text: str, raw: bytes | None, eager: bool) -> list[str] | None:
        """detect-secrets' ``get_transformed_file``, skipping INI parses that cannot succeed."""
        from detect_secrets.transformers.exceptions import ParsingError

        for transformer in self._transformers:
            if transformer.is_eager != eager or not self._should_parse(transformer, filename):
                continue
            if type(transformer).__name__ in _INI_TRANSFORMERS and type(transformer).__module__.startswith(
                "detect_secrets."
            ):
                possible = may_parse_as_ini_with_header(text, raw) if eager else may_parse_as_ini(text, raw)
                if not possible:
                    continue  # configparser would raise: the transformer gives ParsingError
            self.stats["transformed"] += 1
            if self._yaml_transformer is transformer:
                composed = transformed_lines(transformer, text, filename)
                if composed is not None:
                    self.stats["yaml_composed_by_libyaml"] += 1
                    return composed
            try:
                lines: list[str] = transformer.parse_file(_NamedText(text, filename))
                return lines
            except ParsingError:
                pass
        return None

    def _should_parse(self, transformer: Any, filename: str) -> bool:
        """``transformer.should_parse_file(filename)``, remembered per file name."""
        key = (id(transformer), filename)
        verdict = self._parse_verdicts.get(key)
        if verdict is None:
            if len(self._parse_verdicts) > 100_000:
                self._parse_verdicts.clear()
            verdict = self._parse_verdicts[key] = bool(transformer.should_parse_file(filename))
        return verdict

    def _is_candidate(self, line: str) -> list[int]:
        """Indices of the plugins that can report on this line (empty: none can)."""
        if not self._prefilter:
            return list(range(len(self._plugins)))
        lowered = lower(line)
        ascii_text = lowered.isascii()
        subject: str | bytes = lowered.encode() if ascii_text else lowered
        if (self._strict_bytes if ascii_text else self._strict_str).search(subject):
            return self._line_plugins(subject, ascii_text)
        return []

    def _process_elements(self, lines: list[str], filename: str) -> list[tuple[str, str, int]]:
        """Every element of a transformed file (or every raw line, without the pre-filter)."""
        if self._line_memo_ok:
            found: list[tuple[str, str, int]] = []
            file_key = self._file_key(filename)
            previous = ""
            for index, line in enumerate(lines):
                for kind, secret in self._line_result(file_key, filename, line, previous):
                    found.append((kind, secret, index + 1))
                previous = line
            return found
        candidates = []
        for index, line in enumerate(lines):
            plugins = self._is_candidate(line)
            if plugins:
                candidates.append((index, plugins))
        return self._process(lines, filename, candidates)

    def _process_raw(self, filename: str, prepared: Prepared) -> list[tuple[str, str, int]]:
        """The raw lines: only those a strict trigger matches, found by one search of the text."""
        text, raw, subject = prepared.text, prepared.raw, prepared.subject
        if not self._prefilter or self._always:
            # No pre-filter, or a plugin with no trigger: line by line.
            return self._process_elements(_split_lines(text), filename)
        as_bytes = isinstance(subject, bytes)
        newline: Any = b"\n" if as_bytes else "\n"
        strict = self._strict_bytes if as_bytes else self._strict_str
        memo = self._line_memo_ok
        file_key = self._file_key(filename)
        candidates: list[tuple[int, list[int]]] = []
        found: list[tuple[str, str, int]] = []
        line_index = 0
        position = 0
        by_text = raw is None or len(raw) == len(text)  # offsets in the subject are offsets in text
        # Lower-casing changed the length (a few non-ASCII letters, such as 'İ', lower-case to
        # two characters): the subject's lines are still the text's, by number.
        by_number = text.split("\n") if raw is None and len(subject) != len(text) else None
        pragmas = "pragma" in text  # else the line before never matters (see _line_result)
        previous = ""
        for line_start, line_end in _matched_lines(strict, subject, prepared.first, newline, as_bytes):
            if memo and by_number is not None:
                line_index += subject.count(newline, position, line_start)
                position = line_start
                line = by_number[line_index]
                previous = by_number[line_index - 1] + "\n" if line_index and pragmas else ""
                result = self._line_result(file_key, filename, line, previous)
                found.extend((kind, secret, line_index + 1) for kind, secret in result)
            elif memo:
                previous_start = subject.rfind(newline, 0, line_start - 1) + 1 if line_start and pragmas else line_start
                if by_text:
                    line, previous = text[line_start:line_end], text[previous_start:line_start]
                else:
                    assert raw is not None
                    line = raw[line_start:line_end].decode("utf-8")
                    previous = raw[previous_start:line_start].decode("utf-8")
                result = self._line_result(file_key, filename, line, previous)
                if result:  # lines are counted only up to a line with findings (most have none)
                    line_index += subject.count(newline, position, line_start)
                    position = line_start
                    found.extend((kind, secret, line_index + 1) for kind, secret in result)
            else:
                line_index += subject.count(newline, position, line_start)
                position = line_start
                plugins = self._line_plugins(subject[line_start:line_end], as_bytes)
                if plugins:
                    candidates.append((line_index, plugins))
        if memo:
            return found
        if candidates:
            return self._process(_split_lines(text), filename, candidates)
        return []

    def _file_key(self, filename: str) -> tuple[Any, bool]:
        """What of a file name a line's verdict depends on (under the memo's conditions):
        the file type (KeywordDetector's patterns) and a ``.yaml`` extension (the allowlist
        pragma's comment syntax)."""
        return (self._determine_file_type(filename), os.path.splitext(filename)[1] == ".yaml")

    def _line_result(
        self, file_key: tuple[Any, bool], filename: str, line: str, previous: str
    ) -> tuple[tuple[str, str], ...]:
        """(type, secret) for one line, memoised: detect-secrets' verdict on a line depends on
        the line, the file key and, through the ``nextline`` pragma only, the line before."""
        key = (file_key, line, previous if "pragma" in previous else "")
        result = self._line_memo.get(key)
        if result is None:
            plugins = self._is_candidate(line)
            result = ()
            if plugins:
                lines = [previous, line] if previous else [line]
                result = tuple((kind, secret) for kind, secret, _ in self._process(
                    lines, filename, [(len(lines) - 1, plugins)]
                ))
            if len(self._line_memo) >= self.MEMO_LIMIT:
                self._line_memo.clear()
            self._line_memo[key] = result
        return result

    def _process(
        self, lines: list[str], filename: str, candidates: list[tuple[int, list[int]]]
    ) -> list[tuple[str, str, int]]:
        """detect-secrets' ``_process_line_based_plugins``, on candidate lines only."""
        found: list[tuple[str, str, int]] = []
        filetype = None
        for index, plugin_indices in candidates:
            self.stats["candidate_lines"] += 1
            line_number = index + 1
            line = lines[index].rstrip()
            context = self._get_code_snippet(lines=lines, line_number=line_number)
            previous = lines[index - 1] if index > 0 else ""
            if self._line_filtered(filename, line, context, previous):
                continue
            for plugin_index in plugin_indices:
                plugin = self._plugins[plugin_index]
                if plugin.uses_filetype and filetype is None:
                    filetype = self._determine_file_type(filename)
                for secret in self._analyze(plugin_index, plugin, filename, line, line_number, context, filetype):
                    if filtered_out(
                        self._secret_stage,
                        {"filename": filename, "secret": secret, "plugin": plugin.plugin, "line": line},
                    ):
                        continue
                    if filtered_out(
                        self._context_stage,
                        {
                            "filename": filename,
                            "secret": secret,
                            "plugin": plugin.plugin,
                            "line": line,
                            "context": context,
                        },
                    ):
                        continue
                    found.append((plugin.plugin.secret_type, secret, line_number))
        return found

    def _line_filtered(self, filename: str, line: str, context: Any, previous: str) -> bool:
        """The line stage, with two shortcuts that cannot change a verdict:

        - detect-secrets' own ``is_line_allowlisted`` only matches a literal ``pragma`` in the
          line or the one before it, so without one it is not called;
        - its filters that take only the line (``is_indirect_reference``,
          ``should_exclude_line``) are pure, so their verdicts are memoised per line;
        - ``is_indirect_reference``'s pattern (a backtracking one, up to 0.1 ms a line) is
          not run on a line that lacks the characters any match needs
          (:func:`.filter_stages.may_be_indirect_reference`).
        """
        for function, names in self._line_stage:
            kind = self._line_filter_kinds.get(id(function))
            if kind == "allowlist" and "pragma" not in line and "pragma" not in previous:
                continue
            if kind == "indirect":
                if not may_be_indirect_reference(line):
                    continue  # its pattern cannot match: no verdict to memoise either
                kind = "pure"
            if kind == "pure":
                memo_key = (id(function), line)
                verdict = self._filter_memo.get(memo_key)
                if verdict is None:
                    verdict = bool(function(line=line))
                    if len(self._filter_memo) >= self.MEMO_LIMIT:
                        self._filter_memo.clear()
                    self._filter_memo[memo_key] = verdict
                if verdict:
                    return True
                continue
            values = {"filename": filename, "line": line, "context": context}
            try:
                if function(**{name: values[name] for name in names}):
                    return True
            except TypeError:
                pass
        return False

    def _analyze(
        self, index: int, plugin: Plugin, filename: str, line: str, line_number: int, context: Any, filetype: Any
    ) -> tuple[str, ...]:
        key = (index, filetype if plugin.uses_filetype else None, line)
        if plugin.builtin:
            cached = self._memo.get(key)
            if cached is not None:
                return cached
        if plugin.line_gate is not None and plugin.line_gate.search(lower(line)) is None:
            result: tuple[str, ...] = ()
        else:
            self.stats["plugin_calls"] += 1
            values = {"filename": filename, "line": line, "line_number": line_number, "context": context}
            secrets = plugin.plugin.analyze_line(**{name: values[name] for name in plugin.arguments})
            result = tuple(secret.secret_value for secret in (secrets or ()) if secret.secret_value is not None)
        if plugin.builtin:
            if len(self._memo) >= self.MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = result
        return result
