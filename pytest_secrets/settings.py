"""The audit's settings, resolved once per session into a frozen :class:`AuditSettings`.

How each setting is named and parsed is in ``options.py``. :class:`AuditSettings` remembers
where each value came from, so the header and every error can say.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_secrets.options import FIELD_NAMES, SPECS, StrengthRule, raw_value

__all__ = ["AuditSettings", "StrengthRule", "resolve"]

DEFAULT_ENV_FILES = (".env", ".env.*")
# Files matched by the env globs that are templates, not real values.
TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".tmpl", ".tpl", ".dist", ".defaults")
# The guide's required .gitignore entries.
DEFAULT_GITIGNORE_PATTERNS = (".env", ".env.local", ".env.*.local", "*.pem", "*.key", "credentials.json", "secrets.json")


@dataclass(frozen=True)
class AuditSettings:
    """Everything the audit needs to know, resolved once per session.

    ``sources`` maps each field name to where its value came from (``default``, a CLI flag,
    an environment variable or the ini file).
    """

    enabled: bool
    root: Path
    example_file: str = ".env.example"
    env_files: tuple[str, ...] = DEFAULT_ENV_FILES
    use_environment: bool = True
    secret_keys: tuple[str, ...] = ()
    public_keys: tuple[str, ...] = ()
    strength_rules: tuple[StrengthRule, ...] = ()
    code_paths: tuple[str, ...] = (".",)
    ignore_code_keys: tuple[str, ...] = ()
    baseline_file: str = ".secrets.baseline"
    allowlist: tuple[str, ...] = ()
    allowlist_file: str = ".secrets-allowlist"
    gitignore_patterns: tuple[str, ...] = DEFAULT_GITIGNORE_PATTERNS
    rotation_file: str = ".secrets-rotation.toml"
    deploy_exclude: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    accept_shallow: bool = False
    history_processes: int = 0
    leak_guard: bool = True
    leak_action: str = "fail"
    canary: bool = False
    report: str | None = None
    accept: bool = False

    def source_of(self, name: str) -> str:
        return self.sources.get(name, "default")

    def describe(self, env_files_found: list[str]) -> str:
        """One line for the pytest header: what the audit will look at."""
        files = ", ".join(env_files_found) or f"no env files ({', '.join(self.env_files)})"
        environment = " and the environment" if self.use_environment else ""
        return (
            f"secrets-audit: {self.root} (from {self.source_of('root')}); keys declared in "
            f"{self.example_file}; values from {files}{environment}"
        )


def resolve(config: pytest.Config, environ: Mapping[str, str] | None = None) -> AuditSettings:
    """Resolve every setting once; an invalid value is a usage error naming its source."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for spec in SPECS:
        raw = raw_value(config, spec, environ)
        if raw is None:
            continue
        value, source = raw
        field_name = FIELD_NAMES.get(spec.name, spec.name)
        try:
            values[field_name] = True if value is True else spec.parse(value)
        except ValueError as error:
            raise pytest.UsageError(f"secrets-audit: invalid {spec.ini_name} from {source}: {error}") from None
        sources[field_name] = source
    root = config.rootpath / values.pop("root", ".")
    sources.setdefault("root", "rootdir")
    if not root.is_dir():
        raise pytest.UsageError(
            f"secrets-audit: project folder {root} ({sources['root']}) does not exist or is not a folder"
        )
    values.setdefault("enabled", False)
    return AuditSettings(root=root.resolve(), sources=sources, **values)
