"""``pytest-secrets generate KEY``: a strong value of the right kind, written into an env file.

The kind follows the secret-strength rules: a Fernet key for encryption keys, 32 random bytes
as a URL-safe token (43 characters) for signing keys and every other secret, and for a
connection URL (``DATABASE_URL``) a new password inside the URL already there.

What it replaces, without ``--force``: nothing but an empty value, a placeholder or a
well-known default (``changeme``, ``minioadmin``). A real value may be in use (a new signing
key logs every user out; a new encryption key makes stored data unreadable), so replacing one
is a rotation: it needs ``--force``. A value that already passes the check is left alone, so a
second run changes nothing. ``--force`` also allows a key whose name does not look secret.

The env file must be one git ignores and does not track (the command refuses to put a secret
where ``git add`` would pick it up); a missing file is created, readable by its owner only.
Every other line of the file stays byte for byte as it was. Only the key and file are printed.
"""

from __future__ import annotations

import argparse
import base64
import re
import secrets
import urllib.parse
from pathlib import Path

from pytest_secrets import classify, strength
from pytest_secrets.adapters import git_cli
from pytest_secrets.cli.common import EXIT_USAGE, CommandError, Report, read_text, shown, write_text
from pytest_secrets.cli.project_settings import project_settings
from pytest_secrets.settings import StrengthRule

NAME = "generate"
HELP = "Write a strong value for KEY into an env file (.env by default)."
DESCRIPTION = (
    "Write a strong value of the right kind for KEY into the env file: a Fernet key for encryption keys, a 43-character "
    "URL-safe token for signing keys and other secrets, a new password inside a connection URL. An empty value, a "
    "placeholder or a well-known default is replaced; a real value only with --force. Prints the key and file, never "
    "the value."
)
KEY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
TOKEN_BYTES = 32
URL_KEY_SUFFIXES = ("_URL", "_URI", "_DSN")
# Keys a provider issues (their rotation procedure starts at the provider): a generated value only
# works where the project's own service is the one checking it.
PROVIDER_NOTE = (
    "if a provider issues {key} (an API key or token from a dashboard), put the provider's value there instead: a "
    "generated one only works for keys your own service checks"
)


def key_name(text: str) -> str:
    if not KEY_NAME.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an environment variable name")
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", metavar="KEY", type=key_name, help="The variable to set, e.g. SECRET_KEY.")
    parser.add_argument("--env-file", default=".env", metavar="FILE",
                        help="The env file to write, relative to the project folder (default: .env).")
    parser.add_argument("--force", action="store_true",
                        help="Replace a real value too (a rotation), and allow a key whose name does not look secret.")


def fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(TOKEN_BYTES)).decode("ascii")


def token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def strong_value(key: str, current: str | None, rules: tuple[StrengthRule, ...] = ()) -> tuple[str, str]:
    """``(value, what it is)``: a value secret-strength accepts for ``key`` (under ``rules``)."""
    rule = strength.rule_for(key, rules)
    if is_url_key(key, current):
        return _url_value(key, current), "a new password in its connection URL"
    make, kind = (fernet_key, "a Fernet key") if rule == "fernet" else (token, "a 43-character URL-safe token")
    value = make()
    while strength.weaknesses(value, rule):  # a random word such as "here..." reads as a placeholder
        value = make()
    return value, kind


def is_url_key(key: str, current: str | None) -> bool:
    upper = key.upper()
    return upper.endswith(URL_KEY_SUFFIXES) or upper == "DSN" or bool(current and "://" in current)


def _url_value(key: str, current: str | None) -> str:
    """``current`` with a generated password; a URL cannot be made up (user, host, database)."""
    cannot = (f"{key} holds a connection URL, which needs a user, host and database: write the URL first (with any "
              f"password, e.g. postgresql://app:<password>@localhost:5432/app), then run generate again for its password")
    if not current or "://" not in current:
        raise CommandError(cannot)
    try:
        parts = urllib.parse.urlsplit(current)
    except ValueError:
        raise CommandError(cannot) from None
    userinfo, at, hostinfo = parts.netloc.rpartition("@")
    if not at or not userinfo:
        raise CommandError(f"{key}'s URL has no user to give a password to; add one (scheme://user@host/...), then "
                           "run generate again")
    user = userinfo.split(":", 1)[0]
    password = token()
    while strength.weaknesses(password, "signing"):
        password = token()
    return urllib.parse.urlunsplit((parts.scheme, f"{user}:{password}@{hostinfo}", parts.path, parts.query, parts.fragment))


def replaceable(value: str | None) -> bool:
    """Whether a value is only a stand-in: empty, a placeholder, a well-known default."""
    if value is None or not value.strip():
        return True
    return classify.is_insecure_default(value) or classify.is_placeholder(value)


def _password_part(key: str, value: str | None) -> str | None:
    if value and is_url_key(key, value):
        return classify.url_password(value)
    return value


def check_not_committable(root: Path, path: Path) -> None:
    """Refuse an env file git would commit: tracked, or not ignored."""
    try:
        relative = path.resolve().relative_to(root).as_posix()
    except ValueError:
        return  # outside the project folder: the user chose it on purpose
    try:
        git_cli.top_level(root)
        tracked = relative in git_cli.tracked_files(root)
        verdicts = git_cli.check_ignore(root, [relative])
    except git_cli.GitUnavailable:
        return  # not a git repository: nothing to commit it to
    fix = "run: pytest-secrets init (it adds the guide's .gitignore entries)"
    if tracked:
        raise CommandError(f"{relative} is tracked by git, so a secret written there would be committed: "
                           f"git rm --cached {relative}, rotate what it held, and ignore it ({fix})")
    if not verdicts or not verdicts[0].ignored:
        raise CommandError(f"git does not ignore {relative}, so a secret written there could be committed; {fix}")


def run(arguments: argparse.Namespace) -> int:
    from pytest_secrets.adapters.dotenv_source import EnvEditError, read_bindings, replace_value

    settings = project_settings(arguments.root)
    root = settings.root
    key: str = arguments.key
    path = root / arguments.env_file
    name = shown(path, root)
    if path.exists() and not path.is_file():
        raise CommandError(f"--env-file {arguments.env_file}: not a file", EXIT_USAGE)
    named_secret = classify.matches_any(key, settings.secret_keys) or (
        classify.name_looks_secret(key) and not classify.matches_any(key, settings.public_keys)
    )
    if not named_secret and not is_url_key(key, None) and not arguments.force:
        raise CommandError(f"{key} does not look like a secret by its name (KEY, SECRET, TOKEN, PASSWORD, ...); "
                           "pass --force to generate a value for it anyway")
    check_not_committable(root, path)
    report = Report()
    text = read_text(path) if path.exists() else ""
    bindings = [binding for binding in read_bindings(text) if binding.key == key]
    current = bindings[-1].value if bindings else None
    rule = strength.rule_for(key, settings.strength_rules)
    if not replaceable(_password_part(key, current)) and not arguments.force:
        problems = strength.weaknesses(current, rule)
        if not problems:
            report.unchanged(name, f"{key} already holds a value the secret-strength check accepts; "
                                   "--force replaces it (a rotation: see pytest-secrets rotate)")
            return report.finish(f"{key} is already set")
        raise CommandError(
            f"{key} in {name} {problems[0][0]}, but it is a real value that may be in use: replacing it is a "
            f"rotation. Follow: pytest-secrets rotate {key}, and replace it with: pytest-secrets generate {key} --force"
        )
    value, kind = strong_value(key, current, settings.strength_rules)
    try:
        new_text = replace_value(text, key, value)
    except EnvEditError as error:
        raise CommandError(f"{name}: {error}") from None
    created = not path.exists()
    write_text(path, new_text, private=True)
    action = "set" if bindings else "added"
    report.changed(name, f"{'created, ' if created else ''}{action} {key} ({kind})")
    if bindings and not replaceable(_password_part(key, current)):
        if rule == "fernet":
            report.to_do(f"{key} changed: data encrypted with the old key is unreadable until re-encrypted with the "
                         "new one (guide: Rotation Procedure, ENCRYPTION_KEY)")
        else:
            report.to_do(f"{key} changed: update it in every environment that uses it (guide: Rotation Procedure)")
    if is_url_key(key, current):
        report.to_do(f"set the same password for the database user named in {key} (the URL's password changed)")
    elif any(token in ("API", "APIKEY", "TOKEN", "TOKENS") or token.endswith("APIKEY") for token in classify.name_tokens(key)):
        report.to_do(PROVIDER_NOTE.format(key=key))
    return report.finish("")
