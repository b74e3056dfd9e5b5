"""The lines where a project configures pytest-secrets itself.

detect-secrets' keyword plugin reads ``secrets_baseline = "config/ds-baseline.json"`` in a
``pyproject.toml`` as a secret assigned to a variable named *secret...*. Those lines hold
option names and paths, never a secret, so the audit does not report them, and ``init``
records them in a new baseline as audited false positives (the pre-commit hook, which is
detect-secrets' own, would otherwise block every commit that changes them).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

from pytest_secrets.adapters.detect_secrets import DetectorHit

# The files pytest reads its settings from, in the order it looks for them in a folder.
CONFIG_FILE_ORDER = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
CONFIG_FILES = frozenset(CONFIG_FILE_ORDER)
KEYWORD_TYPE = "Secret Keyword"

Hit = TypeVar("Hit", bound=DetectorHit)


@lru_cache(maxsize=1)
def _assignment() -> re.Pattern[str]:
    from pytest_secrets.options import SPECS  # imports pytest: only for a config file with a keyword hit

    names = "|".join(sorted((re.escape(spec.ini_name) for spec in SPECS), key=len, reverse=True))
    return re.compile(rf"""^[ \t]*["']?(?:{names})["']?[ \t]*[=:]""")


def is_config_file(filename: str) -> bool:
    return posixpath.basename(filename.replace("\\", "/")) in CONFIG_FILES


def setting_lines(filename: str, text: str) -> frozenset[int]:
    """1-based numbers of the lines of ``text`` that set one of pytest-secrets' options."""
    if not is_config_file(filename):
        return frozenset()
    pattern = _assignment()
    return frozenset(number for number, line in enumerate(text.splitlines(), 1) if pattern.match(line))


def without_setting_hits(filename: str, content: str | bytes, hits: Sequence[Hit]) -> list[Hit]:
    """``hits`` minus the keyword findings on lines that set pytest-secrets' options."""
    if not any(hit.type == KEYWORD_TYPE for hit in hits) or not is_config_file(filename):
        return list(hits)
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    own = setting_lines(filename, text)
    return [hit for hit in hits if not (hit.type == KEYWORD_TYPE and hit.line in own)]
