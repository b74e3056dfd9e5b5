"""Search raw blob bytes for the project's known secret values, in every encoded form.

One google-re2 pattern holds every form of every value (the redactor's ``encoded_forms``),
so a blob costs one linear scan. The pattern and the forms live only in this process's
memory: they are never pickled, logged or cached. Hits carry the key, the form's name, the
line and the value's fingerprint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pytest_secrets.redaction import encoded_forms, is_watchable
from pytest_secrets.values import SecretValue


@dataclass(frozen=True)
class KnownValueHit:
    key: str
    form: str
    line: int
    fingerprint: str


class KnownValueMatcher:
    """Finds known values (raw, base64, url, hex forms) in bytes."""

    def __init__(self, secrets: Iterable[SecretValue]) -> None:
        import hashlib

        secrets = list(secrets)
        owners: dict[bytes, tuple[str, str, str]] = {}
        for secret in secrets:
            value = secret.reveal()
            if not is_watchable(value):
                continue
            for form in encoded_forms(value):
                needle = form.text.encode("utf-8", "surrogateescape")
                owners.setdefault(needle, (secret.key, form.name, secret.fingerprint))
        self._owners = owners
        self._pattern = None
        if owners:
            import re2

            options = re2.Options()
            options.max_mem = 128 << 20
            needles = sorted(owners, key=len, reverse=True)
            self._pattern = re2.compile(b"|".join(re2.escape(needle) for needle in needles), options)
        # Names which values were searched (for the cache) without revealing them: a hash of
        # the values' own SHA-256 digests and key names.
        watched = sorted(f"{secret.key}\0{secret.digest}" for secret in secrets if is_watchable(secret.reveal()))
        self.values_key = hashlib.sha256("\n".join(watched).encode()).hexdigest()[:16]

    def __bool__(self) -> bool:
        return self._pattern is not None

    def find(self, data: bytes) -> list[KnownValueHit]:
        if self._pattern is None:
            return []
        hits: list[KnownValueHit] = []
        seen: set[tuple[str, str, int]] = set()
        for match in self._pattern.finditer(data):
            key, form, fingerprint = self._owners[match.group(0)]
            line = data.count(b"\n", 0, match.start()) + 1
            if (key, form, line) not in seen:
                seen.add((key, form, line))
                hits.append(KnownValueHit(key, form, line, fingerprint))
        return hits
