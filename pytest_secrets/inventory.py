"""The secret inventory: which keys a project declares, which are secrets, what values it has.

Every later check starts here. Values are read with python-dotenv (never loaded into
``os.environ``) and held as :class:`~pytest_secrets.values.SecretValue`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pytest_secrets import classify
from pytest_secrets.adapters.dotenv import ParsedEnvFile, parse_env_file
from pytest_secrets.settings import TEMPLATE_SUFFIXES, AuditSettings
from pytest_secrets.values import SecretValue

ENVIRONMENT_SOURCE = "environment"
DEVELOPMENT = "development"


@dataclass(frozen=True)
class Inventory:
    """Declared keys, real env files and known secret values of one project."""

    root: Path
    example: ParsedEnvFile | None
    env_files: tuple[ParsedEnvFile, ...]
    environment: Mapping[str, SecretValue] = field(default_factory=dict)
    secret_key_names: frozenset[str] = frozenset()

    def relative(self, path: Path) -> str:
        """A path as shown in findings: relative to the project folder, POSIX separators."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def declared_keys(self) -> tuple[str, ...]:
        return tuple(self.example.values()) if self.example else ()

    @property
    def development_files(self) -> tuple[ParsedEnvFile, ...]:
        """The files a developer runs with: ``.env`` (what ``load_dotenv()`` reads by default),
        ``.env.local``, ``.env.development``, ... (see ``environments.environment_of``)."""
        from pytest_secrets.environments import environment_of

        return tuple(parsed for parsed in self.env_files if environment_of(parsed.path.name) == DEVELOPMENT)

    def is_secret(self, key: str) -> bool:
        return key in self.secret_key_names

    def known_secrets(self) -> tuple[SecretValue, ...]:
        """Every real value of a secret key, from env files and the environment.

        Placeholders and empty values are left out. For a URL with a password, the password
        alone is a known value too (it leaks on its own, e.g. in connection parameters).
        """
        found: list[SecretValue] = []
        for parsed in self.env_files:
            source = self.relative(parsed.path)
            for entry in parsed.entries:
                if self.is_secret(entry.key) and not classify.is_placeholder(entry.value):
                    assert entry.value is not None
                    found.extend(_with_url_password(entry.key, entry.value, f"{source}:{entry.line}"))
        for key, secret in self.environment.items():
            if self.is_secret(key) and not classify.is_placeholder(secret.reveal()):
                found.extend(_with_url_password(key, secret.reveal(), ENVIRONMENT_SOURCE))
        unique: dict[tuple[str, str], SecretValue] = {}
        for secret in found:
            unique.setdefault((secret.key, secret.digest), secret)
        return tuple(unique.values())


def secret_parts(key: str, value: str) -> list[tuple[str, str]]:
    """``(label, value)`` for a value and, for a URL with a password, the password alone."""
    parts = [(key, value)]
    password = classify.url_password(value)
    if password and not classify.is_placeholder(password):
        parts.append((f"{key} (password)", password))
    return parts


def _with_url_password(key: str, value: str, source: str) -> list[SecretValue]:
    # Well-known defaults (minioadmin, changeme) are public words, not values to hunt for in
    # history or output; secret-strength reports them.
    return [
        SecretValue(label, part, source)
        for label, part in secret_parts(key, value)
        if not classify.is_insecure_default(part)
    ]


def is_template(name: str, example_file: str) -> bool:
    return name == Path(example_file).name or name.endswith(TEMPLATE_SUFFIXES)


def find_env_files(settings: AuditSettings) -> list[Path]:
    """Real env files matching the configured globs (templates excluded), ``.env`` first."""
    found: set[Path] = set()
    for pattern in settings.env_files:
        for path in settings.root.glob(pattern):
            if path.is_file() and not is_template(path.name, settings.example_file):
                found.add(path)
    return sorted(found, key=lambda path: (path.name != ".env", path.as_posix()))


def classify_secret_keys(
    settings: AuditSettings, files: list[ParsedEnvFile], environment: Mapping[str, str]
) -> frozenset[str]:
    """Keys that are secrets: by name or by value, then the configured overrides."""
    keys: set[str] = set()
    values: dict[str, list[str]] = {}
    for parsed in files:
        for entry in parsed.entries:
            keys.add(entry.key)
            if entry.value:
                values.setdefault(entry.key, []).append(entry.value)
    for key, value in environment.items():
        values.setdefault(key, []).append(value)
    secret = set()
    for key in keys:
        if classify.matches_any(key, settings.public_keys):
            continue
        configured = classify.matches_any(key, settings.secret_keys)
        found_values = values.get(key, ())
        if not configured and found_values and all(classify.is_flag(value) for value in found_values):
            continue  # ALLOW_PASSWORD_LOGIN=true: a switch about secrets, not one
        by_name = configured or classify.name_looks_secret(key)
        by_value = any(classify.url_password(value) for value in found_values)
        if by_name or by_value:
            secret.add(key)
    return frozenset(secret)


def build_inventory(settings: AuditSettings, environ: Mapping[str, str]) -> Inventory:
    """Read the example file, the env files and the environment for declared keys."""
    example_path = settings.root / settings.example_file
    example = parse_env_file(example_path) if example_path.is_file() else None
    env_files = tuple(parse_env_file(path) for path in find_env_files(settings))
    all_files = ([example] if example else []) + list(env_files)
    known_keys = {entry.key for parsed in all_files for entry in parsed.entries}
    environment_values = (
        {key: environ[key] for key in sorted(known_keys) if key in environ} if settings.use_environment else {}
    )
    secret_keys = classify_secret_keys(settings, all_files, environment_values)
    environment = {key: SecretValue(key, value, ENVIRONMENT_SOURCE) for key, value in environment_values.items()}
    return Inventory(settings.root, example, env_files, environment, secret_keys)
