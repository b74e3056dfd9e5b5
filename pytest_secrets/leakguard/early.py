"""What the guard must do before the user's conftests are imported.

Two things cannot wait for ``pytest_configure``: canaries must be in ``os.environ`` before a
conftest imports the application's settings (which read the environment once, at import),
and with ``-s`` or ``--capture=tee-sys`` the standard streams must be wrapped before pytest's
capture saves them. The entry point's ``pytest_load_initial_conftests`` wrapper calls
:func:`start` first, outside pytest's own capture wrapper.

Command-line options are parsed only partially at that point, so the entry point resolves the
settings through ``plugin.EarlyOptions``, which reads ``known_args_namespace``. Everything
started here is undone by a cleanup registered on the config, which pytest runs after
``pytest_unconfigure``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from pytest_secrets import settings as settings_module

if TYPE_CHECKING:
    from pytest_secrets.leakguard.canary import PlantedCanaries
    from pytest_secrets.leakguard.guard import Leak, LeakGuard


@dataclass
class EarlyState:
    """Shared between the early hook and the guard plugin (in ``config.stash``)."""

    settings: settings_module.AuditSettings
    guard: LeakGuard
    canaries: PlantedCanaries
    streams: list[tuple[str, Any]] = field(default_factory=list)
    # Leaks seen by a live channel; the plugin points this at the running test.
    sinks: list[Any] = field(default_factory=list)
    phase: str = "session"

    def sink(self, leaks: list[Leak]) -> None:
        for target in self.sinks[-1:]:
            target(leaks)

    def current_phase(self) -> str:
        return self.phase


EARLY_KEY = pytest.StashKey[EarlyState]()


def start(config: pytest.Config, resolved: settings_module.AuditSettings) -> EarlyState | None:
    """Plant canaries, wrap uncaptured streams; register the undoing."""
    if not resolved.leak_guard:
        return None
    from pytest_secrets.leakguard.canary import PlantedCanaries
    from pytest_secrets.leakguard.guard import LeakGuard

    state = EarlyState(resolved, LeakGuard(), PlantedCanaries())
    config.stash[EARLY_KEY] = state
    config.add_cleanup(lambda: stop(state))
    if resolved.canary:
        from pytest_secrets.inventory import build_inventory
        from pytest_secrets.leakguard.canary import plant

        state.canaries = plant(build_inventory(resolved, os.environ), resolved, os.environ)
    capture = getattr(config.known_args_namespace, "capture", "fd")
    if capture in ("no", "tee-sys"):
        from pytest_secrets.leakguard.channels import MaskingStream

        for name in ("stdout", "stderr"):
            original = getattr(sys, name)
            setattr(sys, name, MaskingStream(original, name, state.guard, state.sink, state.current_phase))
            state.streams.append((name, original))
    return state


def stop(state: EarlyState) -> None:
    from pytest_secrets.leakguard.channels import MaskingStream

    for name, original in reversed(state.streams):
        current = getattr(sys, name)
        if isinstance(current, MaskingStream) and current.wrapped is original:
            setattr(sys, name, original)
    state.streams.clear()
    state.canaries.restore(os.environ)
