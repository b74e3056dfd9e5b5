"""tracked-files: no hardcoded secret in the files git tracks today (working-tree content)."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from pytest_secrets.adapters import git
from pytest_secrets.adapters.fast_scan import Scanner
from pytest_secrets.own_settings import without_setting_hits
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import KNOWN_VALUE_DETECTOR, Finding
from pytest_secrets.history import project
from pytest_secrets.history.engine import MAX_BLOB_BYTES
from pytest_secrets.history.known_values import KnownValueMatcher

CACHE_VERSION = 2
SUBMODULE_MODE = "160000"
SYMLINK_MODE = "120000"


class TrackedFilesCheck:
    name: ClassVar[str] = "tracked-files"
    description: ClassVar[str] = (
        "no hardcoded secret in the files git tracks today (code, comments, notebooks, configs)"
    )

    def run(self, context: AuditContext) -> list[Finding]:
        try:
            top = project.repository_root(context)
        except git.GitRefused as refused:
            return [Finding(self.name, str(refused), refused.fix)]
        setup = project.detector_setup(context)
        root = context.settings.root
        try:
            entries = git.tracked_files(top)
        except git.GitError as error:
            return [Finding(self.name, f"the repository cannot be read: {error}", "Run 'git fsck'.")]
        known = context.inventory.known_secrets()
        live = {secret.fingerprint: secret for secret in known}
        matcher = KnownValueMatcher(known)
        accepted = {(e.filename, e.type, e.secret_hash) for e in setup.baseline if e.is_secret is not True}
        key = (
            f"tracked/{hashlib.sha256(str(top).encode('utf-8', 'surrogateescape')).hexdigest()[:12]}/{setup.config.key}"
        )
        cached = context.cache_get(key)
        old: dict[str, Any] = (
            cached.get("files", {}) if isinstance(cached, dict) and cached.get("version") == CACHE_VERSION else {}
        )
        new: dict[str, Any] = {}
        findings: list[Finding] = []
        counts = {"files": 0, "scanned": 0, "cached": 0, "skipped_large": 0, "not_text": 0}
        submodules = []
        with Scanner(setup.config) as scanner:
            for mode, _, repo_path in entries:
                if mode == SUBMODULE_MODE:
                    submodules.append(repo_path)
                    continue
                if mode == SYMLINK_MODE:
                    continue
                absolute = top / repo_path
                try:
                    name = absolute.relative_to(root).as_posix()
                except ValueError:
                    continue  # outside the project folder
                try:
                    if absolute.stat().st_size > MAX_BLOB_BYTES:
                        counts["skipped_large"] += 1
                        continue
                    data = absolute.read_bytes()
                except OSError:
                    continue  # deleted or unreadable in the working tree: nothing committed to check here
                counts["files"] += 1
                blob = git.git_blob_id(data)
                entry_key = hashlib.sha1(f"{name}\0{blob}".encode("utf-8", "surrogateescape")).hexdigest()
                cached_hits = old.get(entry_key)
                hits: list[list[Any]]
                if _sound(cached_hits):
                    counts["cached"] += 1
                    hits = list(cached_hits or [])
                else:
                    counts["scanned"] += 1
                    detected = scanner.scan_bytes(name, data)
                    if detected:
                        detected = without_setting_hits(name, data, detected)
                    if detected is None:
                        counts["not_text"] += 1
                    hits = [[h.type, h.line, h.secret_hash, h.fingerprint] for h in detected or []]
                new[entry_key] = hits
                for kind, line, secret_hash, fingerprint in hits:
                    if (name, kind, secret_hash) in accepted:
                        continue
                    findings.append(self._detector_finding(context, name, kind, line, fingerprint, live))
                for hit in matcher.find(data) if matcher else []:
                    message = f"{project.LIVE_PREFIX}the current value of {hit.key} is hardcoded here ({hit.form} form)"
                    fix = project.fix_for_tree(context.settings.baseline_file, live=True)
                    findings.append(
                        Finding(self.name, message, fix, name, hit.line, hit.key, hit.fingerprint, detector=KNOWN_VALUE_DETECTOR)
                    )
        pending = project.store_cache(context, key, {"version": CACHE_VERSION, "files": new}) if new != old else None
        summary = (
            f"{counts['files']} tracked files, {counts['scanned']} scanned, {counts['cached']} from cache"
            + (
                f", {counts['skipped_large']} over {MAX_BLOB_BYTES // (1024 * 1024)} MB skipped"
                if counts["skipped_large"]
                else ""
            )
            + (f", {counts['not_text']} binary/non-UTF-8" if counts["not_text"] else "")
        )
        notes = (
            ["submodules not audited (audit each as its own repository): " + ", ".join(submodules)]
            if submodules
            else []
        )
        report = {
            "summary": summary,
            "notes": notes,
            "scanned": counts["scanned"],
            "cache": [pending] if pending else [],
        }
        project.leave_report(context, self.name, report)
        findings = self._dedupe(findings)
        if setup.problem:
            findings.insert(0, Finding(self.name, setup.problem, "Regenerate the baseline with 'detect-secrets scan'."))
        return findings

    def _detector_finding(
        self, context: AuditContext, name: str, kind: str, line: int, fingerprint: str, live: dict[str, Any]
    ) -> Finding:
        is_live = fingerprint in live
        message = f"{kind} hardcoded in a tracked file"
        if is_live:
            message = f"{project.LIVE_PREFIX}{message}; it is the current value of {live[fingerprint].key}"
        fix = project.fix_for_tree(context.settings.baseline_file, is_live)
        return Finding(self.name, message, fix, name, line, kind, fingerprint, detector=kind)

    @staticmethod
    def _dedupe(findings: list[Finding]) -> list[Finding]:
        # A known value also caught by a detector: keep the known-value finding (it names the key).
        known = {(f.path, f.fingerprint) for f in findings if f.message.startswith(project.LIVE_PREFIX + "the current")}
        kept = [
            f
            for f in findings
            if (f.path, f.fingerprint) not in known or f.message.startswith(project.LIVE_PREFIX + "the current")
        ]
        kept.sort(key=lambda f: (not f.message.startswith(project.LIVE_PREFIX), f.path or "", f.line or 0))
        return kept


def _sound(hits: Any) -> bool:
    """A cached entry this version wrote: a list of [type, line, hash, fingerprint]."""
    return isinstance(hits, list) and all(isinstance(hit, list) and len(hit) == 4 for hit in hits)
