"""The rotation schedule: a small committed TOML file of key names, intervals and dates.

Format (``.secrets-rotation.toml``; key names and dates only, never a value)::

    [defaults]
    every = "1y"                      # optional: the interval of keys that do not give one

    [keys.OPENAI_API_KEY]
    every = "1y"                      # Nd, Nw, Nm (calendar months), Ny; or "on-compromise"
    last_rotated = 2026-01-15         # a TOML date (a "YYYY-MM-DD" string works too)

    [keys]                            # the same data, one line per key:
    SECRET_KEY = { every = "365d", last_rotated = 2025-12-01, owner = "platform team" }

A key is due ``every`` after ``last_rotated`` and overdue the day after. ``on-compromise``
(or ``never``) records a key that is rotated only after an incident (the guide's
``ENCRYPTION_KEY``): it is never overdue. ``owner`` and ``note`` are free text shown in findings.

Parsing reports every problem with its line, so a malformed schedule is itself a finding.
"""

from __future__ import annotations

import calendar
import datetime
import fnmatch
import re
from dataclasses import dataclass
from typing import Any

ON_COMPROMISE = ("on-compromise", "on compromise", "never")
KEY_FIELDS = frozenset({"every", "last_rotated", "owner", "note"})
DEFAULT_FIELDS = frozenset({"every"})
TOP_LEVEL = frozenset({"defaults", "keys", "version"})
_INTERVAL = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*$", re.IGNORECASE)
_TOML_LINE = re.compile(r"line (\d+)")
_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_ASSIGNMENT = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.\-]+)\s*=""")


@dataclass(frozen=True)
class Interval:
    """``count`` days, weeks, months or years."""

    count: int
    unit: str  # "days", "weeks", "months", "years"

    def after(self, start: datetime.date) -> datetime.date:
        if self.unit == "days":
            return start + datetime.timedelta(days=self.count)
        if self.unit == "weeks":
            return start + datetime.timedelta(weeks=self.count)
        months = self.count * (12 if self.unit == "years" else 1)
        month_index = start.month - 1 + months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.count == 1 else self.unit
        return f"{self.count} {unit}"


def parse_interval(value: object) -> Interval | None:
    """``"90d"``, ``"6 months"``, ``"1y"``, an integer (days); None for on-compromise. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError("expected an interval such as \"90d\", \"6m\" or \"1y\", got true/false")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("an interval in days must be positive")
        return Interval(value, "days")
    if not isinstance(value, str):
        raise ValueError(f"expected an interval such as \"90d\", \"6m\" or \"1y\", got a {type(value).__name__}")
    if value.strip().lower() in ON_COMPROMISE:
        return None
    match = _INTERVAL.match(value)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{value!r} is not an interval; write a number and d, w, m or y (\"90d\", \"1y\") or \"on-compromise\"")
    unit = {"d": "days", "w": "weeks", "m": "months", "y": "years"}[match.group(2)[0].lower()]
    return Interval(int(match.group(1)), unit)


def parse_date(value: object) -> datetime.date:
    """A TOML date or datetime, or a ``YYYY-MM-DD`` string. Raises ValueError."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD") from None
    raise ValueError(f"expected a date (YYYY-MM-DD), got a {type(value).__name__}")


@dataclass(frozen=True)
class ScheduleEntry:
    key: str
    line: int | None
    every: Interval | None  # None: rotated on compromise only
    last_rotated: datetime.date | None
    owner: str | None = None

    def due(self) -> datetime.date | None:
        if self.every is None or self.last_rotated is None:
            return None
        return self.every.after(self.last_rotated)


@dataclass(frozen=True)
class ScheduleProblem:
    line: int | None
    message: str
    key: str | None = None


@dataclass(frozen=True)
class Schedule:
    entries: tuple[ScheduleEntry, ...]
    problems: tuple[ScheduleProblem, ...]


def _load_toml(text: str) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
    return tomllib.loads(text)


class LineIndex:
    """Where keys and fields sit in the TOML text (``[keys.NAME]`` tables or ``NAME = {...}`` lines)."""

    def __init__(self, text: str) -> None:
        self.tables: dict[str, int] = {}
        self.fields: dict[tuple[str, str], int] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header and not line.lstrip().startswith("[["):
                table = ".".join(_unquote(part) for part in _split_dotted(header.group(1)))
                self.tables.setdefault(table, number)
                continue
            assignment = _ASSIGNMENT.match(line)
            if assignment:
                name = ".".join(_unquote(part) for part in _split_dotted(assignment.group(1)))
                full = f"{table}.{name}" if table else name
                self.tables.setdefault(full, number)  # an inline table or a value
                owner, _, field = full.rpartition(".")
                self.fields.setdefault((owner, field), number)

    def of_table(self, name: str) -> int | None:
        return self.tables.get(name)

    def of_field(self, table: str, field: str) -> int | None:
        return self.fields.get((table, field), self.tables.get(table))


def _split_dotted(text: str) -> list[str]:
    return [part.strip() for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', text)]


def _unquote(part: str) -> str:
    return part[1:-1] if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'" else part


def parse_schedule(text: str, today: datetime.date) -> Schedule:
    """Entries and problems (each with its line) of a rotation schedule's text."""
    try:
        data = _load_toml(text)
    except ValueError as error:  # tomllib.TOMLDecodeError is a ValueError
        match = _TOML_LINE.search(str(error))
        reason = str(error).split(" (at ")[0]
        # tomllib says "(at line N, column M)"; tomli, on Python 3.10, may say "(at end of document)".
        line = int(match.group(1)) if match else (len(text.splitlines()) or None) if "end of document" in str(error) else None
        return Schedule((), (ScheduleProblem(line, f"is not valid TOML ({reason})"),))
    index = LineIndex(text)
    problems: list[ScheduleProblem] = []
    for name in data:
        if name not in TOP_LEVEL:
            problems.append(ScheduleProblem(index.of_table(name), f"has an unknown section {name!r}; "
                                                                   "keys go under [keys] or [keys.NAME]"))
    default_every: Interval | None = None
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append(ScheduleProblem(index.of_table("defaults"), "[defaults] must be a table"))
        defaults = {}
    for field in defaults:
        if field not in DEFAULT_FIELDS:
            problems.append(ScheduleProblem(index.of_field("defaults", field), f"[defaults] has an unknown field {field!r}"))
    has_default = "every" in defaults
    if has_default:
        try:
            default_every = parse_interval(defaults["every"])
        except ValueError as error:
            problems.append(ScheduleProblem(index.of_field("defaults", "every"), f"[defaults] every: {error}"))
            has_default = False
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        problems.append(ScheduleProblem(index.of_table("keys"), "keys must be a table: [keys] or [keys.NAME]"))
        keys = {}
    if not keys and not problems:
        problems.append(ScheduleProblem(None, "names no keys; add one [keys.NAME] table per secret"))
    entries = []
    for key, spec in keys.items():
        table = f"keys.{key}"
        line = index.of_table(table)
        if not isinstance(spec, dict):
            problems.append(ScheduleProblem(line, "must be a table with every and last_rotated", key))
            continue
        unknown = [field for field in spec if field not in KEY_FIELDS]
        for field in unknown:
            known = ", ".join(sorted(KEY_FIELDS))
            problems.append(ScheduleProblem(index.of_field(table, field), f"has an unknown field {field!r} (fields: {known})", key))
        if unknown:
            continue  # a misspelt field: what else is wrong follows from it
        every = default_every
        if "every" in spec:
            try:
                every = parse_interval(spec["every"])
            except ValueError as error:
                problems.append(ScheduleProblem(index.of_field(table, "every"), f"every: {error}", key))
                continue
        elif not has_default:
            problems.append(ScheduleProblem(line, "has no interval: add every = \"1y\" (or set [defaults] every)", key))
            continue
        last_rotated = None
        if "last_rotated" in spec:
            try:
                last_rotated = parse_date(spec["last_rotated"])
            except ValueError as error:
                problems.append(ScheduleProblem(index.of_field(table, "last_rotated"), f"last_rotated: {error}", key))
                continue
            if last_rotated > today:
                problems.append(ScheduleProblem(index.of_field(table, "last_rotated"),
                                                f"last_rotated {last_rotated.isoformat()} is in the future", key))
                continue
        elif every is not None:
            problems.append(ScheduleProblem(line, "has no last_rotated date (YYYY-MM-DD)", key))
            continue
        owner = spec.get("owner")
        entries.append(ScheduleEntry(key, line, every, last_rotated, owner if isinstance(owner, str) else None))
    return Schedule(tuple(entries), tuple(problems))


# --- the guide's rotation procedures ----------------------------------------------------

GUIDE_SECTION = "guide: Secret Rotation, Rotation Procedure"
PROCEDURE_OPENAI = (
    "create a new key at https://platform.openai.com/api-keys, update it in all environments (local, CI, "
    "production), verify the application works, then revoke the old key"
)
PROCEDURE_API_KEY = (
    "create a new key at the provider, update it in all environments (local, CI, production), verify the "
    "application works, then revoke the old key"
)
PROCEDURE_SIGNING = (
    "generate a new key (openssl rand -base64 32), update it in the production environment and deploy; every "
    "existing JWT is invalidated, so users must log in again"
)
PROCEDURE_ENCRYPTION = (
    "CAUTION: existing encrypted data becomes unreadable with a new key. Generate a new Fernet key, write and "
    "deploy a migration that decrypts with the old key and re-encrypts with the new one, update the environment, "
    "then securely delete the old key"
)
PROCEDURE_DATABASE = (
    "create a new database user with the same permissions, update the connection string in all environments, "
    "deploy and verify, then remove the old user"
)
PROCEDURE_GENERIC = (
    "issue a new value at its source, update it in all environments (local, CI, production), verify the "
    "application works, then revoke the old value"
)
# First match wins; patterns are matched against the upper-cased key name.
PROCEDURES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("OPENAI_API_KEY",), "OPENAI_API_KEY", PROCEDURE_OPENAI),
    (("*ENCRYPTION_KEY*", "*FERNET*"), "ENCRYPTION_KEY", PROCEDURE_ENCRYPTION),
    (("*SECRET_KEY*", "*SIGNING_KEY*", "*JWT*"), "SECRET_KEY", PROCEDURE_SIGNING),
    (("DATABASE_URL", "*_DATABASE_URL", "*DSN", "*DB_PASSWORD*", "*DB_URL", "POSTGRES*PASSWORD", "*MYSQL*PASSWORD"),
     "DATABASE_URL", PROCEDURE_DATABASE),
    (("*API_KEY*", "*APIKEY*", "*TOKEN*"), "OPENAI_API_KEY", PROCEDURE_API_KEY),
)


def procedure_for(key: str) -> tuple[str, str]:
    """``(guide entry it follows, steps)`` for rotating ``key``."""
    upper = key.upper()
    for patterns, guide_entry, steps in PROCEDURES:
        if any(fnmatch.fnmatchcase(upper, pattern) for pattern in patterns):
            return guide_entry, steps
    return "", PROCEDURE_GENERIC
