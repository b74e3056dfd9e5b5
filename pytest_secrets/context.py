"""Per-process state shared by the checks of one session: settings, inventory, cache."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_secrets.settings import AuditSettings

if TYPE_CHECKING:
    import pytest

    from pytest_secrets.inventory import Inventory

T = TypeVar("T")

CACHE_PREFIX = "pytest-secrets/"


class AuditContext:
    """What a check may use. Built lazily, once per process (xdist workers build their own).

    ``cache`` is pytest's cache; values stored there must never contain a secret (store
    blob ids and fingerprints only). ``can_write_cache`` is False on xdist workers.
    """

    def __init__(self, settings: AuditSettings, cache: pytest.Cache | None, can_write_cache: bool) -> None:
        self.settings = settings
        self.cache = cache
        self.can_write_cache = can_write_cache
        self._shared: dict[str, Any] = {}
        self._notes: dict[str, list[str]] = {}

    @cached_property
    def allowlist(self) -> tuple[str, ...]:
        """Accepted fingerprints: the ``secrets_allowlist`` setting plus the allowlist file."""
        from pytest_secrets.allowlist import read_allowlist

        return self.settings.allowlist + read_allowlist(self.settings.root / self.settings.allowlist_file)

    @cached_property
    def inventory(self) -> Inventory:
        from pytest_secrets.inventory import build_inventory

        return build_inventory(self.settings, os.environ)

    def shared(self, name: str, compute: Callable[[], T]) -> T:
        """Compute an expensive result once per process and hand it to every check that asks."""
        if name not in self._shared:
            self._shared[name] = compute()
        result: T = self._shared[name]
        return result

    def note(self, check: str, text: str) -> None:
        """Record something a check did not audit (and why); shown in the run's summary."""
        self._notes.setdefault(check, []).append(text)

    def take_notes(self, check: str) -> list[str]:
        return self._notes.pop(check, [])

    def cache_get(self, key: str) -> Any:
        """Read a JSON value from the pytest cache (``pytest-secrets/<key>``), or None."""
        if self.cache is None:
            return None
        return self.cache.get(CACHE_PREFIX + key, None)

    def cache_set(self, key: str, value: Any) -> bool:
        """Write a JSON value to the pytest cache if this process may; returns whether it did."""
        if self.cache is None or not self.can_write_cache:
            return False
        json.dumps(value)  # fail here, in our code, if the value is not plain JSON
        self.cache.set(CACHE_PREFIX + key, value)
        return True
