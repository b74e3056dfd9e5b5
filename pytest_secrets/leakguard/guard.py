"""The guard's core, free of pytest: the watched values, and what a leak is.

A :class:`LeakGuard` holds the session's watched values (the inventory's known secrets, the
planted canaries, and values tests register at run time) and one :class:`Redactor` over all
of them. Every channel hands it text; it answers with :class:`Leak` records, which name the
key, the channel, the place and the encoding, and carry a fingerprint instead of the value, so
they can be printed, stored on reports and sent to the xdist controller as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from pytest_secrets.redaction import MIN_WATCHED_LENGTH, Redactor, is_watchable
from pytest_secrets.values import SecretValue

RUNTIME_SOURCE = "registered at run time"
CANARY_SOURCE = "canary"

LEAK_HEADING = "secrets leak guard: {count} known secret value{s} leaked during this test"
LEAK_LINE = "{key} [fp {fingerprint}] in {channel}{at} ({details})"
LEAK_FIX = (
    "how to fix: keep the value out of logs, output, warnings and error messages "
    "(guide: Secrets in Logs, Secrets in Error Messages); if a real secret reached a log or a "
    "terminal outside this run, rotate it first (guide: Incident Response). A test that handles "
    "the value on purpose: @pytest.mark.secrets_allow_leak(reason=...)."
)
CANARY_NOTE = "a canary is a value planted by --secrets-canary: no real secret leaked, but this code path would leak the real one"
NOT_WATCHABLE = "a value registered with the leak guard must be at least {min} characters long (got {length})"


@dataclass(frozen=True)
class Leak:
    """One known value seen in one channel. Holds no part of the value."""

    key: str
    fingerprint: str
    form: str
    channel: str
    location: str | None = None
    when: str = "call"
    canary: bool = False

    def render(self) -> str:
        details = [self.form]
        if self.when != "call":
            details.append(f"during {self.when}")
        if self.canary:
            details.append("canary")
        return LEAK_LINE.format(
            key=self.key,
            fingerprint=self.fingerprint,
            channel=self.channel,
            at=f" at {self.location}" if self.location else "",
            details=", ".join(details),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Leak:
        return cls(**data)


def render_leaks(leaks: Iterable[Leak]) -> str:
    """The failure text for a test's leaks: heading, one line per leak, the fix."""
    unique = list(dict.fromkeys(leaks))
    count = len({(leak.key, leak.fingerprint) for leak in unique})
    lines = [LEAK_HEADING.format(count=count, s="s" if count != 1 else "")]
    lines += [f"  {leak.render()}" for leak in unique]
    if any(leak.canary for leak in unique):
        lines.append(f"note: {CANARY_NOTE}")
    lines.append(LEAK_FIX)
    return "\n".join(lines)


class LeakGuard:
    """The watched values of one process and the redactor over them.

    Empty until the session starts (the inventory needs the user's conftests loaded); a guard
    with nothing to watch is falsy and every check on it is a no-op.
    """

    def __init__(self, secrets: Iterable[SecretValue] = ()) -> None:
        self._secrets: dict[tuple[str, str], SecretValue] = {}
        self._canaries: set[str] = set()
        self._use(Redactor(()))
        self.add(secrets)

    def _use(self, redactor: Redactor) -> None:
        self.redactor = redactor
        # Plain attributes, not methods: every log record and report goes through them.
        self.watching = bool(redactor)
        self.contains: Callable[[str], bool] = redactor.contains_secret
        """Whether ``text`` holds any form of a watched value (a clean text costs one scan)."""

    def __bool__(self) -> bool:
        return self.watching

    @property
    def secrets(self) -> tuple[SecretValue, ...]:
        return tuple(self._secrets.values())

    @property
    def canary_count(self) -> int:
        return len(self._canaries)

    def add(self, secrets: Iterable[SecretValue], *, canary: bool = False) -> None:
        changed = False
        for secret in secrets:
            if not is_watchable(secret.reveal()):
                continue
            if canary:
                self._canaries.add(secret.digest)
            if (secret.key, secret.digest) not in self._secrets:
                self._secrets[(secret.key, secret.digest)] = secret
                changed = True
        if changed:
            self._use(Redactor(self._secrets.values()))

    def register(self, key: str, value: str, source: str = RUNTIME_SOURCE) -> SecretValue:
        """Watch one more value for the rest of the session (in this process)."""
        if not is_watchable(value):
            raise ValueError(NOT_WATCHABLE.format(min=MIN_WATCHED_LENGTH, length=len(value)))
        secret = SecretValue(key, value, source)
        self.add((secret,))
        return secret

    def is_canary(self, fingerprint: str) -> bool:
        return any(digest.startswith(fingerprint) for digest in self._canaries)

    def mask(self, text: str) -> str:
        return self.redactor.mask(text)

    def leaks(self, text: str, channel: str, location: str | None, when: str) -> list[Leak]:
        """One :class:`Leak` per (key, form) found in ``text``."""
        found: dict[tuple[str, str], Leak] = {}
        for hit in self.redactor.find(text):
            found.setdefault(
                (hit.key, hit.form),
                Leak(hit.key, hit.fingerprint, hit.form, channel, location, when, self.is_canary(hit.fingerprint)),
            )
        return list(found.values())
