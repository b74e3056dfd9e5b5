"""The SARIF 2.1.0 report, for GitHub code scanning and other dashboards.

One rule per check, and per check and detector for hardcoded secrets
(``git-history/aws-access-key``). Each result carries a stable partial fingerprint (the
value's fingerprint and the rule, or the place for findings without a value), so dashboards
track a finding across runs. Accepted findings and allowed leaks are kept, with a
suppression saying why. History results carry the introducing commit in their properties.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pytest_secrets.reports.records import ResultRecord

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/pytest-secrets/pytest-secrets"
BASE_ID = "PROJECTROOT"
FINGERPRINT_NAME = "pytestSecrets/v1"
LEVELS = {"open": "error", "warned": "warning", "accepted": "error", "allowed": "error"}
SUPPRESSIONS = {
    "accepted": ("external", "accepted after review: its fingerprint is in the project's allowlist"),
    "allowed": ("inSource", "the test is marked secrets_allow_leak"),
}


def render_sarif(
    results: Sequence[ResultRecord],
    descriptions: Mapping[str, str],
    tool_version: str,
    base: Path,
) -> str:
    """``descriptions`` maps each check name to its one-line rule; paths are relative to ``base``."""
    rule_ids = sorted({result.rule_id for result in results} | set(descriptions))
    index = {rule: position for position, rule in enumerate(rule_ids)}
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pytest-secrets",
                        "version": tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule, descriptions) for rule in rule_ids],
                    }
                },
                "originalUriBaseIds": {BASE_ID: {"uri": base.resolve().as_uri() + "/"}},
                "results": [_result(result, index[result.rule_id]) for result in results],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _rule(rule: str, descriptions: Mapping[str, str]) -> dict[str, Any]:
    check, _, detector = rule.partition("/")
    description = descriptions.get(check, check)
    text = f"{description} ({detector.replace('-', ' ')} detector)" if detector else description
    return {
        "id": rule,
        "name": "".join(part.capitalize() for part in rule.replace("/", "-").split("-")),
        "shortDescription": {"text": text},
        "help": {"text": f"Secrets guide rule: {description}."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "secrets"]},
    }


def _result(result: ResultRecord, rule_index: int) -> dict[str, Any]:
    message = result.message
    if result.commit:
        message += f" (commit {result.commit})"
    if result.fingerprint:
        message += f" [fp {result.fingerprint}]"
    entry: dict[str, Any] = {
        "ruleId": result.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS.get(result.status, "error"),
        "message": {"text": f"{message}. How to fix: {result.fix}"},
        "partialFingerprints": {FINGERPRINT_NAME: result.stable_id},
        "properties": {
            key: value
            for key, value in (
                ("check", result.check),
                ("status", result.status),
                ("key", result.key),
                ("fingerprint", result.fingerprint),
                ("commit", result.commit),
                ("detector", result.detector),
                ("test", result.test),
            )
            if value is not None
        },
    }
    if result.path:
        location: dict[str, Any] = {"artifactLocation": {"uri": quote(result.path), "uriBaseId": BASE_ID}}
        if result.line and result.line > 0:
            location["region"] = {"startLine": result.line}
        entry["locations"] = [{"physicalLocation": location}]
    if result.status in SUPPRESSIONS:
        kind, justification = SUPPRESSIONS[result.status]
        entry["suppressions"] = [{"kind": kind, "justification": justification}]
    return entry
