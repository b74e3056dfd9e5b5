"""pre-commit: the guide's detect-secrets hook is configured, and its baseline is sound and current.

Sound: the baseline parses, holds no entry audited as a real secret (``is_secret: true``)
and no entry nobody audited. Current: a scan of today's tracked files, with the baseline's own
plugins and filters, finds nothing the baseline does not hold (what the hook would block on the
next commit that touches those files).
"""

from __future__ import annotations

import hashlib
import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pytest_secrets.adapters import git_cli
from pytest_secrets.adapters.yaml_tree import Mapping, Node, Scalar, Sequence
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun, Finding

NAME = "pre-commit"
CONFIG_FILE = ".pre-commit-config.yaml"
HOOK_ID = "detect-secrets"
MAX_FILE_BYTES = 10 * 1024 * 1024
SCAN_CACHE_VERSION = 1

FIX_ADD_HOOK = (
    "add the guide's hook to .pre-commit-config.yaml (repo: https://github.com/Yelp/detect-secrets, "
    "hooks: [{id: detect-secrets, args: ['--baseline', '.secrets.baseline']}]), then run: pre-commit install "
    "(guide: Pre-Commit Secret Scanning)"
)
FIX_HOOK_ARGS = (
    "give the hook its baseline: args: ['--baseline', '.secrets.baseline'] (without it every audited false "
    "positive blocks commits, and new secrets are not compared with the audited ones)"
)
FIX_CONFIG_YAML = "fix the YAML of .pre-commit-config.yaml; pre-commit cannot run a hook from a file it cannot read"
FIX_CREATE_BASELINE = "create the baseline: detect-secrets scan > {baseline}; review it: detect-secrets audit {baseline}; commit it"
FIX_BROKEN_BASELINE = "regenerate the baseline: detect-secrets scan > {baseline}, then detect-secrets audit {baseline}"
FIX_REAL_SECRET = (
    "an entry audited as a real secret means a secret is committed: rotate it first (guide: Emergency: Secret "
    "Leaked), remove it from the file, then update the baseline: detect-secrets scan --baseline {baseline}"
)
FIX_UNAUDITED = "review it: detect-secrets audit {baseline} (mark false positives; a real secret must be rotated and removed)"
FIX_STALE = (
    "update the baseline: detect-secrets scan --baseline {baseline}, review with detect-secrets audit {baseline} "
    "and commit it; if the new finding is a real secret, remove and rotate it instead"
)


@dataclass(frozen=True)
class Hook:
    """A detect-secrets hook in the pre-commit config: its line and the baseline its args name."""

    line: int
    baseline: str | None


def find_hooks(documents: list[Node]) -> list[Hook]:
    """Every hook with id ``detect-secrets``, in any repo (Yelp's, a mirror or ``local``)."""
    hooks = []
    for document in documents:
        repos = document.get("repos") if isinstance(document, Mapping) else None
        if not isinstance(repos, Sequence):
            continue
        for repo in repos.items:
            entries = repo.get("hooks") if isinstance(repo, Mapping) else None
            if not isinstance(entries, Sequence):
                continue
            for hook in entries.items:
                if not isinstance(hook, Mapping):
                    continue
                hook_id = hook.get("id")
                if isinstance(hook_id, Scalar) and hook_id.value == HOOK_ID:
                    hooks.append(Hook(hook_id.line, baseline_argument(hook.get("args"))))
    return hooks


def baseline_argument(args: Node | None) -> str | None:
    """The path after ``--baseline`` (or in ``--baseline=path``), if the args name one."""
    if not isinstance(args, Sequence):
        return None
    words = [item.value for item in args.items if isinstance(item, Scalar)]
    for index, word in enumerate(words):
        if word == "--baseline" and index + 1 < len(words):
            return words[index + 1]
        if word.startswith("--baseline="):
            return word.split("=", 1)[1]
    return None


@dataclass(frozen=True)
class BaselineProblem:
    line: int | None
    message: str


def parse_baseline_text(text: str) -> tuple[dict[str, Any] | None, BaselineProblem | None]:
    """The baseline as JSON with the shape detect-secrets writes, or where and why it is not."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, BaselineProblem(error.lineno, f"is not valid JSON ({error.msg})")
    if not isinstance(data, dict):
        return None, BaselineProblem(1, "is not a detect-secrets baseline (not a JSON object)")
    if not isinstance(data.get("results"), dict):
        return None, BaselineProblem(None, "is not a detect-secrets baseline (no 'results' mapping)")
    for filename, items in data["results"].items():
        if not isinstance(items, list) or not all(isinstance(item, dict) and "hashed_secret" in item for item in items):
            return None, BaselineProblem(line_of(text, filename), f"has a malformed entry list for {filename}")
    if "plugins_used" in data and not isinstance(data["plugins_used"], list):
        return None, BaselineProblem(line_of(text, "plugins_used"), "has a malformed 'plugins_used' list")
    return data, None


def line_of(text: str, needle: str, after: int = 0) -> int | None:
    """The 1-based line of the first ``"needle"`` JSON string at or after line ``after``."""
    quoted = json.dumps(needle)
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= after and quoted in line:
            return number
    return None


class PreCommitCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "a detect-secrets pre-commit hook with a sound, current baseline"

    def run(self, context: AuditContext) -> list[Finding]:
        try:
            top = git_cli.top_level(context.settings.root)
        except git_cli.GitUnavailable as error:
            raise CheckCannotRun(f"{error}; pre-commit hooks need one") from None
        findings: list[Finding] = []
        # The settings name the baseline from the project folder; the hook, from the top folder.
        baseline_name = git_cli.path_from_top(top, context.settings.root / context.settings.baseline_file)
        config_path = top / CONFIG_FILE
        if not config_path.is_file():
            findings.append(Finding(NAME, f"there is no {CONFIG_FILE}, so no detect-secrets hook blocks secrets "
                                          "before they are committed", FIX_ADD_HOOK, path=CONFIG_FILE))
        else:
            hook_findings, named = self._config(config_path)
            findings += hook_findings
            baseline_name = named or baseline_name
            if not git_cli.hook_path(top, "pre-commit").exists():
                context.note(NAME, "the hook is configured but not installed in this clone (run: pre-commit install)")
        findings += self._baseline(context, top, baseline_name)
        return findings

    def _config(self, path: Path) -> tuple[list[Finding], str | None]:
        from pytest_secrets.adapters.yaml_tree import YamlError, load_documents

        try:
            documents = load_documents(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            message = f"cannot be read ({type(error).__name__})"
            return [Finding(NAME, message, FIX_CONFIG_YAML, path=CONFIG_FILE)], None
        except YamlError as error:
            message = f"cannot be parsed as YAML ({error.problem})"
            return [Finding(NAME, message, FIX_CONFIG_YAML, path=CONFIG_FILE, line=error.line)], None
        hooks = find_hooks(documents)
        if not hooks:
            return [Finding(NAME, "has no detect-secrets hook", FIX_ADD_HOOK, path=CONFIG_FILE)], None
        with_baseline = [hook for hook in hooks if hook.baseline]
        if not with_baseline:
            message = "runs detect-secrets without --baseline"
            return [Finding(NAME, message, FIX_HOOK_ARGS, path=CONFIG_FILE, line=hooks[0].line)], None
        return [], with_baseline[0].baseline

    def _baseline(self, context: AuditContext, top: Path, name: str) -> list[Finding]:
        from pytest_secrets.adapters import detect_secrets as ds

        path = top / name
        shown = Path(name).as_posix()
        if not path.is_file():
            message = "the detect-secrets baseline does not exist"
            return [Finding(NAME, message, FIX_CREATE_BASELINE.format(baseline=shown), path=shown)]
        fix_broken = FIX_BROKEN_BASELINE.format(baseline=shown)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return [Finding(NAME, f"cannot be read ({type(error).__name__})", fix_broken, path=shown)]
        data, problem = parse_baseline_text(text)
        if problem is not None:
            return [Finding(NAME, problem.message, fix_broken, path=shown, line=problem.line)]
        try:
            upgraded = ds.read_baseline(str(path))
        except ds.BaselineError:
            return [Finding(NAME, "cannot be loaded by detect-secrets", fix_broken, path=shown)]
        entries = ds.baseline_entries(upgraded)
        hits = context.shared(
            f"pre-commit.scan:{name}", lambda: self._scan(context, top, ds.config_from_baseline(upgraded, name))
        )

        findings = []
        fingerprints = {(filename, hit.type, hit.secret_hash): hit.fingerprint for filename, hit in hits}
        last_line: dict[str, int] = {}
        for entry in entries:
            after = last_line.get(entry.filename, line_of(text, entry.filename) or 0)
            line = line_of(text, entry.secret_hash, after) or line_of(text, entry.secret_hash)
            if line:
                last_line[entry.filename] = line
            where = f"{entry.type} in {entry.filename}" + (f":{entry.line}" if entry.line else "")
            fingerprint = fingerprints.get((entry.filename, entry.type, entry.secret_hash))
            if entry.is_secret is True:
                findings.append(Finding(NAME, f"records a real secret (audited is_secret: true): {where}",
                                        FIX_REAL_SECRET.format(baseline=shown), path=shown, line=line, fingerprint=fingerprint))
            elif entry.is_secret is None:
                findings.append(Finding(NAME, f"has an entry nobody audited: {where}",
                                        FIX_UNAUDITED.format(baseline=shown), path=shown, line=line, fingerprint=fingerprint))
        held = {(entry.filename, entry.type, entry.secret_hash) for entry in entries}
        fix_stale = FIX_STALE.format(baseline=shown)
        for filename, hit in hits:
            if (filename, hit.type, hit.secret_hash) not in held:
                message = f"is out of date: detect-secrets finds a {hit.type} here that {shown} does not hold"
                findings.append(Finding(NAME, message, fix_stale, path=filename, line=hit.line, fingerprint=hit.fingerprint))
        found = {(filename, hit.type, hit.secret_hash) for filename, hit in hits}
        gone = [entry for entry in entries if (entry.filename, entry.type, entry.secret_hash) not in found]
        if gone:
            context.note(NAME, f"{len(gone)} baseline entries no longer match the tracked files "
                               f"(tidy with: detect-secrets scan --baseline {shown})")
        return findings

    @staticmethod
    def _scan(context: AuditContext, top: Path, config: Any) -> list[tuple[str, Any]]:
        """Today's tracked files through detect-secrets with the baseline's settings (paths from the top).

        Each file's findings are cached by (path, content, settings): hashes and fingerprints,
        no value. A re-run scans only the files that changed (and does not import detect-secrets
        when none did). Under xdist the worker hands the cache to the controller, which writes it.
        """
        from pytest_secrets.history import project
        from pytest_secrets.adapters.detect_secrets import DetectorHit
        from pytest_secrets.adapters.fast_scan import Scanner
        from pytest_secrets.adapters.git import git_blob_id

        key = f"pre-commit/{hashlib.sha256(str(top).encode('utf-8', 'surrogateescape')).hexdigest()[:12]}/{config.key}"
        cached = context.cache_get(key)
        old: dict[str, Any] = (
            cached.get("files", {}) if isinstance(cached, dict) and cached.get("version") == SCAN_CACHE_VERSION else {}
        )
        new: dict[str, list[list[Any]]] = {}
        hits = []
        with ExitStack() as stack:
            scanner: Scanner | None = None
            for name in git_cli.tracked_files(top):
                path = top / name
                try:
                    if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_FILE_BYTES:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                entry = hashlib.sha1(f"{name}\0{git_blob_id(data)}".encode("utf-8", "surrogateescape")).hexdigest()
                remembered = old.get(entry)
                found: list[list[Any]]
                if _sound(remembered):
                    found = list(remembered or [])
                else:
                    if scanner is None:
                        scanner = stack.enter_context(Scanner(config))
                    detected = scanner.scan_bytes(name, data) or []
                    found = [[h.type, h.line, h.secret_hash, h.fingerprint] for h in detected]
                new[entry] = found
                hits += [(name, DetectorHit(str(t), int(n), str(h), str(f))) for t, n, h, f in found]
        if new != old:
            pending = project.store_cache(context, key, {"version": SCAN_CACHE_VERSION, "files": new})
            if pending is not None:
                project.leave_report(context, NAME, {"cache": [pending]})
        return hits


def _sound(hits: Any) -> bool:
    """A cached entry this version wrote: a list of [type, line, hash, fingerprint]."""
    return isinstance(hits, list) and all(isinstance(hit, list) and len(hit) == 4 for hit in hits)

