"""GitHub Actions workflow annotations (``::error file=...,line=...::message``) for located findings.

Escaping follows the workflow-command rules: ``%``, CR and LF in the message; also ``:`` and
``,`` in property values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pytest_secrets.reports.records import ResultRecord

COMMANDS = {"open": "error", "warned": "warning"}


def running_in_github_actions(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_lines(results: Iterable[ResultRecord]) -> list[str]:
    """One line per open or warned finding that has a file and a line; accepted and allowed ones are quiet."""
    lines = []
    for result in results:
        command = COMMANDS.get(result.status)
        if command is None or not result.path or not result.line:
            continue
        title = f"secrets-audit {result.rule_id}"
        message = result.message + (f" (commit {result.commit})" if result.commit else "")
        message += f" [fp {result.fingerprint}]" if result.fingerprint else ""
        properties = f"file={_escape_property(result.path)},line={result.line},title={_escape_property(title)}"
        lines.append(f"::{command} {properties}::{_escape_data(message + '. ' + result.fix)}")
    return lines
