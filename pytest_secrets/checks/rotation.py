"""rotation: every secret in the project's rotation schedule was rotated on time.

The schedule is opt-in: a committed ``.secrets-rotation.toml`` (see :mod:`pytest_secrets.rotation`
for the format). Without one the check is skipped with a note on how to add it.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun, Finding
from pytest_secrets.rotation import GUIDE_SECTION, parse_schedule, procedure_for

NAME = "rotation"
DUE_SOON_DAYS = 30
NO_SCHEDULE = (
    "no rotation schedule ({path}); to audit rotation, commit one naming each secret, e.g. "
    "[keys.SECRET_KEY] every = \"1y\", last_rotated = {today} (docs: repository checks, rotation)"
)
FIX_MALFORMED = (
    "fix the schedule: one [keys.NAME] table per secret with every = \"90d\"/\"6m\"/\"1y\" (or \"on-compromise\") "
    "and last_rotated = YYYY-MM-DD; key names and dates only, never values"
)
FIX_UNKNOWN_KEY = (
    "correct the key name, declare the key in {example} (with a placeholder), or remove its entry from the schedule"
)
FIX_OVERDUE = "rotate {key} ({guide}{entry}): {steps}; then set last_rotated = {today} for {key} in {path}"


class RotationCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "secrets in the rotation schedule were rotated on time"

    def run(self, context: AuditContext) -> list[Finding]:
        settings = context.settings
        name = settings.rotation_file
        path = settings.root / name
        today = datetime.date.today()
        if not path.is_file():
            raise CheckCannotRun(NO_SCHEDULE.format(path=name, today=today.isoformat()))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return [Finding(NAME, f"cannot be read as UTF-8 text ({type(error).__name__})", FIX_MALFORMED, path=name)]
        schedule = parse_schedule(text, today)
        findings = [
            Finding(NAME, problem.message, FIX_MALFORMED, path=name, line=problem.line, key=problem.key)
            for problem in schedule.problems
        ]
        inventory = context.inventory
        declared = set(inventory.declared_keys) | {entry.key for parsed in inventory.env_files for entry in parsed.entries}
        scheduled = {problem.key for problem in schedule.problems if problem.key}
        for entry in schedule.entries:
            scheduled.add(entry.key)
            if entry.key not in declared:
                message = f"names a key the project does not declare ({settings.example_file} or any env file)"
                findings.append(Finding(NAME, message, FIX_UNKNOWN_KEY.format(example=settings.example_file),
                                        path=name, line=entry.line, key=entry.key))
                continue
            due = entry.due()
            if due is None or entry.last_rotated is None or entry.every is None:
                continue
            if today > due:
                late = (today - due).days
                owner = f"; owner: {entry.owner}" if entry.owner else ""
                message = (f"overdue for rotation: last rotated {entry.last_rotated.isoformat()}, every {entry.every}, "
                           f"due {due.isoformat()} ({late} day{'s' if late != 1 else ''} ago){owner}")
                guide_entry, steps = procedure_for(entry.key)
                fix = FIX_OVERDUE.format(key=entry.key, guide=GUIDE_SECTION, entry=f", {guide_entry}" if guide_entry else "",
                                         steps=steps, today=today.isoformat(), path=name)
                findings.append(Finding(NAME, message, fix, path=name, line=entry.line, key=entry.key))
            elif (due - today).days <= DUE_SOON_DAYS:
                context.note(NAME, f"{entry.key} is due for rotation on {due.isoformat()}")
        findings.sort(key=lambda finding: finding.line or 0)
        unscheduled = sorted(key for key in declared if inventory.is_secret(key) and key not in scheduled)
        if unscheduled:
            context.note(NAME, f"secrets without a schedule entry: {', '.join(unscheduled)}")
        return findings
