"""Which environment variables a project's Python code reads, found with ``ast``.

Recognised: ``os.environ[K]``, ``os.environ.get(K)``, ``os.environ.setdefault(K, ...)``,
``os.getenv(K)``, and the same through ``from os import environ, getenv`` and ``import os as
alias``, where ``K`` is a string literal. Keys built at run time cannot be known statically and
are not reported.
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Folders never holding the project's own code.
SKIPPED_DIRS = frozenset(
    {"node_modules", "site-packages", "__pycache__", "build", "dist", "venv", "htmlcov"}
)
MAX_FILE_BYTES = 2_000_000
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class EnvRead:
    key: str
    path: Path
    line: int


@dataclass(frozen=True)
class UnreadFile:
    """A Python file whose lookups were not audited, and why."""

    path: Path
    reason: str


class _EnvReadVisitor(ast.NodeVisitor):
    def __init__(self) -> None:
        self.os_names = {"os"}
        self.environ_names: set[str] = set()
        self.getenv_names: set[str] = set()
        self.reads: list[tuple[str, int]] = []

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "os":
                self.os_names.add(alias.asname or "os")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "os":
            for alias in node.names:
                if alias.name == "environ":
                    self.environ_names.add(alias.asname or "environ")
                elif alias.name == "getenv":
                    self.getenv_names.add(alias.asname or "getenv")

    def _is_environ(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.environ_names
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "environ"
            and isinstance(node.value, ast.Name)
            and node.value.id in self.os_names
        )

    def _is_getenv(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.getenv_names
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "getenv"
            and isinstance(node.value, ast.Name)
            and node.value.id in self.os_names
        )

    def _record(self, node: ast.expr | None, line: int) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.reads.append((node.value, line))

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if self._is_environ(node.value):
            self._record(node.slice, node.lineno)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        first = node.args[0] if node.args else None
        if self._is_getenv(func):
            self._record(first, node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr in ("get", "setdefault") and self._is_environ(func.value):
            self._record(first, node.lineno)
        self.generic_visit(node)


def reads_in_source(source: str | bytes, filename: str = "<string>") -> list[tuple[str, int]]:
    """``(key, line)`` for each literal environment lookup in ``source``. Raises SyntaxError."""
    visitor = _EnvReadVisitor()
    visitor.visit(ast.parse(source, filename=filename))
    return visitor.reads


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").exists()


def python_files(root: Path, targets: tuple[str, ...]) -> Iterator[Path]:
    """Python files under the targets, skipping hidden folders, virtualenvs and build output."""
    for target in targets:
        start = (root / target).resolve()
        if start.is_file():
            yield start
            continue
        for folder, dirs, files in os.walk(start):
            here = Path(folder)
            dirs[:] = sorted(
                name
                for name in dirs
                if not name.startswith(".") and name not in SKIPPED_DIRS and not _is_virtualenv(here / name)
            )
            for name in sorted(files):
                if name.endswith(".py"):
                    yield here / name


def find_env_reads(root: Path, targets: tuple[str, ...]) -> tuple[list[EnvRead], list[UnreadFile]]:
    """Every literal environment lookup under ``targets``, and the files that could not be read."""
    reads: list[EnvRead] = []
    unread: list[UnreadFile] = []
    for path in python_files(root, targets):
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                unread.append(UnreadFile(path, f"larger than {MAX_FILE_BYTES // 1_000_000} MB"))
                continue
            found = reads_in_source(path.read_bytes(), str(path))
        except SyntaxError as error:
            # Name the version: code written for a newer Python (PEP 758's 'except A, B:') fails here.
            unread.append(UnreadFile(path, f"not valid Python {PYTHON_VERSION} (line {error.lineno})"))
            continue
        except (OSError, ValueError) as error:
            unread.append(UnreadFile(path, f"cannot be read ({error})"))
            continue
        reads.extend(EnvRead(key, path, line) for key, line in found)
    return reads, unread
