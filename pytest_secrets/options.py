"""The audit's options: their names in each source, their help, and how their text is parsed.

This is all the entry point imports while the audit is off, so it holds no dataclasses and
imports nothing beyond the standard library and pytest. Resolving the values into the frozen
:class:`~pytest_secrets.settings.AuditSettings` happens in ``settings.py``, once, when the
audit is on. Each setting can come from the command line, then an environment variable
(``PYTEST_SECRETS_<NAME>``), then the ini file, then its default.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

import pytest

ENV_PREFIX = "PYTEST_SECRETS_"

AUDIT_DESC = "Run the secrets audit: one test item per check of the project's secrets guide."
ROOT_DESC = "Project folder to audit, relative to the rootdir. Default: the rootdir."
EXAMPLE_FILE_DESC = "The committed template that declares the project's keys. Default: .env.example."
ENV_FILES_DESC = (
    "Env files holding real values, as globs relative to the project folder "
    "(comma-separated on the command line). Default: .env and .env.* (templates excluded)."
)
USE_ENVIRONMENT_DESC = (
    "Also take values of declared keys from the process environment (true/false). Default: true."
)
SECRET_KEYS_DESC = "Extra key-name globs to treat as secrets, one per line (e.g. *_DSN)."
PUBLIC_KEYS_DESC = "Key-name globs never treated as secrets, one per line (e.g. *_BASE_URL)."
STRENGTH_RULES_DESC = (
    "Per-key strength rules, one 'KEY_GLOB = rule' per line; rules: signing (32+ chars, real "
    "entropy), fernet (a valid Fernet key), nonempty (any non-placeholder value), none. "
    "They come before the built-in rules."
)
CODE_PATHS_DESC = (
    "Folders or files, relative to the project folder, whose Python code is read for "
    "environment lookups, one per line. Default: the whole project (virtualenvs and hidden folders excluded)."
)
IGNORE_CODE_KEYS_DESC = (
    "Key-name globs read by the code that need not be documented in the example file, one per line "
    "(e.g. CI, GITHUB_ACTIONS)."
)
BASELINE_DESC = "detect-secrets baseline holding audited findings. Default: .secrets.baseline."
ALLOWLIST_DESC = "Finding fingerprints accepted after review, one per line, each with an optional '# why'."
GITIGNORE_PATTERNS_DESC = (
    "Ignore patterns git must apply to the project, one per line, checked with git's own rules. "
    "Default: the guide's .env, .env.local, .env.*.local, *.pem, *.key, credentials.json, secrets.json."
)
DEPLOY_EXCLUDE_DESC = (
    "Path globs, relative to the project folder, of compose files, Dockerfiles and CI workflows the "
    "deploy-files check skips, one per line (e.g. examples/*)."
)
ALLOWLIST_FILE_DESC = (
    "The committed file of accepted finding fingerprints (one per line, each with a '# check, where, "
    "when' comment), read alongside secrets_allowlist; --secrets-accept appends to it. Default: .secrets-allowlist."
)
REPORT_DESC = (
    "Write every finding of the run (audit checks and leak guard) to this file: SARIF 2.1.0 when the "
    "name ends in .sarif, JSON otherwise; a relative path is taken from the current folder. Never holds a value."
)
ACCEPT_DESC = (
    "Accept the findings of this run after review: append their fingerprints to the allowlist file, "
    "so the next run passes and the acceptance is a reviewable diff. Not for CI."
)
ROTATION_FILE_DESC = (
    "The committed rotation schedule (key names, intervals, last-rotated dates; no values). "
    "Default: .secrets-rotation.toml."
)

STRENGTH_RULE_NAMES = ("signing", "fernet", "nonempty", "none")


class StrengthRule(NamedTuple):
    """A key-name glob and the rule that values of matching keys must satisfy."""

    pattern: str
    rule: str

    def matches(self, key: str) -> bool:
        return fnmatch.fnmatchcase(key.upper(), self.pattern.upper())


# --- parsing helpers: each raises ValueError with a sentence a user can act on ---------


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def parse_relative_path(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise ValueError("expected a path, got an empty value")
    return stripped


def parse_list(value: str | list[str]) -> tuple[str, ...]:
    """Accept a list (toml), a multi-line string (ini) or a comma-separated string (CLI, env)."""
    items = value if isinstance(value, list) else value.replace(",", "\n").splitlines()
    return tuple(item.strip() for item in items if item.strip())


def parse_globs(value: str | list[str]) -> tuple[str, ...]:
    globs = parse_list(value)
    if not globs:
        raise ValueError("expected at least one file glob, got an empty value")
    return globs


def parse_strength_rules(value: str | list[str]) -> tuple[StrengthRule, ...]:
    rules = []
    for entry in parse_list(value):
        pattern, sep, rule = entry.partition("=")
        rule = rule.strip().lower()
        if not sep or not pattern.strip():
            raise ValueError(f"expected 'KEY_GLOB = rule', got {entry!r}")
        if rule not in STRENGTH_RULE_NAMES:
            raise ValueError(f"unknown rule {rule!r} in {entry!r}; rules: {', '.join(STRENGTH_RULE_NAMES)}")
        rules.append(StrengthRule(pattern.strip(), rule))
    return tuple(rules)


def parse_allowlist(value: str | list[str]) -> tuple[str, ...]:
    entries = []
    for line in (value if isinstance(value, list) else value.splitlines()):
        fingerprint = line.split("#", 1)[0].strip().lower()
        if not fingerprint:
            continue
        if not all(char in "0123456789abcdef" for char in fingerprint) or len(fingerprint) < 6:
            raise ValueError(f"expected a hex fingerprint (6+ digits) per line, got {fingerprint!r}")
        entries.append(fingerprint)
    return tuple(entries)


ACCEPT_SHALLOW_DESC = (
    "Accept a shallow clone for the git-history check (true/false): audit the commits present "
    "and say how much history was not audited, instead of failing. Default: false."
)
HISTORY_PROCESSES_DESC = (
    "Processes the git-history check may use for a large first scan; 0 picks one per idle core "
    "(up to 4, by the load average) when there is enough to scan, 1 scans in the pytest process. Default: 0."
)


def parse_processes(text: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise ValueError(f"expected a whole number of processes (0 = automatic), got {text!r}") from None
    if value < 0 or value > 64:
        raise ValueError(f"expected 0 to 64 processes, got {value}")
    return value


LEAK_GUARD_DESC = (
    "Watch the known secret values while the tests run and fail a test that leaks one into its "
    "logs, output, warnings, failure or report (true/false). Default: true when the audit is on."
)
LEAK_ACTION_DESC = "What a leak does to its test: fail (the default) or warn (reported, the test keeps its outcome)."
CANARY_DESC = (
    "Plant a unique, well-formed canary value in the environment for each declared secret key "
    "that has no value (CI), so the leak guard still proves no code path logs it. Default: false."
)
LEAK_ACTIONS = ("fail", "warn")


def parse_leak_action(text: str) -> str:
    action = str(text).strip().lower()
    if action not in LEAK_ACTIONS:
        raise ValueError(f"expected one of {', '.join(LEAK_ACTIONS)}, got {text!r}")
    return action


class SettingSpec:
    """How one setting is named in each source and how its text is parsed."""

    __slots__ = ("name", "description", "parse", "ini_type", "cli_flag", "cli_action")

    def __init__(
        self,
        name: str,
        description: str,
        parse: Callable[[Any], Any],
        ini_type: Literal["string", "linelist"] = "string",
        cli_flag: str | None = None,
        cli_action: str | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.parse = parse
        self.ini_type: Literal["string", "linelist"] = ini_type
        self.cli_flag = cli_flag
        self.cli_action = cli_action

    @property
    def ini_name(self) -> str:
        return f"secrets_{self.name}"

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def dest(self) -> str:
        return f"secrets_{self.name}"


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("audit", AUDIT_DESC, parse_bool, cli_flag="--secrets-audit", cli_action="store_true"),
    SettingSpec("root", ROOT_DESC, parse_relative_path, cli_flag="--secrets-root"),
    SettingSpec("example_file", EXAMPLE_FILE_DESC, parse_relative_path, cli_flag="--secrets-example-file"),
    SettingSpec("env_files", ENV_FILES_DESC, parse_globs, "linelist", cli_flag="--secrets-env-files"),
    SettingSpec("use_environment", USE_ENVIRONMENT_DESC, parse_bool),
    SettingSpec("secret_keys", SECRET_KEYS_DESC, parse_list, "linelist"),
    SettingSpec("public_keys", PUBLIC_KEYS_DESC, parse_list, "linelist"),
    SettingSpec("strength_rules", STRENGTH_RULES_DESC, parse_strength_rules, "linelist"),
    SettingSpec("code_paths", CODE_PATHS_DESC, parse_list, "linelist"),
    SettingSpec("ignore_code_keys", IGNORE_CODE_KEYS_DESC, parse_list, "linelist"),
    SettingSpec("baseline", BASELINE_DESC, parse_relative_path),
    SettingSpec("allowlist", ALLOWLIST_DESC, parse_allowlist, "linelist"),
    SettingSpec("allowlist_file", ALLOWLIST_FILE_DESC, parse_relative_path),
    SettingSpec("gitignore_patterns", GITIGNORE_PATTERNS_DESC, parse_list, "linelist"),
    SettingSpec("rotation_file", ROTATION_FILE_DESC, parse_relative_path),
    SettingSpec("deploy_exclude", DEPLOY_EXCLUDE_DESC, parse_list, "linelist"),
    SettingSpec("accept_shallow", ACCEPT_SHALLOW_DESC, parse_bool),
    SettingSpec("history_processes", HISTORY_PROCESSES_DESC, parse_processes),
    SettingSpec("leak_guard", LEAK_GUARD_DESC, parse_bool),
    SettingSpec("leak_action", LEAK_ACTION_DESC, parse_leak_action, cli_flag="--secrets-leak-action"),
    SettingSpec("canary", CANARY_DESC, parse_bool, cli_flag="--secrets-canary", cli_action="store_true"),
    SettingSpec("report", REPORT_DESC, parse_relative_path, cli_flag="--secrets-report"),
    SettingSpec("accept", ACCEPT_DESC, parse_bool, cli_flag="--secrets-accept", cli_action="store_true"),
)

# Settings whose field name differs from the spec name.
FIELD_NAMES = {"audit": "enabled", "baseline": "baseline_file"}


def _cli_type(spec: SettingSpec) -> Callable[[str], str]:
    """Validate a CLI value at parse time, so argparse reports a usage error naming the flag."""

    def check(text: str) -> str:
        try:
            spec.parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        return text

    return check


def add_options(parser: pytest.Parser) -> None:
    """Declare the ``secrets`` option group and the ini keys."""
    group = parser.getgroup("secrets", "secrets audit (pytest-secrets)")
    for spec in SPECS:
        if spec.cli_flag and spec.cli_action:
            group.addoption(spec.cli_flag, action=spec.cli_action, default=None, dest=spec.dest, help=spec.description)
        elif spec.cli_flag:
            group.addoption(spec.cli_flag, default=None, dest=spec.dest, type=_cli_type(spec), help=spec.description)
        parser.addini(spec.ini_name, spec.description, type=spec.ini_type, default=None)


def raw_value(config: pytest.Config, spec: SettingSpec, environ: Mapping[str, str]) -> tuple[Any, str] | None:
    if spec.cli_flag:
        cli_value = config.getoption(spec.dest, default=None)
        if cli_value is not None:
            return cli_value, spec.cli_flag
    if spec.env_name in environ:
        return environ[spec.env_name], f"environment variable {spec.env_name}"
    ini_value = config.getini(spec.ini_name)
    if ini_value not in (None, "", []):
        ini_file = config.inipath.name if config.inipath else "ini file"
        return ini_value, f"{ini_file} ({spec.ini_name})"
    return None


# Flags that only mean something when the audit runs: given without it, they would silently do nothing.
AUDIT_ONLY_FLAGS = ("--secrets-report", "--secrets-accept")


def refuse_audit_only_flags(config: pytest.Config) -> None:
    """A usage error for a flag such as ``--secrets-report`` given while the audit is off."""
    for spec in SPECS:
        if spec.cli_flag in AUDIT_ONLY_FLAGS and config.getoption(spec.dest, default=None) is not None:
            raise pytest.UsageError(
                f"{spec.cli_flag} needs the audit: add --secrets-audit (or set secrets_audit = true)"
            )


def is_enabled(config: pytest.Config) -> bool:
    """Cheap check used by the entry point before anything else is imported."""
    spec = SPECS[0]
    raw = raw_value(config, spec, os.environ)
    if raw is None:
        return False
    value, source = raw
    if value is True:
        return True
    try:
        return parse_bool(str(value))
    except ValueError as error:
        raise pytest.UsageError(f"secrets-audit: invalid setting from {source}: {error}") from None
