"""The audit's settings for the fix-it command, read the way pytest reads them.

``pytest-secrets init`` must write the files the audit will look for: a project that sets
``secrets_example_file = config/env.template`` or ``secrets_baseline = .ds-baseline.json``
gets those, not the defaults. pytest offers no public API that reads its configuration
without starting a session (which would import the project's ``conftest.py``), so this module
finds the configuration file by pytest's documented rules (the first of ``pytest.ini``,
``.pytest.ini``, ``pyproject.toml`` with a ``[tool.pytest...]`` table, ``tox.ini`` with
``[pytest]``, ``setup.cfg`` with ``[tool:pytest]``, from the folder upwards), reads it with
the parsers pytest itself uses (``iniconfig``, ``tomllib``), and hands the values to the
plugin's own :func:`pytest_secrets.settings.resolve`, so ``PYTEST_SECRETS_*`` environment
variables and every parse rule apply exactly as in a test run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_secrets.cli.common import EXIT_USAGE, CommandError
from pytest_secrets.own_settings import CONFIG_FILE_ORDER
from pytest_secrets.settings import AuditSettings, resolve

# The section pytest reads in each ini-style file (pyproject.toml has tables instead).
INI_SECTIONS = {"pytest.ini": "pytest", ".pytest.ini": "pytest", "tox.ini": "pytest", "setup.cfg": "tool:pytest"}


class _FileConfig:
    """What :func:`resolve` asks of a ``pytest.Config``: ini values, the ini path, the rootdir."""

    def __init__(self, values: dict[str, Any], inipath: Path | None, rootpath: Path) -> None:
        self._values = values
        self.inipath = inipath
        self.rootpath = rootpath

    def getini(self, name: str) -> Any:
        value = self._values.get(name)
        if isinstance(value, str) and "\n" in value:
            # pytest's "linelist": one item per non-blank line (the parse functions accept both).
            return [line.strip() for line in value.splitlines() if line.strip()]
        return value

    def getoption(self, name: str, default: Any = None) -> Any:
        return default  # the command line here is the fix-it command's, not pytest's


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file pytest would use from ``start``, and its pytest values."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILE_ORDER:
            path = folder / name
            if not path.is_file():
                continue
            values = _read_toml(path) if name == "pyproject.toml" else _read_ini(path, INI_SECTIONS[name])
            if values is not None:
                return path, values
    return None


def _read_ini(path: Path, section: str) -> dict[str, Any] | None:
    import iniconfig

    try:
        parsed = iniconfig.IniConfig(str(path))
    except (iniconfig.ParseError, OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot be read as pytest reads it ({error})", EXIT_USAGE) from None
    if section in parsed:
        return dict(parsed[section].items())
    return {} if path.name in ("pytest.ini", ".pytest.ini") else None  # pytest.ini counts even without [pytest]


def _read_toml(path: Path) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot be read as TOML ({error})", EXIT_USAGE) from None
    tool = data.get("tool", {}).get("pytest")
    if not isinstance(tool, dict):
        return None
    options = tool.get("ini_options")
    if isinstance(options, dict):
        return dict(options)
    return {key: value for key, value in tool.items() if key != "ini_options"}  # pytest 9's native [tool.pytest]


def project_settings(root_argument: str | None) -> AuditSettings:
    """The audit's settings for the project at ``root_argument`` (``--root``; None: here).

    Without ``--root``, ``secrets_root`` from the configuration file decides the project
    folder, as it does for the audit. A setting that does not parse is a usage error.
    """
    explicit_root = root_argument is not None
    start = Path(root_argument or ".").resolve()
    if not start.is_dir():
        raise CommandError(f"--root {root_argument}: not a folder", EXIT_USAGE)
    found = find_config_file(start)
    inipath, values = found if found is not None else (None, {})
    rootpath = inipath.parent if inipath is not None else start
    config = _FileConfig(values, inipath, rootpath)
    try:
        settings = resolve(config)  # type: ignore[arg-type]  # the part of pytest.Config resolve reads
    except pytest.UsageError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    if explicit_root and settings.root != start:
        from dataclasses import replace

        settings = replace(settings, root=start)
    return settings
