"""The committed allowlist file: fingerprints of findings a person reviewed and accepted.

One entry per line, ``<fingerprint>  # <check> <where> accepted <date>``, the same syntax as
the ``secrets_allowlist`` ini setting, so an acceptance is a one-line, reviewable diff and
deleting the line withdraws it. ``pytest --secrets-accept`` appends; nothing ever rewrites or
reorders what is there. A fingerprint is a 10-digit hash of the value, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pytest_secrets.options import parse_allowlist

HEADER = (
    "# pytest-secrets allowlist: fingerprints of findings accepted after review (no values).\n"
    "# Appended by 'pytest --secrets-audit --secrets-accept'. Delete a line to withdraw an acceptance.\n"
)


class AllowlistError(ValueError):
    """The allowlist file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Acceptance:
    """One finding being accepted: its fingerprint and where it was, for the comment."""

    fingerprint: str
    check: str
    where: str
    date: str

    def line(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.fingerprint}  # {self.check}{where} accepted {self.date}"


def read_allowlist(path: Path) -> tuple[str, ...]:
    """The fingerprints in ``path`` (none when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as error:
        raise AllowlistError(f"{path} cannot be read ({type(error).__name__})") from None
    fingerprints: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            fingerprints += parse_allowlist([line])
        except ValueError as error:
            raise AllowlistError(f"{path}:{number}: {error}") from None
    return tuple(fingerprints)


def append_acceptances(path: Path, acceptances: Iterable[Acceptance]) -> list[Acceptance]:
    """Append the entries whose fingerprint the file lacks; returns those written."""
    present = set(read_allowlist(path))
    new: list[Acceptance] = []
    for acceptance in acceptances:
        if acceptance.fingerprint not in present:
            present.add(acceptance.fingerprint)
            new.append(acceptance)
    if not new:
        return []
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + "".join(entry.line() + "\n" for entry in new), encoding="utf-8")
    return new
