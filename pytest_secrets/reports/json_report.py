"""The JSON report: the run's checks and every finding, for scripts and dashboards."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_secrets.reports.records import ResultRecord

FORMAT_VERSION = 1


def render_json(
    results: Sequence[ResultRecord],
    checks: Mapping[str, Mapping[str, Any]],
    tool_version: str,
    base: str,
) -> str:
    """``checks`` maps each check to its outcome, counts and notes; ``base`` is what paths are relative to."""
    document = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "pytest-secrets", "version": tool_version},
        "paths_relative_to": base,
        "checks": checks,
        "counts": {status: sum(1 for r in results if r.status == status) for status in ("open", "warned", "accepted", "allowed")},
        "results": [{**result.to_json(), "id": result.stable_id} for result in results],
    }
    return json.dumps(document, indent=2) + "\n"
