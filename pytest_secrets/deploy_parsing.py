"""Where deploy files set values: compose ``environment:``, Dockerfile ``ENV``/``ARG``, CI ``env:``.

Each reader turns one file into :class:`Setting` entries (a name, the literal text or None, the
line, and a phrase saying where) and :class:`FileRef` entries (``env_file``, ``COPY`` sources).
Judging whether a value is a secret is the check's job; this module only reads structure.
YAML arrives as :mod:`pytest_secrets.adapters.yaml_tree` nodes.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from pytest_secrets.adapters.yaml_tree import Mapping, Node, Scalar, Sequence

# Top-level keys of .gitlab-ci.yml that are not jobs.
GITLAB_KEYWORDS = frozenset(
    {"default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script",
     "after_script", "spec", "pages"}
)


@dataclass(frozen=True)
class Setting:
    """``key`` set to ``value`` (None: no value given, taken from elsewhere) at ``line``."""

    key: str
    value: str | None
    line: int
    where: str
    kind: str = "env"  # env, arg (build argument), input (a workflow step's with:), credential


@dataclass(frozen=True)
class FileRef:
    path: str
    line: int
    where: str


@dataclass
class DeployFile:
    settings: list[Setting] = field(default_factory=list)
    env_files: list[FileRef] = field(default_factory=list)
    copies: list[FileRef] = field(default_factory=list)
    scalars: list[Scalar] = field(default_factory=list)  # every string value, for URL credentials


# --- YAML helpers ---------------------------------------------------------------------


def _text(node: Node | None) -> str | None:
    """A scalar's text, None for null, a missing node, or a collection."""
    if isinstance(node, Scalar) and not node.is_null:
        return node.value
    return None


def _mapping_settings(node: Node | None, where: str, kind: str = "env") -> list[Setting]:
    """``KEY: value`` pairs, or ``- KEY=value`` / ``- KEY`` list items (compose's two forms)."""
    settings = []
    if isinstance(node, Mapping):
        for key, value in node.items:
            if isinstance(value, Mapping):  # GitLab's {value: ..., description: ...}
                inner = value.get("value")
                line = inner.line if isinstance(inner, Scalar) else key.line
                settings.append(Setting(key.value, _text(inner), line, where, kind))
            elif not isinstance(value, Sequence):
                settings.append(Setting(key.value, _text(value), key.line, where, kind))
    elif isinstance(node, Sequence):
        for item in node.items:
            text = _text(item)
            if text is None:
                continue
            name, sep, literal = text.partition("=")
            settings.append(Setting(name.strip(), literal if sep else None, item.line, where, kind))
    return settings


def _all_scalars(node: Node | None, out: list[Scalar]) -> None:
    if isinstance(node, Scalar):
        if not node.is_null:
            out.append(node)
    elif isinstance(node, Sequence):
        for item in node.items:
            _all_scalars(item, out)
    elif isinstance(node, Mapping):
        for _, value in node.items:
            _all_scalars(value, out)


# --- docker compose -------------------------------------------------------------------


def read_compose(documents: list[Node]) -> DeployFile:
    found = DeployFile()
    for document in documents:
        _all_scalars(document, found.scalars)
        services = document.get("services") if isinstance(document, Mapping) else None
        if not isinstance(services, Mapping):
            continue
        for name, service in services.items:
            if not isinstance(service, Mapping):
                continue
            where = f"environment of service {name.value!r}"
            found.settings += _mapping_settings(service.get("environment"), where)
            build = service.get("build")
            if isinstance(build, Mapping):
                found.settings += _mapping_settings(build.get("args"), f"build args of service {name.value!r}", "arg")
            found.env_files += _env_files(service.get("env_file"), f"env_file of service {name.value!r}")
    return found


def _env_files(node: Node | None, where: str) -> list[FileRef]:
    items = node.items if isinstance(node, Sequence) else (node,) if node is not None else ()
    refs = []
    for item in items:
        path = _text(item.get("path")) if isinstance(item, Mapping) else _text(item)
        if path:
            refs.append(FileRef(path, item.line, where))
    return refs


# --- CI workflows ---------------------------------------------------------------------


def read_github_workflow(documents: list[Node]) -> DeployFile:
    """``env:`` at workflow, job and step level; steps' ``with:``; containers' env and credentials."""
    found = DeployFile()
    for document in documents:
        if not isinstance(document, Mapping):
            continue
        found.settings += _mapping_settings(document.get("env"), "workflow env")
        jobs = document.get("jobs")
        if not isinstance(jobs, Mapping):
            continue
        for job_key, job in jobs.items:
            if not isinstance(job, Mapping):
                continue
            job_name = job_key.value
            found.settings += _mapping_settings(job.get("env"), f"env of job {job_name!r}")
            found.settings += _mapping_settings(job.get("with"), f"with: of job {job_name!r}", "input")
            found.settings += _mapping_settings(job.get("secrets"), f"secrets: of job {job_name!r}", "input")
            found.settings += _container_settings(job.get("container"), f"container of job {job_name!r}")
            services = job.get("services")
            if isinstance(services, Mapping):
                for service_key, service in services.items:
                    found.settings += _container_settings(service, f"service {service_key.value!r} of job {job_name!r}")
            steps = job.get("steps")
            if not isinstance(steps, Sequence):
                continue
            for number, step in enumerate(steps.items, start=1):
                if not isinstance(step, Mapping):
                    continue
                label = _text(step.get("name")) or _text(step.get("id")) or _text(step.get("uses")) or f"#{number}"
                where = f"step {label!r} of job {job_name!r}"
                found.settings += _mapping_settings(step.get("env"), f"env of {where}")
                found.settings += _mapping_settings(step.get("with"), f"with: of {where}", "input")
    return found


def _container_settings(node: Node | None, where: str) -> list[Setting]:
    if not isinstance(node, Mapping):
        return []
    settings = _mapping_settings(node.get("env"), f"env of {where}")
    credentials = node.get("credentials")
    if isinstance(credentials, Mapping):
        settings += _mapping_settings(credentials, f"credentials of {where}", "credential")
    return settings


def read_gitlab_ci(documents: list[Node]) -> DeployFile:
    """``variables:`` at the top level, in ``default:`` and in every job."""
    found = DeployFile()
    for document in documents:
        if not isinstance(document, Mapping):
            continue
        found.settings += _mapping_settings(document.get("variables"), "global variables")
        for key, job in document.items:
            if key.value in GITLAB_KEYWORDS - {"default"} or not isinstance(job, Mapping):
                continue
            found.settings += _mapping_settings(job.get("variables"), f"variables of job {key.value!r}")
    return found


# --- Dockerfiles ----------------------------------------------------------------------

_ESCAPE_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*([\\`])\s*$", re.IGNORECASE)
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)(?:\s+|$)(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Instruction:
    """One logical Dockerfile instruction, joined across continuation lines."""

    keyword: str
    arguments: str
    line: int
    lines: tuple[tuple[int, str], ...]  # (line number, physical text) it spans

    def line_of(self, token: str) -> int:
        """The physical line holding ``token`` (for a key on a continuation line)."""
        return next((number for number, text in self.lines if token in text), self.line)


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions with their lines; comments, blank lines and parser directives are skipped."""
    escape = "\\"
    physical = text.splitlines()
    for line in physical:
        directive = _ESCAPE_DIRECTIVE.match(line.strip())
        if directive:
            escape = directive.group(1)
            continue
        if not line.strip().startswith("#"):
            break  # directives are only honoured before the first instruction
    instructions: list[Instruction] = []
    buffer: list[str] = []
    spans: list[tuple[int, str]] = []
    for number, line in enumerate(physical, start=1):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue  # comments inside a continued instruction are dropped by Docker too
        spans.append((number, line))
        if stripped.endswith(escape):
            buffer.append(stripped[: -len(escape)])
            continue
        buffer.append(stripped)
        _emit(instructions, " ".join(part for part in buffer if part), spans)
        buffer, spans = [], []
    if buffer:
        _emit(instructions, " ".join(part for part in buffer if part), spans)
    return instructions


def _emit(instructions: list[Instruction], logical: str, spans: list[tuple[int, str]]) -> None:
    match = _INSTRUCTION.match(logical)
    if match:
        instructions.append(Instruction(match.group(1).upper(), match.group(2).strip(), spans[0][0], tuple(spans)))


def _words(arguments: str) -> list[str] | None:
    try:
        return shlex.split(arguments, comments=False, posix=True)
    except ValueError:
        return None


def _key_values(instruction: Instruction, legacy_env: bool) -> list[tuple[str, str | None]]:
    """``A=1 B="two words"``; for ENV also the legacy ``ENV KEY value with spaces``."""
    words = _words(instruction.arguments)
    if not words:
        return []
    if legacy_env and "=" not in words[0]:
        key, _, rest = instruction.arguments.partition(" ")
        rest_words = _words(rest.strip())
        return [(key, " ".join(rest_words) if rest_words is not None else rest.strip())]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        key, sep, value = word.partition("=")
        pairs.append((key, value if sep else None))
    return pairs


def read_dockerfile(text: str) -> DeployFile:
    """``ENV`` and ``ARG`` per build stage, and the sources of ``COPY``/``ADD`` from the build context."""
    found = DeployFile()
    stage = None
    stage_number = 0
    for instruction in dockerfile_instructions(text):
        keyword = instruction.keyword
        if keyword == "FROM":
            stage_number += 1
            words = _words(instruction.arguments) or []
            names = [w for w in words if not w.startswith("--")]
            named = len(names) >= 3 and names[1].lower() == "as"
            stage = f"build stage {names[2]!r}" if named else f"build stage {stage_number}"
            continue
        place = f"in {stage}" if stage else "before the first FROM"
        if keyword in ("ENV", "ARG"):
            kind = "env" if keyword == "ENV" else "arg"
            for key, value in _key_values(instruction, legacy_env=keyword == "ENV"):
                found.settings.append(Setting(key, value, instruction.line_of(key), f"{keyword} {place}", kind))
        elif keyword in ("COPY", "ADD"):
            words = _words(instruction.arguments) or []
            if any(word.startswith("--from") for word in words):
                continue  # copies from another stage or image, not from the build context
            paths = [word for word in words if not word.startswith("--")]
            if instruction.arguments.lstrip().startswith("["):  # JSON form
                paths = re.findall(r'"((?:[^"\\]|\\.)*)"', instruction.arguments)
            for source in paths[:-1]:
                found.copies.append(FileRef(source, instruction.line_of(source), f"{keyword} {place}"))
    return found
