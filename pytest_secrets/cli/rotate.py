"""``pytest-secrets rotate KEY``: the guide's rotation checklist, then the date in the schedule.

It prints the steps for that kind of key (the guide's Secret Rotation section, in our words),
asks whether they are done (or takes ``--yes``), and records the date as ``last_rotated`` for
the key in ``.secrets-rotation.toml`` (format: :mod:`pytest_secrets.rotation`), creating the
entry or the file when needed. It rotates nothing itself and never reads a value.

Python's ``tomllib`` only reads TOML, and rewriting the file through a TOML library would lose
the user's comments and layout. So the schedule is edited as text, one line at a time, and the
result is parsed back: the key must come out with the new date and every other entry exactly as
before, or nothing is written.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path
from typing import Any

from pytest_secrets import rotation, strength
from pytest_secrets.cli.common import EXIT_USAGE, CommandError, Report, read_text, shown, write_text
from pytest_secrets.cli.project_settings import project_settings
from pytest_secrets.cli.generate import key_name

NAME = "rotate"
HELP = "Show the guide's rotation steps for KEY, then record today as its last rotation."
DESCRIPTION = (
    "Print the rotation checklist for KEY from the secrets guide and, once you confirm the steps are done (or with "
    "--yes), set KEY's last_rotated date in the rotation schedule, adding the entry or the file if needed."
)
SCHEDULE_FILE = ".secrets-rotation.toml"
SCHEDULE_HEADER = (
    "# When each secret was last rotated, checked by pytest --secrets-audit (rotation).\n"
    "# Key names, intervals and dates only: never a value.\n"
)
ON_COMPROMISE = "on-compromise"
YEARLY = "1y"

WHEN = (
    "Rotate now if {key} may be compromised (it leaked, appeared in logs or error messages, or someone who had it "
    "left the team); otherwise rotate on schedule."
)
STEPS: dict[str, tuple[str, ...]] = {
    rotation.PROCEDURE_OPENAI: (
        "Create a new key in the OpenAI dashboard (https://platform.openai.com/api-keys).",
        "Put the new key in every environment that uses it: local .env files, CI secrets, production.",
        "Check that the application works with the new key.",
        "Revoke the old key in the dashboard.",
    ),
    rotation.PROCEDURE_API_KEY: (
        "Create a new key or token at the provider that issued it.",
        "Put it in every environment that uses it: local .env files, CI secrets, production.",
        "Check that the application works with it.",
        "Revoke the old one at the provider.",
    ),
    rotation.PROCEDURE_SIGNING: (
        "Make a new key: pytest-secrets generate {key} --force (or: openssl rand -base64 32).",
        "Set the new key in production (and in every other environment that signs tokens).",
        "Deploy. Every token signed with the old key (JWTs, sessions) stops being valid: users log in again.",
    ),
    rotation.PROCEDURE_ENCRYPTION: (
        "CAUTION: data encrypted with the current key cannot be read with a new one until it is re-encrypted.",
        "Make a new Fernet key: pytest-secrets generate {key} --force in a copy of the env file.",
        "Write a migration that decrypts every stored value with the old key and encrypts it with the new one.",
        "Deploy the migration, then set the new key in the environment.",
        "Delete the old key securely once nothing needs it.",
    ),
    rotation.PROCEDURE_DATABASE: (
        "Create a new database user with the same permissions as the current one.",
        "Put the new connection string in every environment (local, CI, production).",
        "Deploy and check that the application connects.",
        "Remove the old database user.",
    ),
    rotation.PROCEDURE_GENERIC: (
        "Issue a new value where it comes from (or: pytest-secrets generate {key} --force, if your service checks it).",
        "Put it in every environment that uses it: local .env files, CI secrets, production.",
        "Check that the application works with it.",
        "Revoke or delete the old value.",
    ),
}
_LAST_ROTATED = re.compile(
    r"""^(?P<head>.*?=[^\S\r\n]*)(?P<value>"[^"\r\n]*"|'[^'\r\n]*'|\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]+)?)(?P<tail>.*)$"""
)
_INLINE_FIELD = re.compile(
    r"""(?P<head>(?:last_rotated|"last_rotated"|'last_rotated')[^\S\r\n]*=[^\S\r\n]*)"""
    r"""(?P<value>"[^"\r\n]*"|'[^'\r\n]*'|\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]+)?)"""
)


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", metavar="KEY", type=key_name, help="The secret rotated, e.g. SECRET_KEY.")
    parser.add_argument("--yes", "-y", action="store_true", help="Record the rotation without asking.")
    parser.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                        help="The day it was rotated (default: today); not in the future.")
    parser.add_argument("--schedule", default=None, metavar="FILE",
                        help="The rotation schedule, relative to the project folder "
                        f"(default: secrets_rotation_file from the pytest configuration, else {SCHEDULE_FILE}).")


def checklist(key: str) -> list[str]:
    guide_entry, procedure = rotation.procedure_for(key)
    where = f"{rotation.GUIDE_SECTION}, {guide_entry}" if guide_entry else rotation.GUIDE_SECTION
    steps = STEPS.get(procedure, STEPS[rotation.PROCEDURE_GENERIC])
    lines = [f"Rotating {key} ({where}):", WHEN.format(key=key)]
    lines += [f"  {number}. {step.format(key=key)}" for number, step in enumerate(steps, start=1)]
    return lines


def default_interval(key: str) -> str:
    """The guide's table: encryption keys and database credentials on compromise, the rest yearly."""
    _, procedure = rotation.procedure_for(key)
    if strength.rule_for(key, ()) == "fernet" or procedure == rotation.PROCEDURE_DATABASE:
        return ON_COMPROMISE
    return YEARLY


def _load(text: str) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
    return tomllib.loads(text)


def record(text: str, key: str, day: datetime.date) -> str | None:
    """The schedule ``text`` with ``day`` as ``key``'s last rotation; None when it already says so.

    Raises CommandError when the file cannot be edited safely.
    """
    try:
        data = _load(text) if text.strip() else {}
    except ValueError as error:
        raise CommandError(f"the schedule is not valid TOML ({str(error).split(' (at ')[0]}); fix it first "
                           "(pytest --secrets-audit -k rotation names the line)") from None
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise CommandError("the schedule's 'keys' is not a table; fix it first")
    entry = keys.get(key)
    if entry is not None and not isinstance(entry, dict):
        raise CommandError(f"the schedule's entry for {key} is not a table; fix it first")
    if entry is not None and "last_rotated" in entry:
        try:
            if rotation.parse_date(entry["last_rotated"]) == day:
                return None
        except ValueError:
            pass  # a bad date is replaced
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    index = rotation.LineIndex(text)
    table = f"keys.{key}"
    stamp = day.isoformat()
    if entry is None:
        has_default = isinstance(data.get("defaults"), dict) and "every" in data["defaults"]
        block = f"[keys.{_toml_key(key)}]{newline}"
        if not has_default:
            block += f'every = "{default_interval(key)}"{newline}'
        block += f"last_rotated = {stamp}{newline}"
        if not text.strip():
            result = SCHEDULE_HEADER.replace("\n", newline) + newline + block
        else:
            result = text + ("" if text.endswith(("\n", "\r")) else newline) + newline + block
    elif (field_line := index.fields.get((table, "last_rotated"))) is not None:
        line = lines[field_line - 1]
        match = _LAST_ROTATED.match(line.rstrip("\r\n"))
        if match is None:
            raise CommandError(f"cannot read the last_rotated line of {key} (line {field_line}); set it by hand")
        quote = match.group("value")[0] if match.group("value")[0] in "\"'" else ""
        ending = line[len(line.rstrip("\r\n")):]
        lines[field_line - 1] = f"{match.group('head')}{quote}{stamp}{quote}{match.group('tail')}{ending}"
        result = "".join(lines)
    else:
        line_number = index.of_table(table)
        if line_number is None:
            raise CommandError(f"cannot find the entry for {key} in the schedule; add last_rotated = {stamp} by hand")
        line = lines[line_number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):] or newline
        if "{" in body and "}" in body:  # KEY = { every = "1y", ... } on one line
            if _INLINE_FIELD.search(body):
                body = _INLINE_FIELD.sub(lambda m: f"{m.group('head')}{stamp}", body, count=1)
            else:
                close = body.rindex("}")
                before = body[:close].rstrip()
                body = f"{before}{' ' if before.endswith('{') else ', '}last_rotated = {stamp} {body[close:]}"
            lines[line_number - 1] = body + ending
        else:  # a [keys.KEY] table without the field: it goes right under the header
            lines[line_number - 1] = body + ending + f"last_rotated = {stamp}{ending}"
        result = "".join(lines)
    _verify(data, result, key, day)
    return result


def _toml_key(key: str) -> str:
    return key if re.match(r"^[A-Za-z0-9_-]+$", key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _verify(before: dict[str, Any], text: str, key: str, day: datetime.date) -> None:
    """Every other entry as before, and ``key`` with ``day`` as its last rotation."""
    try:
        after = _load(text)
    except ValueError:
        raise CommandError(f"could not add {key} to the schedule without breaking it; add it by hand") from None
    entry = after.get("keys", {}).get(key, {})
    old_entry = before.get("keys", {}).get(key, {})
    try:
        recorded = rotation.parse_date(entry.get("last_rotated"))
    except ValueError:
        recorded = None
    others_before = {**before, "keys": {name: value for name, value in before.get("keys", {}).items() if name != key}}
    others_after = {**after, "keys": {name: value for name, value in after.get("keys", {}).items() if name != key}}
    unchanged = {field: value for field, value in old_entry.items() if field != "last_rotated"}
    if (recorded != day or others_before != others_after
            or {field: value for field, value in entry.items() if field in unchanged} != unchanged):
        raise CommandError(f"could not record {key} in the schedule without changing other entries; set "
                           f"last_rotated = {day.isoformat()} for {key} by hand")


def confirm(question: str) -> bool:
    print(f"{question} [y/N] ", end="", flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print()
    return answer.strip().lower() in ("y", "yes")


def run(arguments: argparse.Namespace) -> int:
    from pytest_secrets.inventory import build_inventory

    settings = project_settings(arguments.root)
    root = settings.root
    key: str = arguments.key
    today = datetime.date.today()
    day: datetime.date = arguments.date or today
    if day > today:
        raise CommandError(f"--date {day.isoformat()} is in the future; give the day the rotation happened", EXIT_USAGE)
    inventory = build_inventory(settings, environ={})
    declared = set(inventory.declared_keys) | {entry.key for parsed in inventory.env_files for entry in parsed.entries}
    if key not in declared:
        raise CommandError(f"{key} is not declared in {settings.example_file} or any env file, so the rotation check "
                           "would reject its entry; check the name, or declare it (pytest-secrets init adds the keys of .env)")
    path: Path = root / (arguments.schedule or settings.rotation_file)
    name = shown(path, root)
    report = Report()
    for line in checklist(key):
        report.note(line)
    text = read_text(path) if path.exists() else ""
    updated = record(text, key, day)
    if updated is None:
        report.unchanged(name, f"{key} is already recorded as rotated on {day.isoformat()}")
        return report.finish(f"{key} is already recorded")
    if not arguments.yes and not confirm(f"Are these steps done? Record {key} as rotated on {day.isoformat()} in {name}?"):
        raise CommandError("not confirmed; the schedule is unchanged (run again once the steps are done, or pass --yes)")
    existed = bool(text.strip()) and key in _load(text).get("keys", {})
    write_text(path, updated)
    if not text:
        what = f"created with {key}: last_rotated = {day.isoformat()}"
    else:
        what = f"set last_rotated = {day.isoformat()} for {key}" if existed else f"added {key}: last_rotated = {day.isoformat()}"
    report.changed(name, what)
    report.note(f"Also run the audit (pytest --secrets-audit) to confirm {key}'s new value is strong and is not "
                "shared with another environment.")
    return report.finish("")
