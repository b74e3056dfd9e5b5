"""Writing a new ``.secrets.baseline`` with detect-secrets' own library calls.

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

from pytest_secrets.adapters.detect_secrets import default_config


def create_baseline(top: Path, files: Iterable[str], baseline_name: str) -> int:
    """Scan ``files`` (relative to ``top``) and save the baseline as ``top/baseline_name``.

    Returns how many findings it records; each needs ``detect-secrets audit``.
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
    (top / baseline_name).parent.mkdir(parents=True, exist_ok=True)
    baseline.save_to_file(output, str(top / baseline_name))
    return sum(len(items) for items in output["results"].values())
