"""The few questions the repository checks ask git itself, through its command line.

Ignore rules are answered by ``git check-ignore`` and ``git ls-files`` rather than by reading
``.gitignore`` files: negations, nested ``.gitignore`` files, ``.git/info/exclude`` and the
user's global excludes file all take part, exactly as they do when someone runs ``git add``.
Every command runs in the project folder with a fixed locale; none of them reads file contents.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pytest_secrets.adapters.git import first_error

TIMEOUT_SECONDS = 60


class GitUnavailable(Exception):
    """git is not installed, or the folder is not inside a git work tree; the text says which."""


@dataclass(frozen=True)
class IgnoreVerdict:
    """What git decides for one path: ignored or not, and the rule that decided.

    ``source`` is the file holding the deciding rule (``.gitignore``, ``sub/.gitignore``,
    ``.git/info/exclude``, the global excludes file), relative to the folder git ran in; it
    is None when no rule matches. A matching rule that starts with ``!`` un-ignores the path.
    A source outside that folder keeps git's spelling (``../.gitignore``, an absolute path).
    """

    path: str
    source: str | None = None
    line: int | None = None
    pattern: str | None = None

    @property
    def ignored(self) -> bool:
        return self.pattern is not None and not self.pattern.startswith("!")


def _run(folder: Path, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
    environment = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, input=stdin, capture_output=True, env=environment,
            timeout=TIMEOUT_SECONDS, check=False,
        )
    except FileNotFoundError:
        raise GitUnavailable("git is not installed (no 'git' on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitUnavailable(f"'git {args[0]}' took longer than {TIMEOUT_SECONDS} s") from None
    if result.returncode not in ok:
        message = result.stderr.decode("utf-8", "replace")
        reason = first_error(message) if message.strip() else f"'git {args[0]}' exited with {result.returncode}"
        raise GitUnavailable(reason)
    return result.stdout


def top_level(folder: Path) -> Path:
    """The work tree holding ``folder``; raises GitUnavailable when there is none."""
    try:
        output = _run(folder, "rev-parse", "--show-toplevel")
    except GitUnavailable as error:
        if "not a git repository" in str(error):
            raise GitUnavailable("the project folder is not inside a git repository") from None
        raise
    return Path(output.decode("utf-8", "surrogateescape").strip())


def path_from_top(top: Path, path: Path) -> str:
    """``path`` as git and pre-commit name it: relative to the repository's top folder."""
    try:
        return path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def hook_path(folder: Path, name: str) -> Path:
    """Where git runs the ``name`` hook from: the shared hooks folder of a worktree, or
    ``core.hooksPath`` when set (``git rev-parse --git-path`` knows both)."""
    output = _run(folder, "rev-parse", "--git-path", f"hooks/{name}")
    return folder / output.decode("utf-8", "surrogateescape").strip()  # absolute stays absolute


def _split(output: bytes) -> list[str]:
    return [part.decode("utf-8", "surrogateescape") for part in output.split(b"\0")]


def check_ignore(folder: Path, paths: list[str]) -> list[IgnoreVerdict]:
    """git's verdict for each path (relative to ``folder``; the files need not exist).

    ``--no-index`` makes git answer by its rules alone, also for paths that are tracked.
    """
    if not paths:
        return []
    stdin = b"".join(path.encode("utf-8", "surrogateescape") + b"\0" for path in paths)
    output = _run(folder, "check-ignore", "--no-index", "--verbose", "--non-matching", "--stdin", "-z",
                  stdin=stdin, ok=(0, 1))
    fields = _split(output)
    top = top_level(folder)
    verdicts = []
    for index in range(0, len(fields) - 3, 4):
        source, line, pattern, path = fields[index:index + 4]
        if not source:
            verdicts.append(IgnoreVerdict(path))
        else:
            verdicts.append(IgnoreVerdict(path, _relative_source(source, top, folder), int(line), pattern))
    return verdicts


def _relative_source(source: str, top: Path, folder: Path) -> str:
    """git names rule files relative to the work tree's top; we name them relative to ``folder``."""
    if os.path.isabs(source):
        return source
    return Path(os.path.relpath(top / source, folder.resolve())).as_posix()


def tracked_matching(folder: Path, pattern: str) -> list[str]:
    """Tracked files under ``folder`` that the ignore pattern matches (git's matching rules)."""
    output = _run(folder, "ls-files", "--cached", "--ignored", "-z", f"--exclude={pattern}")
    return [path for path in _split(output) if path]


def tracked_files(folder: Path) -> list[str]:
    """Every tracked file under ``folder``, relative to it."""
    return [path for path in _split(_run(folder, "ls-files", "--cached", "-z")) if path]


def tracked_blob_ids(folder: Path) -> dict[str, str]:
    """Every tracked file under ``folder`` (relative to it) and the id of its staged content."""
    ids = {}
    for entry in _split(_run(folder, "ls-files", "--stage", "-z")):
        meta, _, path = entry.partition("\t")
        fields = meta.split()
        if path and len(fields) == 3:
            ids[path] = fields[1]
    return ids


def listed_files(folder: Path) -> list[str]:
    """Tracked files plus untracked ones that are not ignored: what ``git add -A`` would see."""
    output = _run(folder, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    return sorted({path for path in _split(output) if path})
