"""The guard's fixtures, registered as a plugin only when the guard is on.

``known_secrets`` shows which values are watched (masked) and lets a test watch more, such as
a token it just created. ``assert_no_secrets`` checks a text, bytes, a file or the test's logs
explicitly, e.g. an HTTP error body the code returns but never prints.

``capsys``, ``capfd`` and their variants are wrapped (each fixture here asks for pytest's own
of the same name, the documented way to extend a fixture) so that output a test *reads* with
``readouterr()``, and which therefore never reaches the report, is still checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest

from pytest_secrets.values import SecretValue

AnyStr = TypeVar("AnyStr", str, bytes)

NO_SECRETS_FAILURE = "{what} holds {count} known secret value{s}:\n{lines}"
NO_SECRETS_LINE = "  {key} [fp {fingerprint}] as {form} at {where}"


def _plugin(config: pytest.Config) -> Any:
    from pytest_secrets.leakguard.plugin import GUARD_KEY

    return config.stash[GUARD_KEY]


class KnownSecrets:
    """The values the leak guard watches in this process, masked; ``register`` adds one.

    Iterating gives :class:`~pytest_secrets.values.SecretValue` objects (``str`` and ``repr``
    are masked; ``reveal()`` returns the plaintext for a test that needs it).
    """

    def __init__(self, plugin: Any) -> None:
        self._plugin = plugin

    @property
    def values(self) -> tuple[SecretValue, ...]:
        return self._plugin.guard.secrets  # type: ignore[no-any-return]

    def keys(self) -> list[str]:
        return sorted({secret.key for secret in self.values})

    def __iter__(self) -> Iterator[SecretValue]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, key: str) -> SecretValue:
        for secret in self.values:
            if secret.key == key:
                return secret
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return any(secret.key == key for secret in self.values)

    def register(self, key: str, value: str) -> SecretValue:
        """Watch ``value`` (named ``key`` in reports) from now on, for the rest of the session."""
        secret: SecretValue = self._plugin.guard.register(key, value)
        return secret

    def __repr__(self) -> str:
        return f"KnownSecrets({len(self)} watched: {', '.join(self.keys())})"


class NoSecretsAssertion:
    """Callable: fails the test if a text, bytes, file or ``caplog`` holds a watched value.

    The failure names the key, the encoding and where in the input it is, never the value.
    """

    def __init__(self, plugin: Any) -> None:
        self._plugin = plugin

    def __call__(self, subject: str | bytes | os.PathLike[str] | pytest.LogCaptureFixture, *, what: str | None = None) -> None:
        __tracebackhide__ = True
        text, label = self._text_of(subject)
        guard = self._plugin.guard
        hits = guard.redactor.find(text) if guard else []
        log_leaks = []
        if isinstance(subject, pytest.LogCaptureFixture) and self._plugin.current is not None:
            # Records are masked when they are made, so caplog alone cannot show a leak.
            log_leaks = [leak for leak in self._plugin.current.pending if leak.channel.startswith("log record")]
        if not hits and not log_leaks:
            return
        lines = [
            NO_SECRETS_LINE.format(key=hit.key, fingerprint=hit.fingerprint, form=hit.form, where=_where(text, hit.start))
            for hit in hits
        ]
        lines += [NO_SECRETS_LINE.format(key=leak.key, fingerprint=leak.fingerprint, form=leak.form, where=f"{leak.channel} at {leak.location}") for leak in log_leaks]
        count = len(lines)
        pytest.fail(
            NO_SECRETS_FAILURE.format(what=what or label, count=count, s="s" if count != 1 else "", lines="\n".join(lines)),
            pytrace=False,
        )

    @staticmethod
    def _text_of(subject: Any) -> tuple[str, str]:
        if isinstance(subject, str):
            return subject, "the text"
        if isinstance(subject, (bytes, bytearray, memoryview)):
            return bytes(subject).decode("utf-8", "surrogateescape"), "the bytes"
        if isinstance(subject, pytest.LogCaptureFixture):
            return subject.text, "the captured log"
        if isinstance(subject, (os.PathLike, Path)):
            path = Path(subject)
            return path.read_bytes().decode("utf-8", "surrogateescape"), f"file {path}"
        raise TypeError(f"assert_no_secrets takes str, bytes, a path or caplog, not {type(subject).__name__}")


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


@pytest.fixture
def known_secrets(request: pytest.FixtureRequest) -> KnownSecrets:
    """The values the leak guard watches (masked); ``known_secrets.register(key, value)`` adds one."""
    return KnownSecrets(_plugin(request.config))


@pytest.fixture
def assert_no_secrets(request: pytest.FixtureRequest) -> NoSecretsAssertion:
    """``assert_no_secrets(text | bytes | path | caplog)`` fails the test if a watched value is in it."""
    return NoSecretsAssertion(_plugin(request.config))


class GuardedCapture(Generic[AnyStr]):
    """Pytest's capture fixture, with what ``readouterr()`` returns checked by the guard."""

    def __init__(self, fixture: pytest.CaptureFixture[AnyStr], plugin: Any, name: str) -> None:
        self._fixture: pytest.CaptureFixture[AnyStr] = fixture
        self._plugin = plugin
        self._name = name

    def readouterr(self) -> Any:
        result = self._fixture.readouterr()
        for stream, value in (("stdout", result.out), ("stderr", result.err)):
            text = value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
            self._plugin.scan_live(text, f"{stream} read through {self._name}.readouterr()")
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fixture, name)


@pytest.fixture(name="capsys")
def guarded_capsys(capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> GuardedCapture[str]:
    """pytest's ``capsys``; what ``readouterr()`` returns is checked by the leak guard."""
    return GuardedCapture(capsys, _plugin(request.config), "capsys")


@pytest.fixture(name="capfd")
def guarded_capfd(capfd: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> GuardedCapture[str]:
    """pytest's ``capfd``; what ``readouterr()`` returns is checked by the leak guard."""
    return GuardedCapture(capfd, _plugin(request.config), "capfd")


@pytest.fixture(name="capsysbinary")
def guarded_capsysbinary(capsysbinary: pytest.CaptureFixture[bytes], request: pytest.FixtureRequest) -> GuardedCapture[bytes]:
    """pytest's ``capsysbinary``; what ``readouterr()`` returns is checked by the leak guard."""
    return GuardedCapture(capsysbinary, _plugin(request.config), "capsysbinary")


@pytest.fixture(name="capfdbinary")
def guarded_capfdbinary(capfdbinary: pytest.CaptureFixture[bytes], request: pytest.FixtureRequest) -> GuardedCapture[bytes]:
    """pytest's ``capfdbinary``; what ``readouterr()`` returns is checked by the leak guard."""
    return GuardedCapture(capfdbinary, _plugin(request.config), "capfdbinary")


@pytest.fixture(name="capteesys")
def guarded_capteesys(capteesys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> GuardedCapture[str]:
    """pytest's ``capteesys``; what ``readouterr()`` returns is checked by the leak guard."""
    return GuardedCapture(capteesys, _plugin(request.config), "capteesys")
