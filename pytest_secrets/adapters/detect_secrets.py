"""detect-secrets behind one door: exact findings for text held in memory, fast.

This is the only module that imports detect-secrets, and it does so inside functions.

Why not just call ``SecretsCollection().scan_file``? It needs a file on disk, and it runs
every line of a file through all 27 plugins and every filter by argument injection (about
1,700 lines a second). Auditing git history means hundreds of thousands of blobs, so
:class:`Scanner` reproduces ``detect_secrets.core.scan.scan_file`` step by step on text in
memory, with two changes that do not change the findings:

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
   built-in plugins are memoised per (plugin, file type, line), since most candidate lines
   recur across versions of a file.

Everything else is detect-secrets' own code: the transformers, ``get_code_snippet``, every
configured filter (including custom ones), the plugins' ``analyze_line``. The one filter
skipped is ``is_invalid_file`` (it asks whether the name exists on disk; a blob exists).
``tests/unit/history/test_equivalence.py`` and ``benchmarks/history_bench.py --verify``
compare this path with plain ``scan_file`` over real files.

Settings: detect-secrets keeps them in a process-global singleton that is empty by default
(so it finds nothing). :class:`Scanner` is a context manager around ``transient_settings``.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import locale
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType
from typing import Any

from pytest_secrets.values import fingerprint_of

VERIFICATION_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"
BASELINE_FILTER = "detect_secrets.filters.common.is_baseline_file"
INVALID_FILE_FILTER = "detect_secrets.filters.common.is_invalid_file"
DEFAULT_BASELINE_NAME = ".secrets.baseline"

# Characters that Python's case-insensitive regexes equate with ASCII letters but that
# str.lower() leaves alone (sre's special cases); folded so lower-case triggers still match.
_CASE_FIXES = str.maketrans({"\u0131": "i", "\u017f": "s", "\u212a": "k", "\u0130": "i"})
_CASE_FIX_CHARS = ("\u0131", "\u017f", "\u212a", "\u0130")

# detect-secrets' build_assignment_regex: optional quote and bracket, then an assignment.
_ASSIGN = r"""["']?\]? *(?:=>|:=|::|=|:| +) *["']?"""
# Per built-in plugin: a trigger over lower-cased text. {D} is a Unicode decimal digit
# (Python's \d), {E} is filled in per plugin for the entropy plugins.
_TRIGGERS: dict[str, str] = {
    "ArtifactoryDetector": r"akc[a-z0-9]{10}|ap[{D}a-f][a-z0-9]{8}",
    "AWSKeyDetector": r"a3t[a-z0-9]|abia|acca|akia|asia|aws",
    "AzureStorageKeyDetector": r"accountkey=",
    "BasicAuthDetector": r"://[^:/?#\[\]@!$&'()*+,;=\s]+:[^:/?#\[\]@!$&'()*+,;=\s]+@",
    "CloudantDetector": (
        r"cl(?:oudant|ou)?[_-]?(?:api)?(?:key|pwd|pw|password|pass|token)" + _ASSIGN + r"(?:[0-9a-f]{64}|[a-z]{24})"
        r"|cloudant\.com"
    ),
    "DiscordBotTokenDetector": r"[mno][a-z{D}_-]{23,25}\.[a-z{D}_-]{6}\.[a-z{D}_-]{27}",
    "GitHubTokenDetector": r"gh[pousr]_",
    "GitLabTokenDetector": r"glpat-|gldt-|glft-|glsoat-|glrt-|gr1348941|glcbt-|glimt-|glptt-|glagent-|gloas-",
    "IbmCloudIamDetector": r"(?:key|pwd|password|pass|token)" + _ASSIGN + r"[a-z0-9_-]{44}",
    "IbmCosHmacDetector": r"secret[-_]?(?:access)?[-_]?key" + _ASSIGN + r"[a-f0-9]{48}",
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
    "SoftlayerDetector": r"(?:softlayer|sl)[_-]?(?:api)?[_-]?(?:key|pwd|pass|token)"
    + _ASSIGN
    + r"[a-z0-9]{64}|softlayer",
    "SquareOAuthDetector": r"sq0csp-",
    "StripeDetector": r"k_live_",
    "TelegramBotTokenDetector": r"{D}{8}:[0-9a-z_-]{35}",
    "TwilioKeyDetector": r"(?:ac|sk)[a-z0-9]{32}",
}
# For files a transformer rewrites (INI, YAML), a key and its value can sit on different raw
# lines (continuations, block scalars); these plugins' gate is then their value alone, which
# transformers copy verbatim from the raw text.
_LOOSE_TRIGGERS: dict[str, str] = {
    "CloudantDetector": r"[0-9a-f]{64}|[a-z]{24}|cloudant\.com",
    "IbmCloudIamDetector": r"[a-z0-9_-]{44}",
    "IbmCosHmacDetector": r"[a-f0-9]{48}",
    "IPPublicDetector": r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]",
    "SoftlayerDetector": r"[a-z0-9]{64}|softlayer",
}
_ENTROPY_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString")
# YAML parsing can build text that no raw line holds: escapes, joined lines (a key split by a
# folded scalar), !!binary re-encoding. Such blobs always go through the transformer.
_YAML_EXTRA = r"\\|binary|private"


@dataclass(frozen=True)
class DetectorHit:
    """One detect-secrets finding: type, first line, detect-secrets' SHA-1, our fingerprint."""

    type: str
    line: int
    secret_hash: str
    fingerprint: str


@dataclass(frozen=True)
class DetectorConfig:
    """detect-secrets settings as canonical JSON (``plugins_used``/``filters_used``)."""

    settings_json: str

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> DetectorConfig:
        return cls(json.dumps(dict(config), sort_keys=True))

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.settings_json)
        return result

    @property
    def key(self) -> str:
        """Identifies detect-secrets' version and this configuration (for caches)."""
        digest = hashlib.sha256(f"{detect_secrets_version()}\n{self.settings_json}".encode()).hexdigest()
        return digest[:16]


@dataclass(frozen=True)
class BaselineEntry:
    """An audited finding from a ``.secrets.baseline`` (no value: detect-secrets keeps a hash)."""

    filename: str
    type: str
    secret_hash: str
    line: int | None
    is_secret: bool | None


class BaselineError(Exception):
    """The baseline file cannot be read; the message says why (never a value)."""


def detect_secrets_version() -> str:
    from detect_secrets.__version__ import VERSION

    return str(VERSION)


@lru_cache(maxsize=4)
def default_config(baseline_filename: str | None = None) -> DetectorConfig:
    """All plugins and default filters, no network verification.

    With ``baseline_filename``, detect-secrets' ``is_baseline_file`` filter is added, as its
    CLI does, so the baseline's own hashes are not reported.
    """
    from detect_secrets.settings import default_settings

    with default_settings() as settings:
        config = settings.json()
    if baseline_filename:
        config["filters_used"].append({"path": BASELINE_FILTER, "filename": os.path.basename(baseline_filename)})
    return DetectorConfig.from_dict(config)


def read_baseline(path: str) -> dict[str, Any]:
    """Load a baseline file as detect-secrets does (upgrading old formats)."""
    from detect_secrets.core import baseline as ds_baseline

    try:
        data = ds_baseline.load_from_file(path)
        upgraded: dict[str, Any] = ds_baseline.upgrade(data)
    except Exception as error:  # detect-secrets raises several kinds; report one clear message
        raise BaselineError(f"cannot read the detect-secrets baseline {path}: {type(error).__name__}") from None
    if not isinstance(upgraded.get("results", {}), dict):
        raise BaselineError(f"the detect-secrets baseline {path} has no 'results' mapping")
    return upgraded


def config_from_baseline(baseline: Mapping[str, Any], baseline_filename: str = DEFAULT_BASELINE_NAME) -> DetectorConfig:
    """The baseline's plugins and filters, minus network verification, plus ``is_baseline_file``."""
    if "plugins_used" not in baseline:
        return default_config(baseline_filename)
    default = default_config().as_dict()
    filters = baseline.get("filters_used", default["filters_used"])
    filters = [dict(f) for f in filters if f.get("path") not in (VERIFICATION_FILTER, BASELINE_FILTER)]
    filters.append({"path": BASELINE_FILTER, "filename": os.path.basename(baseline_filename)})
    return DetectorConfig.from_dict({"plugins_used": list(baseline["plugins_used"]), "filters_used": filters})


def baseline_entries(baseline: Mapping[str, Any]) -> list[BaselineEntry]:
    entries = []
    for filename, items in baseline.get("results", {}).items():
        for item in items:
            entries.append(
                BaselineEntry(
                    filename=str(filename),
                    type=str(item.get("type", "")),
                    secret_hash=str(item.get("hashed_secret", "")),
                    line=item.get("line_number"),
                    is_secret=item.get("is_secret"),
                )
            )
    return entries


def scan_text(filename: str, text: str, config: DetectorConfig | None = None) -> list[DetectorHit]:
    """The findings ``SecretsCollection().scan_file`` reports for ``text`` saved as ``filename``.

    Default settings unless ``config`` is given (see :func:`config_from_baseline`).
    """
    with Scanner(config or default_config()) as scanner:
        return scanner.scan_text(filename, text)


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


def _lower(text: str) -> str:
    lowered = text.lower()
    if lowered.isascii() or not any(char in lowered for char in _CASE_FIX_CHARS):
        return lowered
    return lowered.translate(_CASE_FIXES)


_INI_TRANSFORMERS = ("ConfigFileTransformer", "EagerConfigFileTransformer")
_SECTION = re.compile(r"\[.+\]")
# A line configparser rejects after a header: not indented, not blank, not a comment, not
# starting a section, and without an '=' or ':' delimiter.
_NOT_INI_LINE = re.compile(r"^[^\s#;\[=:][^=:\n]*$", re.MULTILINE)


def _may_parse_as_ini(text: str) -> bool:
    """False only when configparser must fail: the first significant line is no [section]."""
    position = 0
    while position <= len(text):
        end = text.find("\n", position)
        if end < 0:
            end = len(text)
        stripped = text[position:end].strip()
        if stripped and not stripped.startswith(("#", ";")):
            return _SECTION.match(stripped) is not None
        position = end + 1
    return True


def _may_parse_as_ini_with_header(text: str) -> bool:
    """False only when configparser must fail on ``[global]\\n`` + text (a line with no delimiter)."""
    return _NOT_INI_LINE.search(text) is None


class _NamedText(io.StringIO):
    """What detect-secrets' transformers read: a text file with a ``name``."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name


_FilterStage = list[tuple[Callable[..., Any], tuple[str, ...]]]


def _stage(filters: Iterable[Any], required: set[str], available: set[str]) -> _FilterStage:
    """Filters detect-secrets would call in one stage, each with the arguments it takes."""
    stage: _FilterStage = []
    for function in filters:
        variables = set(getattr(function, "injectable_variables", ()))
        if getattr(function, "path", "") == INVALID_FILE_FILTER or not required <= variables:
            continue
        names = tuple(sorted(variables & available))
        try:
            parameters = inspect.signature(function).parameters.values()
            needed = {
                p.name
                for p in parameters
                if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            }
        except (TypeError, ValueError):
            needed = set()
        if needed - set(names):
            continue  # detect-secrets calls it, gets a TypeError and skips it: same result
        stage.append((function, names))
    return stage


def _filtered(stage: _FilterStage, values: dict[str, Any]) -> bool:
    for function, names in stage:
        try:
            if function(**{name: values[name] for name in names}):
                return True
        except TypeError:
            pass  # as detect-secrets' _is_filtered_out does
    return False


class _Plugin:
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
        if self.builtin and self.name in _TRIGGERS:
            self.strict = _TRIGGERS[self.name]
            self.loose = _LOOSE_TRIGGERS.get(self.name, self.strict)
        elif self.builtin and self.name in _ENTROPY_PLUGINS:
            limit = float(plugin.entropy_limit)
            length = max(1, math.floor(2**limit) + 1)
            charset = "[0-9a-f]" if self.name == "HexHighEntropyString" else r"[a-z0-9+/\\_=-]"
            self.strict = f"['\"]{charset}{{{length}}}"
            self.loose = f"{charset}{{{max(1, length - 1)}}}"
        if self.strict is None:
            self.builtin = False  # unknown to the table: no trigger, no memo


def _forget_plugin_classes() -> None:
    """detect-secrets memoises its plugin classes (custom ones included) once per process;
    forget them when the settings change, as its CLI never needs to."""
    from detect_secrets.core.plugins import util

    cache_clear = getattr(util.get_mapping_from_secret_type_to_class, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


def _compile(pattern: str) -> tuple[Any, Any]:
    import re2

    options = re2.Options()
    options.max_mem = 64 << 20
    expanded = pattern.replace("{D}", r"\p{Nd}")
    return re2.compile(expanded, options), re2.compile(expanded.encode(), options)


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
        self.stats = {"gated_out": 0, "transformed": 0, "candidate_lines": 0, "plugin_calls": 0}

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
        if context is not None:
            context.__exit__(kind, error, traceback)
            _forget_plugin_classes()

    def _prepare(self, plugins: list[Any], filters: list[Any]) -> None:
        from detect_secrets.transformers import get_transformers
        from detect_secrets.util.code_snippet import get_code_snippet
        from detect_secrets.util.filetype import FileType, determine_file_type

        self._get_code_snippet = get_code_snippet
        self._determine_file_type = determine_file_type
        self._yaml_type = FileType.YAML
        self._transformers: list[Any] = list(get_transformers())
        self._plugins = [_Plugin(plugin) for plugin in plugins]
        self._filename_stage = _stage(filters, {"filename"}, {"filename"})
        self._line_stage = _stage(filters, {"line"}, {"filename", "line", "context"})
        self._line_filter_kinds: dict[int, str] = {}
        self._filter_memo.clear()
        for function, names in self._line_stage:
            path = getattr(function, "path", "")
            if path == "detect_secrets.filters.allowlist.is_line_allowlisted":
                self._line_filter_kinds[id(function)] = "allowlist"
            elif path.startswith("detect_secrets.filters.") and names == ("line",):
                self._line_filter_kinds[id(function)] = "pure"
        self._secret_stage = _stage(filters, {"secret"}, {"filename", "secret", "plugin", "line"})
        self._context_stage = _stage(filters, {"context"}, {"filename", "secret", "plugin", "line", "context"})
        self._always = [index for index, p in enumerate(self._plugins) if p.strict is None]
        self._file_verdicts: dict[str, bool] = {}
        tabled = [index for index, p in enumerate(self._plugins) if p.strict is not None]
        self._prefilter = self.use_prefilter and bool(tabled)
        if not self._prefilter:
            return
        import re2

        # With a plugin we have no trigger for, every line is a candidate (for it alone).
        match_all = "|^" if self._always else ""
        strict = "|".join(f"(?:{self._plugins[i].strict})" for i in tabled) + match_all
        loose = "|".join(f"(?:{self._plugins[i].loose})" for i in tabled) + match_all
        self._strict_str, self._strict_bytes = _compile(strict)
        self._loose_str, self._loose_bytes = _compile(loose)
        self._yaml_str, self._yaml_bytes = _compile(f"{loose}|{_YAML_EXTRA}")
        self._set_plugins = tabled
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
            verdict = _filtered(self._filename_stage, {"filename": filename})
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
        text = _translate_newlines(text)
        strict_hit = self.gate(filename, text)
        if strict_hit is None:
            return []
        return self.scan_gated(filename, text, strict_hit)

    def scan_bytes(self, filename: str, data: bytes) -> list[DetectorHit] | None:
        """Like :meth:`scan_text`; None when the content is not text (detect-secrets skips it)."""
        if not self._plugins or self.is_file_excluded(filename):
            return []
        text = self.decode(data)
        if text is None:
            return None
        return self.scan_text(filename, text)

    def precheck(self, filename: str, data: bytes) -> tuple[str, str | None, bool]:
        """The cheap first steps, for a process that hands the rest to a worker.

        Returns (status, text, strict_hit): status ``excluded`` (a file-name filter),
        ``binary`` (not decodable text: detect-secrets skips it), ``clean`` (the pre-filter
        proves there is nothing to find) or ``scan`` (call :meth:`scan_gated` with the text).
        """
        if not self._plugins or self.is_file_excluded(filename):
            return "excluded", None, False
        text = self.decode(data)
        if text is None:
            return "binary", None, False
        text = _translate_newlines(text)
        strict_hit = self.gate(filename, text)
        if strict_hit is None:
            return "clean", None, False
        return "scan", text, strict_hit

    def gate(self, filename: str, text: str) -> bool | None:
        """None if no finding is possible in ``text``; else whether raw lines can hold one.

        Raw lines can only yield what a strict trigger matches. Lines rewritten by a
        transformer (INI, YAML) get quotes added, so for a file a transformer may parse, the
        looser unquoted triggers decide.
        """
        if not self._prefilter:
            return True
        lowered = _lower(text)
        ascii_text = lowered.isascii()
        subject: str | bytes = lowered.encode() if ascii_text else lowered
        if (self._strict_bytes if ascii_text else self._strict_str).search(subject):
            return True
        if self._determine_file_type(filename) is self._yaml_type:
            gate = self._yaml_bytes if ascii_text else self._yaml_str
        elif self._may_transform(filename, text):
            gate = self._loose_bytes if ascii_text else self._loose_str
        else:
            gate = None
        if gate is not None and gate.search(subject):
            return False
        self.stats["gated_out"] += 1
        return None

    def _may_transform(self, filename: str, text: str) -> bool:
        """Whether a transformer other than YAML could rewrite this file's lines."""
        for transformer in self._transformers:
            if not transformer.should_parse_file(filename):
                continue
            name = type(transformer).__name__
            builtin = type(transformer).__module__.startswith("detect_secrets.")
            if builtin and name == "YAMLTransformer":
                continue  # YAML files are handled by the caller
            if builtin and name == "ConfigFileTransformer" and not _may_parse_as_ini(text):
                continue
            if builtin and name == "EagerConfigFileTransformer" and not _may_parse_as_ini_with_header(text):
                continue
            return True
        return False

    def scan_gated(self, filename: str, text: str, strict_hit: bool) -> list[DetectorHit]:
        """The rest of the pipeline for text that passed :meth:`gate` (newlines translated)."""
        hits: dict[tuple[str, str], DetectorHit] = {}
        for kind, secret, line in self._scan(filename, text, strict_hit):
            secret_hash = hashlib.sha1(secret.encode("utf-8")).hexdigest()
            if (kind, secret_hash) not in hits:
                hits[(kind, secret_hash)] = DetectorHit(kind, line, secret_hash, fingerprint_of(secret))
        return list(hits.values())

    def reference_scan_file(self, path: str) -> list[DetectorHit]:
        """Plain ``SecretsCollection().scan_file(path)`` under this scanner's settings."""
        from detect_secrets.core.secrets_collection import SecretsCollection

        collection = SecretsCollection()
        collection.scan_file(path)
        hits = []
        for _, secret in collection:
            value = secret.secret_value or ""
            hits.append(DetectorHit(secret.type, secret.line_number, secret.secret_hash, fingerprint_of(value)))
        return sorted(hits, key=lambda hit: (hit.line, hit.type, hit.secret_hash))

    # -- the pipeline ----------------------------------------------------------------
    def _scan(self, filename: str, text: str, strict_hit: bool) -> list[tuple[str, str, int]]:
        # Pass 1: the non-eager transformers (INI for any file, YAML), else the raw lines.
        lines = self._transform(filename, text, eager=False)
        if lines:
            found = self._process(lines, filename, self._element_candidates(lines))
        elif strict_hit:
            found = self._process_raw(filename, text)
        else:
            found = []
        if found:
            return found
        # Pass 2, only when pass 1 found nothing: the eager transformers.
        lines = self._transform(filename, text, eager=True)
        if lines:
            return self._process(lines, filename, self._element_candidates(lines))
        return []

    def _transform(self, filename: str, text: str, eager: bool) -> list[str] | None:
        """detect-secrets' ``get_transformed_file``, skipping INI parses that cannot succeed."""
        from detect_secrets.transformers.exceptions import ParsingError

        for transformer in self._transformers:
            if transformer.is_eager != eager or not transformer.should_parse_file(filename):
                continue
            if type(transformer).__name__ in _INI_TRANSFORMERS and type(transformer).__module__.startswith(
                "detect_secrets."
            ):
                possible = _may_parse_as_ini_with_header(text) if eager else _may_parse_as_ini(text)
                if not possible:
                    continue  # configparser would raise: the transformer gives ParsingError
            self.stats["transformed"] += 1
            try:
                lines: list[str] = transformer.parse_file(_NamedText(text, filename))
                return lines
            except ParsingError:
                pass
        return None

    def _element_candidates(self, lines: list[str]) -> list[tuple[int, list[int]]]:
        """(line index, plugin indices) for each element on which some plugin can report."""
        if not self._prefilter:
            everything = list(range(len(self._plugins)))
            return [(index, everything) for index in range(len(lines))]
        result = []
        for index, line in enumerate(lines):
            lowered = _lower(line)
            ascii_text = lowered.isascii()
            subject: str | bytes = lowered.encode() if ascii_text else lowered
            if (self._strict_bytes if ascii_text else self._strict_str).search(subject):
                plugins = self._line_plugins(subject, ascii_text)
                if plugins:
                    result.append((index, plugins))
        return result

    def _raw_candidates(self, text: str) -> list[tuple[int, list[int]]] | None:
        """Candidates for the raw lines of ``text``, from one search over the whole text.

        None when lower-casing changes the text's length (rare non-ASCII letters); the
        caller then goes element by element.
        """
        lowered = _lower(text)
        if len(lowered) != len(text):
            return None
        ascii_text = lowered.isascii()
        subject: Any = lowered.encode() if ascii_text else lowered
        newline: Any = b"\n" if ascii_text else "\n"
        strict = self._strict_bytes if ascii_text else self._strict_str
        result = []
        line_index = 0
        position = 0
        line_end = -1
        for match in strict.finditer(subject):
            start = match.start()
            if start <= line_end:
                continue  # this line is already a candidate
            line_index += subject.count(newline, position, start)
            position = start
            line_start = subject.rfind(newline, 0, start) + 1
            line_end = subject.find(newline, start)
            if line_end < 0:
                line_end = len(subject)
            plugins = self._line_plugins(subject[line_start:line_end], ascii_text)
            if plugins:
                result.append((line_index, plugins))
        return result

    def _process_raw(self, filename: str, text: str) -> list[tuple[str, str, int]]:
        lines = _split_lines(text)
        if not self._prefilter or self._always:
            return self._process(lines, filename, self._element_candidates(lines))
        candidates = self._raw_candidates(text)
        if candidates is None:
            candidates = self._element_candidates(lines)
        return self._process(lines, filename, candidates) if candidates else []

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
                    if _filtered(
                        self._secret_stage,
                        {"filename": filename, "secret": secret, "plugin": plugin.plugin, "line": line},
                    ):
                        continue
                    if _filtered(
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
          ``should_exclude_line``) are pure, so their verdicts are memoised per line.
        """
        for function, names in self._line_stage:
            kind = self._line_filter_kinds.get(id(function))
            if kind == "allowlist" and "pragma" not in line and "pragma" not in previous:
                continue
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
        self, index: int, plugin: _Plugin, filename: str, line: str, line_number: int, context: Any, filetype: Any
    ) -> tuple[str, ...]:
        key = (index, filetype if plugin.uses_filetype else None, line)
        if plugin.builtin:
            cached = self._memo.get(key)
            if cached is not None:
                return cached
        self.stats["plugin_calls"] += 1
        values = {"filename": filename, "line": line, "line_number": line_number, "context": context}
        secrets = plugin.plugin.analyze_line(**{name: values[name] for name in plugin.arguments})
        result = tuple(secret.secret_value for secret in (secrets or ()) if secret.secret_value is not None)
        if plugin.builtin:
            if len(self._memo) >= self.MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = result
        return result
