"""deploy-files: compose files, Dockerfiles and CI workflows reference secrets, never hold them.

A value is judged secret when its key's name says so (the inventory's rules and the
``secrets_secret_keys``/``secrets_public_keys`` settings), when it is the project's own value
from an env file, when it is a password inside a URL, or when detect-secrets recognises the
value itself. Low-entropy literals (``POSTGRES_PASSWORD: hunter2``) count; a reference
(``${VAR}``, ``${{ secrets.X }}``, ``$CI_VAR``), an ``env_file`` or an empty value does not.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from pytest_secrets import classify
from pytest_secrets.adapters import git_cli
from pytest_secrets.adapters.yaml_tree import Node
from pytest_secrets.context import AuditContext
from pytest_secrets.deploy_parsing import (
    DeployFile,
    Setting,
    read_compose,
    read_dockerfile,
    read_github_workflow,
    read_gitlab_ci,
)
from pytest_secrets.findings import CheckCannotRun, Finding
from pytest_secrets.history import project
from pytest_secrets.settings import TEMPLATE_SUFFIXES
from pytest_secrets.values import digest_of, fingerprint_of

NAME = "deploy-files"
# Folders holding other people's files, never searched for the project's deploy files.
VENDORED_DIRS = frozenset(
    {"node_modules", "vendor", "third_party", "third-party", "site-packages", "bower_components", ".venv", "venv",
     ".tox", ".nox", "__pypackages__", ".git"}
)
# with: inputs whose names look secret but are not (actions/cache's key and restore-keys).
PUBLIC_INPUTS = frozenset({"key", "restore-keys", "cache-key"})
# Detector types that judge the name or the shape, not the value; names are judged by us.
NAME_BASED_DETECTORS = frozenset({"Secret Keyword", "Public IP (ipv4)"})
ENTROPY_DETECTORS = frozenset({"Base64 High Entropy String", "Hex High Entropy String"})
# Key-name tokens of values that are random-looking by design (digests, commit ids).
DIGEST_TOKENS = frozenset({"SHA", "SHA1", "SHA256", "DIGEST", "CHECKSUM", "HASH", "COMMIT", "REF", "REV", "ETAG"})
INTERPOLATION = re.compile(r"\$\{\{.*?\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*|\$[A-Za-z_][A-Za-z0-9_]*")
COMPOSE_DEFAULT = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=](?P<default>[^}]*)\}$")

FIX_COMPOSE = (
    "reference the value instead: KEY: ${KEY} (or a URL built from ${DB_PASSWORD}), or move it to an env_file that "
    "is not committed (guide: Option 2: Docker Compose); if the file was ever committed, rotate the value "
    "(guide: Emergency: Secret Leaked)"
)
FIX_DOCKER_ENV = (
    "remove the value from the Dockerfile and pass it when the container runs (docker run --env-file, compose "
    "env_file): ENV values are baked into the image; if it was ever committed or pushed, rotate it"
)
FIX_DOCKER_ARG = (
    "remove the default: build args are visible to anyone with the image (docker history); pass build-time "
    "secrets with RUN --mount=type=secret,id=... and rotate the value"
)
FIX_COPY = (
    "do not copy secret files into the image: exclude them in .dockerignore and pass values at run time; "
    "rotate any secret that was in an image you pushed"
)
FIX_WORKFLOW = (
    "store the value as a repository secret and reference it: KEY: ${{ secrets.KEY }} (guide: Option 3: GitHub "
    "Actions Secrets); the committed value is in git history, so rotate it"
)
FIX_GITLAB = (
    "store the value as a masked CI/CD variable (Settings > CI/CD > Variables) and reference it as $KEY; "
    "the committed value is in git history, so rotate it"
)
FIX_ENV_FILE = (
    "untrack the env file (git rm --cached <file>, add it to .gitignore) and rotate the secrets it held; commit "
    "only a template with placeholders (guide: .env.example (commit this))"
)
FIX_YAML = "fix the YAML so the file can be read (and audited); the line named is where the parser stopped"


def find_deploy_files(root: Path, exclude: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Compose files, Dockerfiles and CI workflows under ``root`` by kind (POSIX paths relative to it).

    In a git repository, the files git would see (tracked, or untracked and not ignored);
    otherwise every file, without hidden folders other than ``.github``. Paths matching an
    ``exclude`` glob (``*`` crosses folders) are left out.
    """
    try:
        git_cli.top_level(root)
        candidates = git_cli.listed_files(root)
    except git_cli.GitUnavailable:
        candidates = _walk(root)
    found: dict[str, list[str]] = {"compose": [], "dockerfile": [], "github": [], "gitlab": []}
    for path in candidates:
        parts = path.split("/")
        if any(part in VENDORED_DIRS for part in parts[:-1]):
            continue
        if any(fnmatch.fnmatchcase(path, pattern.strip("/")) for pattern in exclude):
            continue
        kind = deploy_kind(path)
        if kind and (root / path).is_file():
            found[kind].append(path)
    return found


def deploy_kind(path: str) -> str | None:
    name = posixpath.basename(path)
    lower = name.lower()
    if re.fullmatch(r"(docker-)?compose[^/]*\.ya?ml", lower):
        return "compose"
    if lower in ("dockerfile", "containerfile") or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if re.fullmatch(r"\.github/workflows/[^/]+\.ya?ml", path):
        return "github"
    if path == ".gitlab-ci.yml":
        return "gitlab"
    return None


def _walk(root: Path) -> list[str]:
    paths = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs
            if d not in VENDORED_DIRS and (not d.startswith(".") or d == ".github") and not (here / d / "pyvenv.cfg").exists()
        )
        paths += [(here / name).relative_to(root).as_posix() for name in sorted(files)]
    return paths


def is_reference(value: str) -> bool:
    """The value (or part of it) is filled in elsewhere: ``${VAR}``, ``$VAR``, ``${{ secrets.X }}``.

    ``$$`` is an escaped, literal ``$`` (compose and GitLab), not a reference.
    """
    unescaped = value.replace("$$", "")
    return classify.is_reference(unescaped) or INTERPOLATION.search(unescaped) is not None


class DeployFilesCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "compose files, Dockerfiles and CI workflows reference secrets instead of holding them"

    def run(self, context: AuditContext) -> list[Finding]:
        settings = context.settings
        root = settings.root
        files = find_deploy_files(root, settings.deploy_exclude)
        if not any(files.values()):
            excluded = " (outside secrets_deploy_exclude)" if settings.deploy_exclude else ""
            raise CheckCannotRun(
                "no docker-compose files, Dockerfiles or CI workflows (.github/workflows/*.yml, .gitlab-ci.yml) "
                f"found{excluded}"
            )
        try:
            tracked: set[str] | None = set(git_cli.tracked_files(root))
        except git_cli.GitUnavailable:
            tracked = None
        audit = _DeployAudit(context, tracked)
        findings: list[Finding] = []
        readers: dict[str, Callable[[str, str], list[Finding]]] = {
            "compose": audit.compose, "dockerfile": audit.dockerfile, "github": audit.workflow, "gitlab": audit.workflow,
        }
        audited: set[str] = set()
        for kind, paths in files.items():
            for path in paths:
                try:
                    text = (root / path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as error:
                    context.note(NAME, f"{path} not audited: cannot be read as UTF-8 text ({type(error).__name__})")
                    continue
                findings += readers[kind](path, text)
                audited.add(path)
        # Which files were read, for the run's summary: a pass means little without it.
        read = {kind: [path for path in paths if path in audited] for kind, paths in files.items()}
        project.leave_report(context, NAME, {"summary": _audited_files(read)})
        return findings


KIND_NOUNS = {"compose": ("compose file", "compose files"), "dockerfile": ("Dockerfile", "Dockerfiles"),
              "github": ("GitHub workflow", "GitHub workflows"), "gitlab": ("GitLab CI file", "GitLab CI files")}


def _audited_files(read: dict[str, list[str]], named: int = 3) -> str:
    """``2 compose files (compose.yml, compose.override.yml), 15 GitHub workflows``: names up to ``named`` a kind."""
    parts = []
    for kind, paths in read.items():
        if paths:
            noun = KIND_NOUNS[kind][len(paths) != 1]
            parts.append(f"{len(paths)} {noun}" + (f" ({', '.join(paths)})" if len(paths) <= named else ""))
    return ", ".join(parts) or "no file could be read"


class _DeployAudit:
    """Judges the files of one run; holds the known secret digests and the tracked-file list."""

    def __init__(self, context: AuditContext, tracked: set[str] | None) -> None:
        self.context = context
        self.tracked = tracked
        self.known = {secret.digest: secret for secret in context.inventory.known_secrets()}

    # -- per kind ----------------------------------------------------------------------

    def _yaml(self, path: str, text: str) -> tuple[list[Finding], list[Node]]:
        from pytest_secrets.adapters.yaml_tree import YamlError, load_documents

        try:
            return [], list(load_documents(text))
        except YamlError as error:
            message = f"cannot be parsed as YAML ({error.problem}), so it was not audited"
            return [Finding(NAME, message, FIX_YAML, path=path, line=error.line)], []

    def compose(self, path: str, text: str) -> list[Finding]:
        problems, documents = self._yaml(path, text)
        if problems:
            return problems
        parsed = read_compose(documents)
        findings = self._judge(path, text, parsed, FIX_COMPOSE)
        flagged = {finding.line for finding in findings}
        for scalar in parsed.scalars:
            if scalar.line not in flagged and self._url_password_problem(scalar.value):
                findings.append(Finding(NAME, "a literal password inside a URL", FIX_COMPOSE, path=path,
                                        line=scalar.line, fingerprint=fingerprint_of(scalar.value)))
                flagged.add(scalar.line)
        folder = posixpath.dirname(path)
        for ref in parsed.env_files:
            if is_reference(ref.path):
                continue
            target = posixpath.normpath(posixpath.join(folder, ref.path))
            if self.tracked is None:
                self.context.note(NAME, f"{path}:{ref.line}: cannot tell whether env_file {ref.path} is tracked (no git)")
            elif target in self.tracked:
                message = f"the {ref.where} is {target}, a file tracked by git: its values are committed"
                findings.append(Finding(NAME, message, FIX_ENV_FILE, path=path, line=ref.line))
        return sorted(findings, key=lambda finding: finding.line or 0)

    def workflow(self, path: str, text: str) -> list[Finding]:
        problems, documents = self._yaml(path, text)
        if problems:
            return problems
        gitlab = path == ".gitlab-ci.yml"
        parsed = (read_gitlab_ci if gitlab else read_github_workflow)(documents)
        return self._judge(path, text, parsed, FIX_GITLAB if gitlab else FIX_WORKFLOW)

    def dockerfile(self, path: str, text: str) -> list[Finding]:
        parsed = read_dockerfile(text)
        findings = self._judge(path, text, parsed, FIX_DOCKER_ENV)
        for setting in parsed.settings:
            if setting.kind == "arg" and setting.value is None and self._key_is_secret(setting):
                self.context.note(NAME, f"{path}:{setting.line}: build arg {setting.key} has no default, but a value "
                                        "passed with --build-arg is still visible in docker history; prefer RUN --mount=type=secret")
        folder = posixpath.dirname(path)
        for copy in parsed.copies:
            source = posixpath.basename(copy.path.rstrip("/")) or copy.path
            if self._is_secret_file_name(source):
                message = f"{copy.where} copies {copy.path} into the image"
                findings.append(Finding(NAME, message, FIX_COPY, path=path, line=copy.line))
            elif copy.path.rstrip("/") in (".", "./", "*"):
                for exposed in self._exposed_by_context(folder):
                    message = (f"{copy.where} copies the whole build context, and {exposed} is in it "
                               "(not excluded by .dockerignore)")
                    findings.append(Finding(NAME, message, FIX_COPY, path=path, line=copy.line))
        return sorted(findings, key=lambda finding: finding.line or 0)

    # -- judging values ----------------------------------------------------------------

    def _key_is_secret(self, setting: Setting) -> bool:
        key = setting.key
        settings = self.context.settings
        if classify.matches_any(key, settings.public_keys):
            return False
        if setting.kind == "input" and key.lower() in PUBLIC_INPUTS:
            return False
        return (self.context.inventory.is_secret(key) or classify.name_looks_secret(key)
                or classify.matches_any(key, settings.secret_keys))

    def _url_password_problem(self, value: str) -> bool:
        password = classify.url_password(value)
        return password is not None and not is_reference(password)

    def _judge(self, path: str, text: str, parsed: DeployFile, fix: str) -> list[Finding]:
        from pytest_secrets.adapters.detect_secrets import scan_text

        hits_by_line: dict[int, list[str]] = {}
        for hit in scan_text(path, text):
            hits_by_line.setdefault(hit.line, []).append(hit.type)
        findings = []
        for setting in parsed.settings:
            if setting.value is None or not setting.value.strip():
                continue
            value = setting.value.strip()
            reason = self._reason(setting, value, hits_by_line.get(setting.line, []))
            if reason is None:
                continue
            setting_fix = FIX_DOCKER_ARG if setting.kind == "arg" and fix == FIX_DOCKER_ENV else fix
            findings.append(Finding(NAME, f"{reason} in the {setting.where}", setting_fix, path=path,
                                    line=setting.line, key=setting.key, fingerprint=fingerprint_of(value)))
        return findings

    def _reason(self, setting: Setting, value: str, hit_types: list[str]) -> str | None:
        """Why this value is a committed secret, or None. Never quotes the value."""
        known = self.known.get(digest_of(value))
        if known is not None:
            return f"the real value of {known.key} (from {known.source})"
        password = classify.url_password(value)
        if password is not None:
            known = self.known.get(digest_of(password))
            if known is not None:
                return f"the real value of {known.key} (from {known.source}) inside a URL"
            if not is_reference(password):
                return "a literal password inside a URL"
        secret_name = self._key_is_secret(setting)
        arg = setting.kind == "arg"
        default = COMPOSE_DEFAULT.match(value)
        if default and default.group("default").strip() and secret_name:
            return "a literal default inside the reference"
        if is_reference(value):
            return None
        if secret_name and classify.is_flag(value):
            return None  # persist-credentials: false, USE_TOKEN_AUTH: "yes": a switch, not a secret
        if secret_name:
            return "a literal build arg (anyone with the image can read it: docker history)" if arg else "a literal value"
        tokens = classify.name_tokens(setting.key)
        # Random-looking by design: digests, commit ids, ids and versions.
        random_by_design = bool(set(tokens) & DIGEST_TOKENS) or bool(tokens and tokens[-1] in classify.PUBLIC_LAST_TOKENS)
        for hit_type in sorted(hit_types, key=lambda kind: kind in ENTROPY_DETECTORS):  # the specific type first
            if hit_type in NAME_BASED_DETECTORS or (hit_type in ENTROPY_DETECTORS and random_by_design):
                continue
            return f"a literal detect-secrets recognises ({hit_type})"
        return None

    # -- files copied into images ------------------------------------------------------

    def _is_secret_file_name(self, name: str) -> bool:
        settings = self.context.settings
        if name == Path(settings.example_file).name or name.endswith(TEMPLATE_SUFFIXES):
            return False
        if any(fnmatch.fnmatchcase(name, pattern.strip("/")) for pattern in settings.gitignore_patterns):
            return True
        return name == ".env" or name.startswith(".env.") or name.startswith(".env*")  # .env.production, COPY .env* ...

    def _exposed_by_context(self, folder: str) -> list[str]:
        """Secret files present in the build context (the Dockerfile's folder) that .dockerignore lets in."""
        context_dir = self.context.settings.root / folder
        try:
            names = sorted(entry.name for entry in os.scandir(context_dir) if entry.is_file())
        except OSError:
            return []
        rules = _dockerignore_rules(context_dir / ".dockerignore")
        exposed = []
        for name in names:
            if self._is_secret_file_name(name) and not _dockerignored(name, rules):
                exposed.append(posixpath.join(folder, name) if folder else name)
        return exposed


def _dockerignore_rules(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def _dockerignored(name: str, rules: list[str]) -> bool:
    """Whether a top-level file of the context is excluded (last matching rule wins, ``!`` re-includes)."""
    excluded = False
    for rule in rules:
        negated = rule.startswith("!")
        pattern = rule[1:] if negated else rule
        pattern = pattern.strip().lstrip("/").removeprefix("./").removeprefix("**/")
        if fnmatch.fnmatchcase(name, pattern) or pattern in ("*", "**"):
            excluded = not negated
    return excluded
