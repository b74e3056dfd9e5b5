"""Reading env files with python-dotenv's own parser, keeping line numbers and errors.

``dotenv_values`` returns only a dict, so malformed lines would vanish with a logged warning.
We call the parser it is built on (``dotenv.parser.parse_stream``) to keep each binding's line
and error flag; values are exactly what ``dotenv_values(..., interpolate=False)`` returns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

BOM = "\ufeff"


@dataclass(frozen=True)
class EnvEntry:
    """One ``KEY=value`` binding. ``value`` is None for a bare ``KEY`` line."""

    key: str
    value: str | None
    line: int


@dataclass(frozen=True)
class EnvProblem:
    """A line python-dotenv cannot use as the author meant; never includes the line's text."""

    line: int | None
    message: str


@dataclass(frozen=True)
class ParsedEnvFile:
    """An env file as python-dotenv reads it, with what went wrong on the way."""

    path: Path
    entries: tuple[EnvEntry, ...] = ()
    problems: tuple[EnvProblem, ...] = field(default=())
    readable: bool = True

    def values(self) -> dict[str, str | None]:
        """The mapping ``dotenv_values`` would return (last binding of a key wins)."""
        return {entry.key: entry.value for entry in self.entries}


def parse_env_file(path: Path) -> ParsedEnvFile:
    """Parse ``path`` like ``dotenv_values(path, interpolate=False)``, reporting problems."""
    from dotenv.parser import parse_stream

    try:
        raw = path.read_bytes()
    except OSError as error:
        return ParsedEnvFile(path, problems=(EnvProblem(None, f"cannot be read ({error.strerror})"),), readable=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"is not valid UTF-8 (byte {error.start}); python-dotenv cannot read it, so none of its keys are audited"
        return ParsedEnvFile(path, problems=(EnvProblem(None, message),), readable=False)
    if b"\0" in raw:
        return ParsedEnvFile(path, problems=(EnvProblem(None, "is binary, not an env file"),), readable=False)

    problems: list[EnvProblem] = []
    entries: list[EnvEntry] = []
    first_line: dict[str, int] = {}
    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        if binding.error or binding.key is None:
            if binding.error:
                problems.append(EnvProblem(line, "python-dotenv cannot parse this line; it is ignored"))
            continue
        key = binding.key
        if key.startswith(BOM):
            problems.append(
                EnvProblem(line, f"the file starts with a byte-order mark, so python-dotenv reads this key as "
                                 f"{key!r}, not {key[1:]!r}; save the file as UTF-8 without BOM")
            )
        if key in first_line:
            problems.append(
                EnvProblem(line, f"{key} is set again (first on line {first_line[key]}); python-dotenv keeps this last value")
            )
        else:
            first_line[key] = line
        entries.append(EnvEntry(key, binding.value, line))
    return ParsedEnvFile(path, tuple(entries), tuple(problems))
