"""``pytest-secrets init``: what the secrets guide's setup sections ask, done once.

In order, because each step relies on the one before:

1. ``.gitignore``: the guide's required entries git does not already honour, appended under a
   comment (the user's lines are never reordered or removed). Asked of git, like the audit's
   gitignore check, so negations and nested files count. Env files with real values that the
   guide's list misses (``.env.production``) get ``.env.*``, with ``!`` exceptions for the
   templates so they stay committable.
2. ``.env.example``: written from ``.env`` (or completed with the keys it lacks), with
   placeholders for secrets (see :mod:`pytest_secrets.cli.env_example`).
3. ``.pre-commit-config.yaml``: the detect-secrets hook, pinned to the installed version and
   pointing at the baseline (see :mod:`pytest_secrets.cli.pre_commit_config`).
4. ``.secrets.baseline``: created with detect-secrets' library over what ``git add -A`` would
   commit, now that ``.env`` is ignored. An existing baseline is left alone.

Nothing is ever printed but file names, key names, patterns and counts.
"""

from __future__ import annotations

import argparse
import fnmatch
from pathlib import Path

from pytest_secrets.adapters import git_cli
from pytest_secrets.cli.common import Report, ends_with_newline, read_text, shown, write_text
from pytest_secrets.cli.project_settings import project_settings
from pytest_secrets.settings import AuditSettings

NAME = "init"
HELP = "Set the project up as the guide says: .gitignore entries, .env.example, detect-secrets baseline and hook."
DESCRIPTION = (
    "Add the .gitignore entries the guide requires, write .env.example from .env with placeholders for secrets "
    "(or add the keys it lacks), create the detect-secrets baseline and add the detect-secrets pre-commit hook. "
    "Running it again changes nothing."
)
GITIGNORE = ".gitignore"
GITIGNORE_HEADER = "# Secret files: never commit them (added by pytest-secrets init, from the secrets guide)"
ENV_GLOB = ".env.*"
NOTHING_CHANGED = "the project already has everything init sets up"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``init`` takes only ``--root``."""


def run(arguments: argparse.Namespace) -> int:
    settings = project_settings(arguments.root)
    root = settings.root
    report = Report()
    try:
        top: Path | None = git_cli.top_level(root)
    except git_cli.GitUnavailable as error:
        top = None
        report.note(f"{error}: .gitignore is judged by its text alone; no baseline or hook is set up")
        report.to_do("git init, then run pytest-secrets init again for the detect-secrets baseline and hook")
    Gitignore(root, settings, report, in_git=top is not None).update()
    _example(root, settings, report)
    if top is not None:
        baseline = _hook(top, root, git_cli.path_from_top(top, root / settings.baseline_file), report)
        _baseline(top, root, baseline, report)
        if not git_cli.hook_path(top, "pre-commit").exists():
            report.to_do("pre-commit install (once per clone, so the hook runs on every commit)")
    return report.finish(NOTHING_CHANGED)


# --- .gitignore -----------------------------------------------------------------------


class Gitignore:
    """The project's root ``.gitignore``, completed with what the gitignore check requires."""

    def __init__(self, root: Path, settings: AuditSettings, report: Report, in_git: bool) -> None:
        self.root = root
        self.settings = settings
        self.report = report
        self.in_git = in_git
        self.path = root / GITIGNORE
        self.added: list[str] = []

    def lines(self) -> set[str]:
        text = read_text(self.path) if self.path.is_file() else ""
        return {line.strip() for line in text.splitlines()}

    def update(self) -> None:
        patterns = [pattern for pattern in self.settings.gitignore_patterns if not pattern.startswith("!")]
        self._append(self._missing_in_git(patterns) if self.in_git else self._missing_in_text(patterns))
        self._append(self._for_env_files(patterns))
        self._append(self._template_exceptions())
        if self.in_git:
            self._tracked(patterns)
        name = shown(self.path, self.root)
        if self.added:
            self.report.changed(name, f"added {len(self.added)} entries: {', '.join(self.added)}")
        else:
            self.report.unchanged(name, "git already ignores every secret file the guide lists")

    def _append(self, entries: list[str]) -> None:
        if not entries:
            return
        text = read_text(self.path) if self.path.is_file() else ""
        block = "\n".join(entries) + "\n"
        if not self.added:
            block = ("\n" if text.strip() else "") + GITIGNORE_HEADER + "\n" + block
        write_text(self.path, text + ("" if ends_with_newline(text) else "\n") + block)
        self.added += entries

    def _missing_in_text(self, patterns: list[str]) -> list[str]:
        present = self.lines()
        return [pattern for pattern in patterns if pattern not in present]

    def _missing_in_git(self, patterns: list[str]) -> list[str]:
        from pytest_secrets import ignore_probes

        folders = ignore_probes.probe_folders(git_cli.listed_files(self.root))
        probes = {pattern: ignore_probes.probe_paths(pattern, folders) for pattern in patterns}
        verdicts = {verdict.path: verdict for verdict in
                    git_cli.check_ignore(self.root, [path for paths in probes.values() for path in paths])}
        present = self.lines()
        missing = []
        for pattern in patterns:
            misses = [verdicts[path] for path in probes[pattern] if path in verdicts and not verdicts[path].ignored]
            negation = next((verdict for verdict in misses if verdict.source), None)
            if negation is not None:
                self.report.to_do(
                    f"git would not ignore files matching {pattern!r}: un-ignored by {negation.source}:{negation.line} "
                    f"{negation.pattern!r}; remove that rule unless it is deliberate"
                )
            elif misses and pattern in present:
                self.report.to_do(f"{pattern!r} is in {GITIGNORE} but git still does not ignore it everywhere: "
                                  f"check with git check-ignore -v {misses[0].path}")
            elif misses:
                missing.append(pattern)
        return missing

    def _for_env_files(self, patterns: list[str]) -> list[str]:
        """``.env.*`` when an env file with real values (``.env.production``) is not ignored."""
        from pytest_secrets.inventory import find_env_files

        names = [shown(path, self.root) for path in find_env_files(self.settings)]
        if self.in_git:
            exposed = [verdict.path for verdict in git_cli.check_ignore(self.root, names) if not verdict.ignored]
        else:
            covered = patterns + self.added
            exposed = [name for name in names if not any(fnmatch.fnmatchcase(Path(name).name, p) for p in covered)]
        if exposed and ENV_GLOB not in self.lines():
            return [ENV_GLOB]
        return []

    def _template_exceptions(self) -> list[str]:
        """``!.env.example`` (and other templates present) when an entry would hide them from git."""
        from pytest_secrets.inventory import is_template

        names = {self.settings.example_file} | {
            path.name for path in self.root.glob(".env*") if path.is_file() and is_template(path.name, self.settings.example_file)
        }
        present = self.lines()
        wanted = sorted(name for name in names if f"!{name}" not in present)
        if self.in_git:
            hidden = [verdict.path for verdict in git_cli.check_ignore(self.root, wanted) if verdict.ignored]
        else:
            rules = [line for line in present if line and not line.startswith(("#", "!"))]
            hidden = [name for name in wanted if any(fnmatch.fnmatchcase(name, rule) for rule in rules)]
        return [f"!{name}" for name in hidden]

    def _tracked(self, patterns: list[str]) -> None:
        from pytest_secrets.inventory import find_env_files

        tracked = set(git_cli.tracked_files(self.root))
        names = {shown(path, self.root) for path in find_env_files(self.settings)} & tracked
        for pattern in patterns:
            names.update(git_cli.tracked_matching(self.root, pattern))
        for name in sorted(names):
            self.report.to_do(f"git tracks {name}: git rm --cached {name}, commit, and rotate every secret it held "
                              "(it stays in git history; guide: Emergency: Secret Leaked)")


# --- .env.example ---------------------------------------------------------------------


def _example(root: Path, settings: AuditSettings, report: Report) -> None:
    from pytest_secrets.cli.env_example import ExampleBuilder
    from pytest_secrets.inventory import build_inventory

    env_path = root / ".env"
    example_path = root / settings.example_file
    name = shown(example_path, root)
    env_text = read_text(env_path) if env_path.is_file() else None
    builder = ExampleBuilder(build_inventory(settings, environ={}))
    if not example_path.exists():
        if env_text is None:
            report.unchanged(name, "there is no .env to write it from")
            return
        result = builder.from_env(env_text)
        write_text(example_path, result.text)
        placeholders = f"; {len(result.replaced)} secret values replaced by placeholders" if result.replaced else ""
        report.changed(name, f"created from .env with its {len(result.added)} keys{placeholders}")
        for line in result.skipped_lines:
            report.note(f".env:{line}: left out of {name}: python-dotenv cannot parse that line")
    else:
        example_text = read_text(example_path)
        result = builder.update(example_text, env_text)
        if result.text == example_text:
            report.unchanged(name, "it lists every key of .env and holds no real-looking value")
            return
        write_text(example_path, result.text)
        if result.added:
            report.changed(name, f"added {len(result.added)} keys from .env: {', '.join(result.added)}")
        if result.replaced:
            report.changed(name, f"replaced the real-looking values of {', '.join(result.replaced)} with placeholders")
            report.to_do(f"if the values replaced in {name} were ever committed, rotate them first: they are in "
                         "git history (guide: Emergency: Secret Leaked)")
    if result.dropped_comments:
        report.changed(name, f"left out {result.dropped_comments} comment line(s) that held a secret-looking value")


# --- pre-commit hook and baseline ---------------------------------------------------------


def _hook(top: Path, root: Path, baseline: str, report: Report) -> str:
    """Add the detect-secrets hook naming ``baseline`` (unless it names one already); returns
    the baseline the hook names."""
    from pytest_secrets.adapters.detect_secrets import detect_secrets_version
    from pytest_secrets.checks.pre_commit import CONFIG_FILE
    from pytest_secrets.cli import pre_commit_config as config

    path = top / CONFIG_FILE
    name = shown(path, root)
    version = detect_secrets_version()
    pinned = f"detect-secrets v{version}, --baseline {baseline}"
    if not path.exists():
        write_text(path, config.new_config(version, baseline))
        report.changed(name, f"created with the detect-secrets hook ({pinned})")
    else:
        text = read_text(path)
        try:
            state = config.hook_state(text)
            if state.baseline:
                report.unchanged(name, f"it has a detect-secrets hook with --baseline {state.baseline}")
                return state.baseline
            if state.has_hook:
                write_text(path, config.add_baseline_args(text, baseline))
                report.changed(name, f"gave the detect-secrets hook --baseline {baseline}")
            else:
                write_text(path, config.add_hook(text, version, baseline))
                report.changed(name, f"added the detect-secrets hook ({pinned})")
        except config.HookEditError as error:
            report.failed(name, str(error))
            report.to_do(f"add this entry under 'repos:' in {name}:\n{config.repo_entry('  ', version, baseline)}")
            return baseline
    return baseline


def _baseline(top: Path, root: Path, baseline: str, report: Report) -> None:
    from pytest_secrets.adapters.baseline_writer import create_baseline
    from pytest_secrets.adapters.detect_secrets import detect_secrets_version

    path = top / baseline
    name = shown(path, root)
    if path.exists():
        report.unchanged(name, f"it exists; to refresh it: detect-secrets scan --baseline {baseline}")
        return
    files = git_cli.listed_files(top)
    count, own = create_baseline(top, files, baseline)
    marked = f", {own} of them pytest-secrets' own settings (marked as not secrets)" if own else ""
    report.changed(name, f"created with detect-secrets {detect_secrets_version()}: {count} finding(s) in "
                         f"{len(files)} files git tracks or would add{marked}")
    if count - own:
        other = " other" if own else ""
        report.to_do(f"review the {count - own}{other} finding(s): detect-secrets audit {baseline} (a real secret must "
                     "be removed and rotated; a false positive is marked as such), then commit the baseline")
