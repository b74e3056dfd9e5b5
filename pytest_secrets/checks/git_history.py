"""git-history: no secret in any commit of any ref, deleted files and stashes included."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pytest_secrets.adapters import git
from pytest_secrets.adapters.detect_secrets import PARTIAL_VALUE_TYPES
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import KNOWN_VALUE_DETECTOR, CheckCannotRun, Finding
from pytest_secrets.history import project
from pytest_secrets.history.engine import HistoryScan, cache_key, scan_history

SHALLOW_MESSAGE = (
    "shallow clone: only {commits} commits are present; history behind {boundary} boundary commit(s) was not audited"
)
SHALLOW_FIX = (
    "Fetch the whole history ('git fetch --unshallow'; in GitHub Actions, actions/checkout with "
    "fetch-depth: 0), or accept a partial audit with secrets_accept_shallow = true."
)
MISSING_MESSAGE = (
    "{count} object(s) could not be read (missing or corrupt objects): that part of history was not audited"
)
PARTIAL_MESSAGE = (
    "partial clone: {count} object(s) reachable from the refs were never fetched from the promisor remote: "
    "that part of history was not audited"
)
PARTIAL_FIX = (
    "Audit a full clone (without --filter; in GitHub Actions, actions/checkout without 'filter'), or fetch "
    "every object ('git config --unset remote.origin.partialclonefilter', then 'git fetch --refetch --tags origin')."
)
ERROR_FIX = "Run 'git fsck' to find the damaged objects, then restore them from another clone."
BASELINE_FIX = "Regenerate it with 'detect-secrets scan > {baseline}', then review it with 'detect-secrets audit'."


class GitHistoryCheck:
    name: ClassVar[str] = "git-history"
    description: ClassVar[str] = "no secret in any commit of any branch, tag or stash (deleted files included)"

    def run(self, context: AuditContext) -> list[Finding]:
        try:
            root = project.repository_root(context)
        except git.GitRefused as refused:
            return [Finding(self.name, str(refused), refused.fix)]
        setup = project.detector_setup(context)
        head, _ = git.head(root)
        try:
            has_refs = bool(git.refs(root)) or head is not None
        except git.GitError as error:
            return [Finding(self.name, f"the repository cannot be read: {error}", ERROR_FIX)]
        if not has_refs:
            raise CheckCannotRun("the repository has no commits yet: no history to audit")
        key = cache_key(root, setup.config)
        known = context.inventory.known_secrets()
        try:
            scan = scan_history(
                root,
                setup.config,
                known=known,
                cache=context.cache_get(key),
                load_blob_cache=lambda: context.cache_get(key + "-blobs"),
                processes=context.settings.history_processes,
                progress=project.progress_printer(context, "secrets-audit git-history"),
            )
        except git.GitError as error:
            return [Finding(self.name, f"history could not be read: {error}", ERROR_FIX)]
        pending = [
            write
            for suffix, payload in scan.cache_payloads.items()
            if (write := project.store_cache(context, key + suffix, payload)) is not None
        ]
        notes = []
        if scan.submodules:
            notes.append("submodules not audited (audit each as its own repository): " + ", ".join(scan.submodules))
        if scan.shallow and context.settings.accept_shallow:
            notes.append(
                f"shallow clone accepted: history behind {scan.shallow_boundary} boundary commit(s) not audited"
            )
        project.leave_report(
            context,
            self.name,
            {"summary": scan.summary(), "notes": notes, "scanned": scan.blobs_scanned, "cache": pending},
        )
        findings = self._problems(context, scan, setup.problem)
        findings += self._secrets(context, scan, setup, project_prefix(root, context.settings.root))
        return findings

    def _problems(self, context: AuditContext, scan: HistoryScan, baseline_problem: str | None) -> list[Finding]:
        problems = []
        if baseline_problem:
            fix = BASELINE_FIX.format(baseline=context.settings.baseline_file)
            problems.append(Finding(self.name, baseline_problem, fix, path=context.settings.baseline_file))
        if scan.shallow and not context.settings.accept_shallow:
            message = SHALLOW_MESSAGE.format(commits=scan.commits, boundary=scan.shallow_boundary)
            problems.append(Finding(self.name, message, SHALLOW_FIX))
        if scan.missing and scan.partial_clone:
            problems.append(Finding(self.name, PARTIAL_MESSAGE.format(count=scan.missing), PARTIAL_FIX))
        elif scan.missing:
            problems.append(Finding(self.name, MISSING_MESSAGE.format(count=scan.missing), ERROR_FIX))
        return problems

    def _secrets(
        self, context: AuditContext, scan: HistoryScan, setup: project.DetectorSetup, prefix: str
    ) -> list[Finding]:
        accepted = {(e.type, e.secret_hash) for e in setup.baseline if e.is_secret is not True}
        # detect-secrets hashes only the prefix of these tokens, so its entry can only vouch for
        # the token in its own file (baseline paths are relative to the project folder).
        accepted_in_file = {
            (e.type, e.secret_hash, prefix + e.filename) for e in setup.baseline if e.is_secret is not True
        }
        marked_real = {(e.type, e.secret_hash) for e in setup.baseline if e.is_secret is True}
        live = {secret.fingerprint: secret for secret in context.inventory.known_secrets()}
        known_fingerprints = {group.fingerprint for group in scan.groups if group.kind == "known"}
        results: list[tuple[bool, int, Finding]] = []
        elsewhere = 0
        for group in scan.groups:
            if group.kind == "detector":
                if group.type in PARTIAL_VALUE_TYPES:
                    if (group.type, group.secret_hash, group.path) in accepted_in_file:
                        continue
                elif (group.type, group.secret_hash) in accepted:
                    continue
            # A project in a subfolder owns the detector findings under it; its own values
            # (known findings) are reported wherever in the repository they were committed.
            if prefix and group.kind == "detector" and not (group.path or "").startswith(prefix):
                elsewhere += 1
                continue
            if group.kind == "detector" and group.fingerprint in known_fingerprints:
                continue  # the known-value finding names the same value, and its key
            is_live = group.kind == "known" or group.fingerprint in live
            where = f"committed {group.date} by {group.author}" if group.commit else "in history"
            spread = f"; in {group.blobs} file versions" if group.blobs > 1 else ""
            if group.kind == "known":
                source = live[group.fingerprint].source if group.fingerprint in live else "env"
                message = (
                    f"{project.LIVE_PREFIX}the current value of {group.type} (from {source}) is in git history "
                    f"({', '.join(group.forms) or 'raw'} form), {where}{spread}"
                )
            else:
                message = f"{group.type} {where}{spread}"
                if group.fingerprint in live:
                    message = (
                        f"{project.LIVE_PREFIX}{message}; it is the current value of {live[group.fingerprint].key}"
                    )
                if (group.type, group.secret_hash) in marked_real:
                    message += "; the baseline marks it as a real secret"
            finding = Finding(
                check=self.name,
                message=message,
                fix=project.fix_for_history(context.settings.baseline_file, is_live),
                path=group.path,
                line=group.line,
                key=group.type,
                fingerprint=group.fingerprint,
                commit=group.commit[:10] if group.commit else None,
                detector=group.type if group.kind == "detector" else KNOWN_VALUE_DETECTOR,
            )
            results.append((not is_live, group.timestamp or 0, finding))
        if elsewhere:
            context.note(
                self.name,
                f"{elsewhere} detector finding(s) in history outside the project folder {prefix} not reported "
                "(run the audit from the repository's top folder to see them)",
            )
        results.sort(key=lambda item: (item[0], item[1], item[2].path or "", item[2].line or 0))
        return [finding for _, _, finding in results]


def project_prefix(repository: Path, project_root: Path) -> str:
    """``services/api/`` when the project is a subfolder of its repository, else ``""``."""
    try:
        relative = project_root.resolve().relative_to(repository.resolve())
    except ValueError:
        return ""
    return "" if str(relative) == "." else relative.as_posix() + "/"
