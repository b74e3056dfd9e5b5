"""What every subcommand shares: how it reports changes, fails, and writes files.

A subcommand tells the :class:`Report` what it changed (a file and the kind of change) and
what is left for a person to do. Nothing that reaches the report is a value: messages are
built from key names, paths, counts and patterns only.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """The command could not do what was asked; the message says why (and holds no value)."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Report:
    """The lines a command prints: one per file changed or left alone, then what is left to do."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    changes: int = 0
    failures: int = 0
    todo: list[str] = field(default_factory=list)

    def changed(self, path: str, what: str) -> None:
        self.changes += 1
        print(f"{path}: {what}", file=self.out)

    def unchanged(self, path: str, why: str) -> None:
        print(f"{path}: unchanged ({why})", file=self.out)

    def failed(self, path: str, why: str) -> None:
        self.failures += 1
        print(f"{path}: not changed: {why}", file=self.out)

    def note(self, text: str) -> None:
        print(text, file=self.out)

    def to_do(self, text: str) -> None:
        self.todo.append(text)

    def finish(self, nothing_to_do: str) -> int:
        """Print what is left to do; the exit status (1 if a step failed)."""
        if not self.changes and not self.failures:
            print(f"nothing changed: {nothing_to_do}", file=self.out)
        for item in self.todo:
            print(f"to do: {item}", file=self.out)
        return EXIT_FAILED if self.failures else EXIT_OK


def shown(path: Path, root: Path) -> str:
    """A path as printed: relative to the project folder when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def write_text(path: Path, text: str, private: bool = False) -> None:
    """Replace ``path``'s content at once (a temporary file in the same folder, then a rename).

    An existing file keeps its permissions; a new ``private`` file is readable by its owner only.
    Text is written as given (no newline translation), so untouched lines stay byte-identical.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o600 if private else None
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_text(path: Path) -> str:
    """A UTF-8 text file exactly as stored (no newline translation); CommandError if unreadable."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: is not UTF-8 text; it is left alone") from None


def ends_with_newline(text: str) -> bool:
    return not text or text.endswith(("\n", "\r"))
