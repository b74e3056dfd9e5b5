"""detect-secrets behind one door: its settings, baselines, and exact findings for text in memory.

Only modules of :mod:`pytest_secrets.adapters` import detect-secrets, and only inside
functions: this one, :mod:`.baseline_writer`, and the fast path it uses (:mod:`.fast_scan`,
with :mod:`.filter_stages`).

Settings: detect-secrets keeps them in a process-global singleton that is empty by default
(so it finds nothing). :class:`~pytest_secrets.adapters.fast_scan.Scanner` is a context
manager around ``transient_settings``; :func:`scan_text` is the one-call form.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

VERIFICATION_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"
# detect-secrets reports only the literal prefix of some tokens as the secret: its GitHub and
# GitLab patterns capture "ghp" or "glpat". A fingerprint of that prefix would be the same for
# every such token, so accepting one would accept them all; these findings are fingerprinted by
# the whole token on their line instead (detect-secrets' own hash, for the baseline, is kept).
PARTIAL_VALUE_TYPES = ("GitHub Token", "GitLab Token")
# Part of every cache key: findings cached under another scheme carry other fingerprints.
FINGERPRINT_SCHEME = "whole-token-1"
# Raised when a fix changes what the fast scan (fast_scan.Scanner) reports for some file: the
# history, tracked-files and pre-commit caches then scan again what they had cached.
# 2: INI values continued on indented lines under a keyword key were not parsed.
SCAN_REVISION = 2
BASELINE_FILTER = "detect_secrets.filters.common.is_baseline_file"
INVALID_FILE_FILTER = "detect_secrets.filters.common.is_invalid_file"
DEFAULT_BASELINE_NAME = ".secrets.baseline"


def whole_value(kind: str, secret: str, line: str) -> str:
    """The whole token on ``line`` whose captured prefix detect-secrets reported as ``secret``
    (see :data:`PARTIAL_VALUE_TYPES`); ``secret`` itself when there is none."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    plugin: Any = get_mapping_from_secret_type_to_class().get(kind)
    for pattern in getattr(plugin(), "denylist", ()) if plugin is not None else ():
        for match in pattern.finditer(line):
            if secret in match.groups():
                return str(match.group(0))
    return secret


@dataclass(frozen=True)
class DetectorHit:
    """One detect-secrets finding: type, first line, detect-secrets' SHA-1, our fingerprint."""

    type: str
    line: int
    secret_hash: str
    fingerprint: str


@dataclass(frozen=True)
class DetectorConfig:
    """detect-secrets settings: ``source`` is canonical JSON (``plugins_used``/``filters_used``)
    or, for detect-secrets' defaults, ``default:`` and the baseline's file name. Defaults are
    worked out (importing detect-secrets) only when a scan needs them, not for a cache key."""

    source: str

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> DetectorConfig:
        return cls(json.dumps(dict(config), sort_keys=True))

    @property
    def settings_json(self) -> str:
        if self.source.startswith(_DEFAULTS):
            return _default_settings_json(self.source[len(_DEFAULTS) :])
        return self.source

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.settings_json)
        return result

    @property
    def key(self) -> str:
        """Identifies detect-secrets' version and this configuration (for caches)."""
        identity = f"{_installed_version()}\n{FINGERPRINT_SCHEME}\n{SCAN_REVISION}\n{self.source}"
        digest = hashlib.sha256(identity.encode()).hexdigest()
        return digest[:16]


_DEFAULTS = "default:"


@lru_cache(maxsize=1)
def _installed_version() -> str:
    """detect-secrets' version from its package metadata (importing it takes ~70 ms)."""
    from importlib import metadata

    try:
        return metadata.version("detect-secrets")
    except metadata.PackageNotFoundError:
        return detect_secrets_version()


def _version_tuple(version: str) -> tuple[int, ...] | None:
    return tuple(int(part) for part in version.split(".")) if re.fullmatch(r"\d+(\.\d+)*", version) else None


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


def default_config(baseline_filename: str | None = None) -> DetectorConfig:
    """All plugins and default filters, no network verification.

    With ``baseline_filename``, detect-secrets' ``is_baseline_file`` filter is added, as its
    CLI does, so the baseline's own hashes are not reported.
    """
    return DetectorConfig(_DEFAULTS + (os.path.basename(baseline_filename) if baseline_filename else ""))


@lru_cache(maxsize=4)
def _default_settings_json(baseline_name: str) -> str:
    from detect_secrets.settings import default_settings

    with default_settings() as settings:
        config = settings.json()
    if baseline_name:
        config["filters_used"].append({"path": BASELINE_FILTER, "filename": baseline_name})
    return json.dumps(dict(config), sort_keys=True)


def read_baseline(path: str) -> dict[str, Any]:
    """Load a baseline file as detect-secrets does (upgrading old formats).

    A baseline as new as the installed detect-secrets is read as plain JSON, as
    detect-secrets' ``load_from_file`` and ``upgrade`` would (they leave it unchanged),
    without importing it; anything else goes through detect-secrets.
    """
    try:
        with open(path) as file:
            data = json.loads(file.read())
        baseline_version = _version_tuple(data["version"])
        installed = _version_tuple(_installed_version())
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ImportError):
        baseline_version = installed = None  # detect-secrets, below, says what is wrong
    if (
        baseline_version is not None
        and installed is not None
        and baseline_version >= installed
        and isinstance(data.get("results", {}), dict)
    ):
        result: dict[str, Any] = data
        return result
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
    filters = baseline.get("filters_used")
    if filters is None:
        filters = default_config().as_dict()["filters_used"]
    filters = [dict(f) for f in filters if f.get("path") not in (VERIFICATION_FILTER, BASELINE_FILTER)]
    filters.append({"path": BASELINE_FILTER, "filename": os.path.basename(baseline_filename)})
    return DetectorConfig.from_dict({"plugins_used": list(baseline["plugins_used"]), "filters_used": filters})


def baseline_entries(baseline: Mapping[str, Any]) -> list[BaselineEntry]:
    """The baseline's entries as detect-secrets' hook loads them: an entry's own ``filename``
    field, when it has one, wins over the file it is listed under (``load_from_baseline``)."""
    entries = []
    for filename, items in baseline.get("results", {}).items():
        for item in items:
            entries.append(
                BaselineEntry(
                    filename=str(item.get("filename", filename)),
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
    from pytest_secrets.adapters.fast_scan import Scanner

    with Scanner(config or default_config()) as scanner:
        return scanner.scan_text(filename, text)


