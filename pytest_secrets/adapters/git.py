"""git, through its own plumbing commands (no GitPython): listing refs, blobs and commits, and
reading blob contents through one streaming ``git cat-file --batch`` process.

Every function takes the repository's top-level folder. Errors become :class:`GitError`
with a sentence a user can act on; no message includes file contents.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """git failed or the repository cannot be read; the message says what to do."""


class GitRefused(GitError):
    """git will not read the repository (owned by another user, damaged...); ``fix`` says what
    to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


class GitMissing(GitError):
    """The git executable is not installed or not on PATH."""


def git_executable() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitMissing("git is not installed (or not on PATH)")
    return found


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never take the index lock for a read-only audit
    # A partial clone fetches missing objects from its remote when a command needs them: one
    # fetch per object, over the network. git 2.44+ honours this; for older gits the listing
    # passes --missing=print and nothing else reads a missing object.
    env["GIT_NO_LAZY_FETCH"] = "1"
    env.setdefault("LC_ALL", "C")
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def run(root: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
    """Run ``git -C root args`` and return stdout; raise :class:`GitError` on failure."""
    command = [git_executable(), "-C", str(root), "-c", "core.quotepath=off", *args]
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, env=_env(), check=False)
    except OSError as error:
        raise GitMissing(f"git could not be started: {error.strerror}") from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {result.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}")
    return result.stdout


class Pending:
    """A git command started now, its result read later: the caller works meanwhile (imports
    detect-secrets, forks workers). Output goes to temporary files, so there is no pipe to
    drain and no thread (a process that forks should have none)."""

    def __init__(self, root: Path, *args: str, stdin: bytes | None = None) -> None:
        self.args = args
        command = [git_executable(), "-C", str(root), "-c", "core.quotepath=off", *args]
        self._stdout = tempfile.TemporaryFile()
        self._stderr = tempfile.TemporaryFile()
        with tempfile.TemporaryFile() as source:
            source.write(stdin or b"")
            source.seek(0)
            try:
                self._process = subprocess.Popen(command, stdin=source, stdout=self._stdout, stderr=self._stderr, env=_env())
            except OSError as error:
                self._close()
                raise GitMissing(f"git could not be started: {error.strerror}") from None

    def result(self) -> bytes:
        """stdout, once git has finished; :class:`GitError` as :func:`run` raises it."""
        try:
            code = self._process.wait()
            self._stdout.seek(0)
            out = self._stdout.read()
            self._stderr.seek(0)
            err = self._stderr.read()
        finally:
            self._close()
        if code != 0:
            message = err.decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit status {code}"
            raise GitError(f"git {self.args[0]} failed: {detail}")
        return out

    def succeeded(self) -> bytes | None:
        """stdout, or None if git failed (the caller has another way)."""
        try:
            return self.result()
        except GitError:
            return None

    def _close(self) -> None:
        self._stdout.close()
        self._stderr.close()


def toplevel(path: Path) -> Path | None:
    """The work tree's top folder containing ``path``, or None if it is not in a repository;
    :class:`GitRefused` if it is in one git will not read."""
    command = [git_executable(), "-C", str(path), "rev-parse", "--show-toplevel"]
    try:
        # Untranslated messages: they tell "no repository" from "a repository git refuses".
        result = subprocess.run(command, capture_output=True, env={**_env(), "LC_ALL": "C"}, check=False)
    except OSError as error:
        raise GitMissing(f"git could not be started: {error.strerror}") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace")
        if "not a git repository" in reason:
            return None
        if "dubious ownership" in reason:
            named = re.search(r"dubious ownership in repository at '(.+)'", reason)
            top = named.group(1) if named else "<the repository's top folder>"
            raise GitRefused(
                f"git refuses to read the repository at {top}: it belongs to another user "
                "(git's safe.directory check), so it was not audited",
                "Run the audit as the repository's owner, or mark it safe: "
                f"git config --global --add safe.directory {top}",
            )
        raise GitRefused(
            f"git cannot read the repository holding {path} ({first_error(reason)}), so it was not audited",
            "Run 'git status' there to see why.",
        )
    text = result.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(text) if text else None


def first_error(stderr: str) -> str:
    """git's own reason: its first ``fatal:`` or ``error:`` line, else its last line."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal: ", "error: ")):
            return line.partition(": ")[2]
    return lines[-1] if lines else "no reason given"


def git_path(root: Path, name: str) -> Path:
    """Where git keeps ``name`` (``shallow``, ``hooks/pre-commit``): in a worktree, some of it
    lives in the main repository's folder, which ``git rev-parse --git-path`` knows."""
    text = run(root, "rev-parse", "--git-path", name).decode("utf-8", "surrogateescape").strip()
    return root / text  # an absolute answer stays absolute


@dataclass(frozen=True)
class Ref:
    name: str
    sha: str


def refs(root: Path) -> list[Ref]:
    """Every ref (branches, remote branches, tags, stash, notes...) with the object it names."""
    out = run(root, "for-each-ref", "--format=%(objectname) %(refname)")
    result = []
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        sha, _, name = line.partition(" ")
        if sha:
            result.append(Ref(name, sha))
    return result


def head(root: Path) -> tuple[str | None, str | None]:
    """(sha of HEAD or None when there is no commit, branch name or None when detached)."""
    sha_out = run(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).decode().strip()
    branch = run(root, "symbolic-ref", "-q", "--short", "HEAD", check=False).decode("utf-8", "replace").strip()
    return (sha_out or None), (branch or None)


def stash_commits(root: Path) -> list[str]:
    """Every stash entry (``refs/stash`` names only the newest; the others live in its reflog)."""
    out = run(root, "reflog", "show", "--format=%H", "refs/stash", "--", check=False)
    return [line for line in out.decode().split() if is_object_id(line)]


def is_shallow(root: Path) -> bool:
    return run(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"


def shallow_boundary(root: Path) -> list[str]:
    path = git_path(root, "shallow")
    try:
        return [line.strip() for line in path.read_text().splitlines() if line.strip()]
    except OSError:
        return []


def count_commits(root: Path, tips: Iterable[str], started: Pending | None = None) -> int:
    """The commits reachable from ``tips``; ``started`` is :func:`start_count_commits`'s."""
    tip_list = sorted(set(tips))
    if not tip_list:
        return 0
    pending = started or start_count_commits(root, tip_list)
    return int(pending.result().decode().strip() or 0)


def start_count_commits(root: Path, tips: Iterable[str]) -> Pending:
    return Pending(root, "rev-list", "--count", "--stdin", stdin=_stdin(tips))


def _stdin(tips: Iterable[str]) -> bytes:
    return "".join(f"{tip}\n" for tip in sorted(set(tips))).encode()


def unquote_path(text: str) -> str:
    """Undo git's C-style quoting of unusual path names."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        raw = codecs.escape_decode(text[1:-1].encode("utf-8", "surrogateescape"))[0]
        assert isinstance(raw, bytes)
        return raw.decode("utf-8", "surrogateescape")
    return text


# A full object id: 40 hex digits (SHA-1), or 64 in a SHA-256 repository.
_OBJECT_ID = re.compile("[0-9a-f]{40}(?:[0-9a-f]{24})?")


def is_object_id(text: str) -> bool:
    return _OBJECT_ID.fullmatch(text) is not None


@dataclass(frozen=True)
class Listing:
    """Every blob reachable from the tips, each with the first path git names it by, and the
    reachable objects missing from the object store (a partial clone's unfetched objects, or
    corruption): git cannot say what those are or what they hold."""

    blobs: dict[str, str]
    missing: list[str]


def reachable_blobs(
    root: Path, tips: Iterable[str], started: Pending | None = None, partial: bool = False
) -> Listing:
    """The :class:`Listing` of ``tips``; ``started`` is :func:`start_reachable_blobs`'s.

    ``partial`` (a partial clone): missing objects are listed, not fetched. Otherwise git fails
    on a missing tree (:class:`GitError`); a missing blob is found when it is read.
    """
    tip_list = sorted(set(tips))
    if not tip_list:
        return Listing({}, [])
    found = (started or start_reachable_blobs(root, tip_list, partial)).succeeded()
    filtered = found is not None
    # A git older than 2.32 has no type filter: list every object, then keep the blobs.
    out = found if found is not None else run(root, *_list_objects(partial), stdin=_stdin(tip_list))
    candidates: dict[str, str] = {}
    missing: list[str] = []
    # Lines are "id path" (a commit's have no path), or "?id" for a missing object.
    for line in out.decode("utf-8", "surrogateescape").split("\n"):
        if line[:1] == "?":
            missing.append(line[1:])
        else:
            sha, _, path = line.partition(" ")
            if path:
                candidates[sha] = path
    if filtered:
        return Listing(candidates, missing)
    # Without the filter, trees have paths too: keep the blobs.
    types = object_types(root, candidates)
    return Listing({sha: path for sha, path in candidates.items() if types.get(sha) == "blob"}, missing)


def _list_objects(partial: bool) -> tuple[str, ...]:
    # --missing=print names a missing object ('?id') instead of fetching it (or failing). With
    # a type filter, a missing object of another type goes unnamed: see missing_trees.
    return ("rev-list", "--objects", "--stdin", *(("--missing=print",) if partial else ()))


def start_reachable_blobs(root: Path, tips: Iterable[str], partial: bool = False) -> Pending:
    return Pending(root, *_list_objects(partial), "--filter=object:type=blob", stdin=_stdin(tips))


def start_missing_trees(root: Path, tips: Iterable[str]) -> Pending:
    """The trees reachable from ``tips`` that a partial clone lacks (a treeless clone's), for
    :func:`missing_trees`. What they hold cannot be listed."""
    return Pending(root, *_list_objects(True), "--filter=object:type=tree", stdin=_stdin(tips))


def missing_trees(started: Pending) -> list[str]:
    return [line[1:] for line in started.result().decode().split("\n") if line[:1] == "?"]


def partial_clone_filters(root: Path) -> list[str] | None:
    """None if the repository is no partial clone; else the filters its promisor remotes
    fetch with (``blob:none``, ``tree:0``...; empty if none is recorded)."""
    pattern = r"^(extensions\.partialclone|remote\..*\.(promisor|partialclonefilter))$"
    out = run(root, "config", "--get-regexp", pattern, check=False).decode("utf-8", "replace")
    partial, filters = False, []
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        promisor = key.endswith(".promisor") and value.lower() in ("true", "yes", "on", "1")
        if key == "extensions.partialclone" or promisor:
            partial = True
        elif key.endswith(".partialclonefilter") and value:
            filters.append(value)
    return filters if partial else None


def object_types(root: Path, shas: Iterable[str]) -> dict[str, str]:
    stdin = "\n".join(shas).encode() + b"\n"
    out = run(root, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin=stdin)
    result = {}
    for line in out.decode().splitlines():
        parts = line.split()
        if len(parts) == 2:
            result[parts[0]] = parts[1]
    return result


def blob_sizes_in_pack_order(root: Path, started: Pending | None = None) -> list[tuple[str, int]]:
    """(sha, size) of every blob in the object store, in the order it is stored (fast to read);
    ``started`` is :func:`start_blob_sizes`'s."""
    out = (started or start_blob_sizes(root)).result()
    result = []
    for line in out.decode().split("\n"):
        parts = line.split(" ")
        if len(parts) == 3 and parts[1] == "blob":
            result.append((parts[0], int(parts[2])))
    return result


def start_blob_sizes(root: Path) -> Pending:
    return Pending(
        root, "cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objectname) %(objecttype) %(objectsize)"
    )


def tracked_files(root: Path) -> list[tuple[str, str, str]]:
    """(mode, blob sha, path) of every file in the index, submodules included (mode 160000)."""
    out = run(root, "ls-files", "-s", "-z")
    result = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, sha, _stage = meta.decode().split()
        result.append((mode, sha, path.decode("utf-8", "surrogateescape")))
    return result


def git_blob_id(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Introduction:
    """Where a blob first appeared: the oldest commit whose change adds it, and the path."""

    commit: str
    timestamp: int
    date: str
    author: str
    path: str


_LOG_FORMAT = "--format=%x01%H%x00%ct%x00%ad%x00%aN"
_LOG_ARGS = ("log", "--stdin", "--raw", "--no-abbrev", "--no-renames", "--date=short", _LOG_FORMAT)
# A --raw line: ":old mode new mode old sha new sha status<TAB>path".


class HistoryLog:
    """One ``git log --raw`` over every commit: how many there are and, for each blob, the
    oldest commit whose change (against its first parent) adds it, and the path."""

    def __init__(self, output: bytes) -> None:
        self._headers: list[bytes] = []
        # blob id -> (commit time, index of its commit's header, path as git printed it)
        self._first: dict[bytes, tuple[int, int, bytes]] = {}
        first = self._first
        # Line by line, not by a regex over the output: three times faster (git's raw lines
        # have a fixed shape). Each commit's header is a line that starts with \x01 (a name
        # may hold one, never a newline); a raw line starts with ':' (a path with a newline
        # is quoted).
        index, timestamp = -1, 0
        for line in output.split(b"\n"):
            start = line[:1]
            if start == b":":
                fields, _, path = line.partition(b"\t")
                parts = fields.split(b" ")
                if len(parts) < 5 or index < 0:
                    continue
                blob = parts[3]
                known = first.get(blob)
                if known is None or timestamp <= known[0]:
                    first[blob] = (timestamp, index, path)
            elif start == b"\x01":
                header = line[1:]
                self._headers.append(header)
                index += 1
                timestamp = int(header.split(b"\x00", 2)[1])
        # Older gits show a merge once per parent ('-m'): count each commit once.
        self.commits = len({header.split(b"\x00", 1)[0] for header in self._headers})

    def introduction(self, blob: str) -> Introduction | None:
        known = self._first.get(blob.encode("ascii"))
        if known is None:
            return None
        timestamp, index, path = known
        commit, _, date, author = self._headers[index].decode("utf-8", "surrogateescape").split("\x00", 3)
        return Introduction(commit, timestamp, date, author, unquote_path(path.decode("utf-8", "surrogateescape")))

    def introductions(self, blobs: Iterable[str]) -> dict[str, Introduction]:
        found = {blob: self.introduction(blob) for blob in blobs}
        return {blob: intro for blob, intro in found.items() if intro is not None}


def start_history_log(root: Path, tips: Iterable[str]) -> Pending:
    return Pending(root, *_LOG_ARGS, "--diff-merges=first-parent", stdin=_stdin(tips))


def history_log(root: Path, tips: Iterable[str], started: Pending | None = None) -> HistoryLog:
    """The :class:`HistoryLog` of every commit reachable from ``tips``; ``started`` is
    :func:`start_history_log`'s."""
    tip_list = sorted(set(tips))
    if not tip_list:
        return HistoryLog(b"")
    output = (started or start_history_log(root, tip_list)).succeeded()
    if output is None:  # a git older than 2.31 has no --diff-merges
        output = run(root, *_LOG_ARGS, "-m", stdin=_stdin(tip_list))
    return HistoryLog(output)


def introductions(root: Path, tips: Iterable[str], blobs: set[str]) -> dict[str, Introduction]:
    """For each blob in ``blobs``, the oldest commit (any ref) that adds or changes a file to it."""
    if not blobs:
        return {}
    return history_log(root, tips).introductions(blobs)


class BlobReader:
    """One ``git cat-file --batch`` process; :meth:`stream` yields contents in the order asked.

    A writer thread feeds the ids so neither pipe fills up; memory holds one blob at a time.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:
        command = [git_executable(), "-C", str(self.root), "cat-file", "--batch"]
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
            )
        except OSError as error:
            raise GitMissing(f"git could not be started: {error.strerror}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # stdout first: a stream abandoned part-way leaves git blocked writing to it and the
        # writer thread blocked feeding git (holding stdin's lock); closing stdout ends git,
        # which frees the writer, so closing stdin cannot deadlock.
        for pipe in (process.stdout, process.stderr, process.stdin):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stream(self, shas: list[str]) -> Iterator[tuple[str, bytes | None]]:
        """(sha, content) per id; content None for an object git reports missing."""
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout

        def feed() -> None:
            try:
                for start in range(0, len(shas), 512):
                    stdin.write(("\n".join(shas[start : start + 512]) + "\n").encode())
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass

        writer = threading.Thread(target=feed, name="pytest-secrets-cat-file", daemon=True)
        writer.start()
        try:
            for sha in shas:
                header = stdout.readline()
                if not header:
                    raise GitError(self._failure(sha))
                parts = header.split()
                if len(parts) == 2 and parts[1] == b"missing":
                    yield sha, None
                    continue
                if len(parts) != 3:
                    raise GitError(self._failure(sha))
                size = int(parts[2])
                data = stdout.read(size)
                stdout.read(1)  # the newline after each object
                if len(data) != size:
                    raise GitError(self._failure(sha))
                yield sha, data
        finally:
            writer.join(timeout=0.1)

    def _failure(self, sha: str) -> str:
        process = self._process
        detail = ""
        if process is not None and process.stderr is not None:
            try:
                process.wait(timeout=5)
                detail = process.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:][0]
            except (subprocess.TimeoutExpired, IndexError, OSError, ValueError):
                detail = ""
        suffix = f" ({detail})" if detail else ""
        return f"git could not read object {sha[:12]}: the repository may be corrupt{suffix}; run 'git fsck'"
