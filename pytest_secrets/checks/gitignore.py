"""gitignore: git ignores the guide's secret files everywhere, and tracks none of them.

Asked of git itself (``git check-ignore --no-index``), so negations, nested ``.gitignore``
files, ``.git/info/exclude`` and the global excludes file count exactly as they do for
``git add``.
"""

from __future__ import annotations

import fnmatch
import posixpath
from typing import ClassVar

from pytest_secrets import ignore_probes
from pytest_secrets.adapters import git_cli
from pytest_secrets.adapters.git_cli import IgnoreVerdict
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun, Finding
from pytest_secrets.values import fingerprint_of

NAME = "gitignore"
FIX_NOT_IGNORED = (
    "add the pattern to the root .gitignore (guide: .gitignore (required entries)); where a '!' rule "
    "un-ignores it, remove or narrow that rule; confirm with: git check-ignore -v <path>"
)
FIX_TRACKED = (
    "stop tracking the file: git rm --cached <path>, then commit (ignore rules never untrack a file); "
    "it stays in git history, so rotate every secret it held first (guide: Emergency: Secret Leaked)"
)
FIX_ENV_FILE = (
    "ignore every env file that holds real values, e.g. '.env.*' followed by '!.env.example' in .gitignore "
    "(guide: .gitignore (required entries)); or add its name to secrets_gitignore_patterns"
)
NOTE_LOCAL_ONLY = (
    "{pattern} is ignored {where} only by {source}, which applies to this clone alone; "
    "other clones and CI would not ignore it: add it to .gitignore"
)


class GitignoreCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "git ignores .env, key files and credential files, and tracks none of them"

    def run(self, context: AuditContext) -> list[Finding]:
        root = context.settings.root
        patterns = tuple(pattern for pattern in context.settings.gitignore_patterns if not pattern.startswith("!"))
        for negation in set(context.settings.gitignore_patterns) - set(patterns):
            context.note(NAME, f"{negation!r} in secrets_gitignore_patterns skipped: negations belong in .gitignore")
        if not patterns:
            raise CheckCannotRun("no patterns to check (secrets_gitignore_patterns is empty)")
        try:
            git_cli.top_level(root)
            folders = ignore_probes.probe_folders(git_cli.listed_files(root))
            probes = {pattern: ignore_probes.probe_paths(pattern, folders) for pattern in patterns}
            verdicts = git_cli.check_ignore(root, [path for paths in probes.values() for path in paths])
            tracked = {pattern: git_cli.tracked_matching(root, pattern) for pattern in patterns}
            env_files = [context.inventory.relative(parsed.path) for parsed in context.inventory.env_files]
            env_verdicts = git_cli.check_ignore(root, env_files)
            blob_ids = git_cli.tracked_blob_ids(root)
            tracked_env_files = set(blob_ids) & set(env_files)
        except git_cli.GitUnavailable as error:
            raise CheckCannotRun(str(error)) from None

        by_path = {verdict.path: verdict for verdict in verdicts}
        findings = []
        for pattern in patterns:
            not_ignored = []
            local_only: dict[str, list[str]] = {}
            for folder, path in zip(folders, probes[pattern]):
                verdict = by_path.get(path)
                if verdict is None:
                    continue
                where = ignore_probes.describe_folder(folder)
                if not verdict.ignored:
                    not_ignored.append((where, path, verdict))
                elif verdict.source and not ignore_probes.is_shared_rule_file(verdict.source):
                    local_only.setdefault(verdict.source, []).append(where)
            for source, places in local_only.items():
                context.note(NAME, NOTE_LOCAL_ONLY.format(pattern=pattern, where=" and ".join(places), source=source))
            if not_ignored:
                findings.append(_not_ignored_finding(pattern, not_ignored))
        seen: set[str] = set()
        for pattern in patterns:
            for path in tracked[pattern]:
                if path in seen:
                    continue
                seen.add(path)
                message = f"is tracked by git although it matches {pattern!r}; an ignore rule does not untrack it"
                findings.append(Finding(NAME, message, FIX_TRACKED, path=path, fingerprint=_content_print(path, blob_ids)))
        # Env files with real values that no pattern names (.env.production, .env.staging...).
        for verdict in env_verdicts:
            name = posixpath.basename(verdict.path)
            if any(fnmatch.fnmatchcase(name, pattern.lstrip("/")) for pattern in patterns):
                continue  # judged above, through its pattern
            if verdict.path in tracked_env_files and verdict.path not in seen:
                message = "is an env file with real values, and git tracks it"
                fingerprint = _content_print(verdict.path, blob_ids)
                findings.append(Finding(NAME, message, FIX_TRACKED, path=verdict.path, fingerprint=fingerprint))
            elif not verdict.ignored:
                message = "is an env file with real values that git would not ignore" + (
                    f" (un-ignored by {verdict.source}:{verdict.line} {verdict.pattern!r})" if verdict.source else "")
                findings.append(Finding(NAME, message, FIX_ENV_FILE, path=verdict.path))
        return findings


def _not_ignored_finding(pattern: str, misses: list[tuple[str, str, IgnoreVerdict]]) -> Finding:
    """One finding per pattern, grouping the folders by the rule (or lack of one) that decided."""
    reasons: dict[tuple[str | None, int | None, str | None], list[str]] = {}
    for where, path, verdict in misses:
        reasons.setdefault((verdict.source, verdict.line, verdict.pattern), []).append(f"{where} ({path})")
    parts = []
    for (source, line, rule), places in reasons.items():
        why = f"un-ignored by {source}:{line} {rule!r}" if source else "no rule matches"
        parts.append(f"{' and '.join(places)}: {why}")
    negations = [(source, line) for source, line, _ in reasons if source]
    path, line = negations[0] if negations else (".gitignore", None)
    message = f"git would not ignore files matching {pattern!r} " + "; ".join(parts)
    return Finding(NAME, message, FIX_NOT_IGNORED, path=path, line=line)


def _content_print(path: str, blob_ids: dict[str, str]) -> str | None:
    """A tracked file's fingerprint: its path and staged content. Accepting it (a test fixture
    such as tests/apps/.env) holds until either changes."""
    blob = blob_ids.get(path)
    return fingerprint_of(f"tracked file\0{path}\0{blob}") if blob else None
