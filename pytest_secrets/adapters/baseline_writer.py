"""Writing ``.secrets.baseline`` with detect-secrets' own library calls: a new one, or accepted entries.

Not with its command line: ``detect-secrets scan`` writes detect-secrets' verification filter
into the baseline, and every later scan that loads such a baseline (the pre-commit hook
included) sends candidate secrets to their providers to check them. Here the settings are
detect-secrets' defaults, which have no verification filter, plus its ``is_baseline_file``
filter so the baseline's own hashes are never reported. The baseline holds hashes, never values.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pytest_secrets.adapters.detect_secrets import PARTIAL_VALUE_TYPES, DetectorConfig, default_config, whole_value
from pytest_secrets.own_settings import KEYWORD_TYPE, is_config_file, setting_lines
from pytest_secrets.values import fingerprint_of


def create_baseline(top: Path, files: Iterable[str], baseline_name: str) -> tuple[int, int]:
    """Scan ``files`` (relative to ``top``) and save the baseline as ``top/baseline_name``.

    Returns (findings recorded, of which pytest-secrets' own settings). The keyword findings
    on lines that set pytest-secrets' options are recorded as audited false positives (see
    :mod:`pytest_secrets.own_settings`); every other finding needs ``detect-secrets audit``.
    """
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.core import baseline
    from detect_secrets.settings import transient_settings

    with transient_settings(default_config(baseline_name).as_dict()):
        collection = SecretsCollection(root=str(top))
        for name in files:
            if name != baseline_name and os.path.isfile(top / name) and not os.path.islink(top / name):
                collection.scan_file(name)
        output = baseline.format_for_output(collection)
    own = 0
    for filename, entries in output["results"].items():
        for entry in entries:
            entry["filename"] = filename  # relative, as the hook compares it (scan_file made it absolute)
        if not is_config_file(filename):
            continue
        lines = setting_lines(filename, (top / filename).read_text(encoding="utf-8", errors="replace"))
        for entry in entries:
            if entry.get("type") == KEYWORD_TYPE and entry.get("line_number") in lines:
                entry["is_secret"] = False
                own += 1
    (top / baseline_name).parent.mkdir(parents=True, exist_ok=True)
    baseline.save_to_file(output, str(top / baseline_name))
    return sum(len(items) for items in output["results"].values()), own


def accept_in_baseline(
    top: Path, baseline_path: Path, config: DetectorConfig, wanted: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Record tracked-file findings as audited false positives (``is_secret: false``) in the baseline.

    ``wanted`` holds (file relative to ``top``, fingerprint) pairs from a run's findings. Each
    file is scanned again with the baseline's own settings to find the detect-secrets entry whose
    value has that fingerprint; the entry is added to the baseline's JSON as it is, so the
    baseline's settings and every existing entry stay byte for byte (a reviewable diff), where
    ``detect-secrets scan --baseline`` would rewrite them. Returns the pairs it recorded.
    """
    import json

    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import transient_settings

    data = json.loads(baseline_path.read_text(encoding="utf-8"))
    results: dict[str, list[dict[str, Any]]] = data.setdefault("results", {})
    by_file: dict[str, set[str]] = {}
    for filename, fingerprint in wanted:
        by_file.setdefault(filename, set()).add(fingerprint)
    recorded: list[tuple[str, str]] = []
    with transient_settings(config.as_dict()):
        for filename, fingerprints in sorted(by_file.items()):
            collection = SecretsCollection(root=str(top))
            collection.scan_file(filename)
            entries = results.setdefault(filename, [])
            present = {(entry.get("type"), entry.get("hashed_secret")) for entry in entries}
            lines = (top / filename).read_text(encoding="utf-8", errors="surrogateescape").splitlines()
            for _, secret in collection:
                value = secret.secret_value or ""
                if secret.type in PARTIAL_VALUE_TYPES and 0 < secret.line_number <= len(lines):
                    value = whole_value(secret.type, value, lines[secret.line_number - 1])
                fingerprint = fingerprint_of(value)
                if fingerprint not in fingerprints or (secret.type, secret.secret_hash) in present:
                    continue
                present.add((secret.type, secret.secret_hash))
                entry = secret.json()
                entry["filename"] = filename  # relative, as the hook compares it (scan_file made it absolute)
                entry["is_secret"] = False
                entries.append(entry)
                recorded.append((filename, fingerprint))
            entries.sort(key=lambda entry: (int(str(entry.get("line_number", 0))), str(entry.get("type"))))
            if not entries:
                del results[filename]
    if recorded:
        data["results"] = dict(sorted(results.items()))
        baseline_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return recorded
