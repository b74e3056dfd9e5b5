"""git-history and tracked-files end to end: real repositories, the plugin run by pytester.

Secret-looking values are assembled at run time (``git_repos``), never written here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from git_repos import Repo, aws_key, github_token, password
from helpers import SecretsProject
from pytest_secrets.history.reporting import PLUGIN_NAME
from pytest_secrets.values import fingerprint_of

XDIST_ARGS = [pytest.param(("-p", "no:xdist"), id="no-xdist"), pytest.param(("-n", "2"), id="xdist-2")]

@pytest.fixture
def repo(project: SecretsProject) -> Repo:
    repo = Repo(project.path)
    repo.write(
        ".gitignore", ".env\n.pytest_cache/\n__pycache__/\nrunpytest-*\n.hypothesis/\nreport.xml\nstdout\nstderr\n"
    )
    return repo


def run(project: SecretsProject, *args: str) -> pytest.RunResult:
    return project.run_subprocess("-k", "git-history or tracked-files", "-rs", *args)


def test_deleted_secret_fails_with_commit_path_and_guide(project: SecretsProject, repo: Repo) -> None:
    key = aws_key()
    repo.commit("base", **{"app.py": "print('hello')\n"})
    introducing = repo.commit("oops", **{"config/settings.py": f'AWS_ACCESS_KEY = "{key}"\n'})
    repo.remove("config/settings.py")
    repo.commit("remove it")
    result = run(project)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            f"*config/settings.py:1 commit {introducing[:10]} AWS Access Key committed * by Test Author"
            "*"
            f"[[]fp {fingerprint_of(key)}[]]",
            "*Rotate it first*Emergency: Secret Leaked*",
        ]
    )
    assert key not in result.stdout.str() + result.stderr.str()


def test_the_projects_own_pytest_secrets_settings_are_not_secrets(project: SecretsProject, repo: Repo) -> None:
    """detect-secrets' keyword plugin reads secrets_baseline = "..." as a secret; it is a path."""
    leaked = password()
    settings = '[tool.pytest.ini_options]\nsecrets_baseline = "config/ds.baseline"\nsecrets_allowlist_file = "config/accepted"\n'
    repo.commit("settings", **{"pyproject.toml": settings})
    repo.commit("a real one", **{"pyproject.toml": settings + f'\n[tool.deploy]\napi_password = "{leaked}"\n'})
    result = run(project)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*1 finding:*", "*pyproject.toml:6 commit * Secret Keyword committed*"])
    result.stdout.no_fnmatch_line("*pyproject.toml:[23] *")
    assert leaked not in result.stdout.str()


@pytest.mark.parametrize("xdist_args", XDIST_ARGS)
def test_second_run_scans_zero_blobs(project: SecretsProject, repo: Repo, xdist_args: tuple[str, ...]) -> None:
    repo.commit("one", **{"a.py": "x = 1\n", "b.py": "y = 2\n"})  # + conftest.py, pytest.ini, .gitignore
    first = run(project, *xdist_args)
    first.assert_outcomes(passed=2)
    first.stdout.fnmatch_lines(["*scanned: 1 commits, 1 refs, 4 blobs, 4 scanned, 0 from cache*"])
    second = run(project, *xdist_args)
    second.assert_outcomes(passed=2)
    second.stdout.fnmatch_lines(
        [
            "*scanned: 1 commits, 1 refs, 4 blobs, 0 scanned, 4 from cache*",
            "*scanned: 4 tracked files, 0 scanned, 4 from cache",
        ]
    )
    repo.commit("two", **{"c.py": "z = 3\n"})
    third = run(project, *xdist_args)
    third.stdout.fnmatch_lines(["*scanned: 2 commits, 1 refs, 5 blobs, 1 scanned, 4 from cache*"])


def test_branches_tags_and_stashes_are_audited(project: SecretsProject, repo: Repo) -> None:
    values = {"branch": github_token(), "tag": aws_key(), "stash": aws_key()}
    repo.commit("base", **{"a.txt": "nothing\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("on a branch", **{"feature.py": f'TOKEN = "{values["branch"]}"\n'})
    repo.git("checkout", "-q", "-b", "release", "main")
    repo.commit("tagged", **{"release.py": f'KEY = "{values["tag"]}"\n'})
    repo.git("tag", "v1.0")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "release")
    repo.write("a.txt", f'KEY = "{values["stash"]}"\n')
    repo.git("stash", "-q")
    result = run(project)
    output = result.stdout.str()
    for value in values.values():
        assert f"fp {fingerprint_of(value)}" in output
        assert value not in output


def test_baseline_entries_are_accepted_without_line_drift(project: SecretsProject, repo: Repo) -> None:
    secret = password()
    repo.commit("add", **{"app.py": f'password = "{secret}"\n'})
    result = run(project)
    result.assert_outcomes(failed=2)
    # An audited baseline (is_secret: false) whose line numbers no longer match.
    baseline_path = project.path / ".secrets.baseline"
    baseline = _baseline_for(project.path, "app.py")
    for items in baseline["results"].values():
        for item in items:
            item["is_secret"] = False
            item["line_number"] = 40
    baseline_path.write_text(json.dumps(baseline, indent=2))
    repo.commit("more lines and the baseline", **{"app.py": "\n\n\n" + f'password = "{secret}"\n'})
    accepted = run(project)
    accepted.assert_outcomes(passed=2)


def _baseline_for(root: Path, name: str) -> dict[str, object]:
    from detect_secrets import SecretsCollection
    from detect_secrets.core.baseline import format_for_output
    from detect_secrets.settings import default_settings

    with default_settings():
        collection = SecretsCollection(root=str(root))
        collection.scan_file(name)
        baseline = dict(format_for_output(collection))
    for items in baseline["results"].values():
        for item in items:
            item["filename"] = name  # as detect-secrets' CLI writes it (scan_file made it absolute)
    return baseline


def test_allowlisted_fingerprint_passes(project: SecretsProject, repo: Repo) -> None:
    key = aws_key()
    repo.commit("add", **{"docs/example.md": f"Use a key like {key}\n"})
    # detect-secrets reads any 'secret...= value' line as a Keyword finding: the pragma says it is not.
    project.ini(f"secrets_allowlist =\n    {fingerprint_of(key)}  # pragma: allowlist secret\n")
    result = run(project)
    result.assert_outcomes(passed=2)


def test_known_value_only_is_urgent(project: SecretsProject, repo: Repo) -> None:
    plain = password()  # no detector knows this plain word
    repo.commit("notes", **{"notes.txt": f"temporary login {plain}\n"})
    repo.commit("cleanup", **{"notes.txt": "nothing here\n"})
    project.env(".env", DB_PASSWORD=plain)
    result = run(project)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["*notes.txt:1 commit * DB_PASSWORD: URGENT, still live: the current value of DB_PASSWORD (from .env:1)*"]
    )
    assert plain not in result.stdout.str()


def test_shallow_clone_fails_unless_accepted(project: SecretsProject, tmp_path: Path) -> None:
    origin = Repo(tmp_path / "origin")
    for number in range(5):
        origin.commit(f"c{number}", **{"a.txt": f"{number}\n"})
    clone = project.path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(clone)], check=True)
    (clone / "pytest.ini").write_text("[pytest]\n")
    result = project.pytester.runpytest_subprocess(
        str(clone), "--rootdir", str(clone), "--secrets-audit", "-k", "git-history"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*shallow clone: only 1 commits are present; history behind 1 boundary commit(s) was not audited*"]
    )
    (clone / "pytest.ini").write_text("[pytest]\nsecrets_accept_shallow = true\n")
    accepted = project.pytester.runpytest_subprocess(
        str(clone), "--rootdir", str(clone), "--secrets-audit", "-k", "git-history"
    )
    accepted.assert_outcomes(passed=1)
    accepted.stdout.fnmatch_lines(["*shallow clone accepted*"])


def test_not_a_repository_and_empty_repository_skip_with_reasons(project: SecretsProject) -> None:
    result = run(project)
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*not inside a git repository*"])
    Repo(project.path)
    empty = run(project)
    empty.stdout.fnmatch_lines(["*the repository has no commits yet*"])


def test_binary_files_are_counted_not_failed(project: SecretsProject, repo: Repo) -> None:
    repo.commit("binary", **{"blob.dat": b"\xff\xfe\x00" * 200, "logo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 40})
    result = run(project)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*scanned:*1 binary/non-UTF-8*1 excluded by detect-secrets' file-name filters*"])


def test_tracked_files_honours_pragma_and_reports_today_only(project: SecretsProject, repo: Repo) -> None:
    kept, allowed, removed = github_token(), github_token(), github_token()
    repo.commit(
        "files",
        **{
            "keep.py": f'TOKEN = "{kept}"\n',
            "allowed.py": f'TOKEN = "{allowed}"  # pragma: allowlist secret\n',
            "gone.py": f'TOKEN = "{removed}"\n',
        },
    )
    repo.remove("gone.py")
    repo.commit("remove")
    result = project.run_subprocess("-k", "tracked-files")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert f"fp {fingerprint_of(kept)}" in output
    assert f"fp {fingerprint_of(allowed)}" not in output
    assert f"fp {fingerprint_of(removed)}" not in output


def test_no_value_reaches_output_junit_or_cache(project: SecretsProject, repo: Repo) -> None:
    values = [aws_key(), github_token(), password()]
    repo.commit(
        "leaks",
        **{"a.py": f'AWS = "{values[0]}"\nTOKEN = "{values[1]}"\n', "notes.txt": f"login {values[2]}\n"},
    )
    project.env(".env", DB_PASSWORD=values[2])
    xml = project.path / "report.xml"
    result = run(project, f"--junitxml={xml}", "-rA", "-n", "2")
    result.assert_outcomes(failed=2)
    texts = [result.stdout.str(), result.stderr.str(), xml.read_text()]
    cache_dir = project.path / ".pytest_cache"
    texts += [path.read_text(errors="replace") for path in cache_dir.rglob("*") if path.is_file()]
    assert any("pytest-secrets" in str(path) for path in cache_dir.rglob("*"))
    for text in texts:
        for value in values:
            assert value not in text


def test_history_report_plugin_is_registered_by_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(
        "def pytest_configure(config):\n"
        f"    config._secrets_history_registered = config.pluginmanager.get_plugin({PLUGIN_NAME!r}) is not None\n"
        "def pytest_sessionfinish(session):\n"
        "    print('registered:', session.config.pluginmanager.get_plugin(" + repr(PLUGIN_NAME) + ") is not None)\n"
    )
    result = pytester.runpytest_subprocess("--secrets-audit", "-s", "-k", "nothing")
    assert "registered: True" in result.stdout.str(), "plugin.py should call pytest_secrets.history.register(config)"


def test_corrupt_object_fails_with_a_clear_message(project: SecretsProject, repo: Repo) -> None:
    repo.commit("one", **{"a.py": "x = 1\n" * 50})
    blob = repo.blob_id("HEAD:a.py")
    stored = project.path / ".git" / "objects" / blob[:2] / blob[2:]
    stored.chmod(0o644)
    stored.write_bytes(b"not a zlib stream")
    result = project.run_subprocess("-k", "git-history")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 object(s) could not be read (missing or corrupt objects)*", "*git fsck*"])


def test_git_not_installed_skips_with_the_reason(
    project: SecretsProject, repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo.commit("one", **{"a.py": "x = 1\n"})
    empty_bin = tmp_path / "no-git-here"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    result = project.run_subprocess("-k", "git-history or tracked-files", "-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*git is not installed (or not on PATH); install git to audit the repository*"])


def test_a_project_in_a_subfolder_owns_the_findings_under_it(project: SecretsProject, repo: Repo) -> None:
    elsewhere, inside = aws_key(), aws_key()
    repo.commit("other team", **{"other/settings.py": f'KEY = "{elsewhere}"\n'})
    repo.commit("service", **{"service/settings.py": f'KEY = "{inside}"\n'})
    result = run(project, "--secrets-root", "service")
    output = result.stdout.str()
    assert f"fp {fingerprint_of(inside)}" in output
    assert f"fp {fingerprint_of(elsewhere)}" not in output
    result.stdout.fnmatch_lines(["*note: 1 detector finding(s) in history outside the project folder service/ not reported*"])


def test_pre_commit_caches_its_scan_and_still_sees_a_change(project: SecretsProject) -> None:
    from test_repo_checks import (
        GUIDE_PRE_COMMIT,
        audit_baseline,
        commit_all,
        git_init,
        make_baseline,
    )

    git_init(project)
    project.write(".pre-commit-config.yaml", GUIDE_PRE_COMMIT)
    value = password()
    project.write("app/config.py", f'password = "{value}"  # audited as not a secret\n')
    commit_all(project)
    make_baseline(project)
    audit_baseline(project, is_secret=False)
    commit_all(project, "baseline")
    project.run_subprocess("-k", "pre-commit").assert_outcomes(passed=1)
    cached = list((project.path / ".pytest_cache").rglob("pre-commit/*/*"))
    assert cached, "the first run caches each tracked file's findings"
    assert all(value not in path.read_text() for path in cached)
    project.run_subprocess("-k", "pre-commit").assert_outcomes(passed=1)
    project.write("app/other.py", f'token = "{github_token()}"\n')
    commit_all(project, "new file")
    stale = project.run_subprocess("-k", "pre-commit")
    stale.assert_outcomes(failed=1)
    stale.stdout.fnmatch_lines(["*app/other.py*is out of date*"])


# --- tokens detect-secrets reports by their prefix only -----------------------------------


def test_prefix_only_detectors_are_the_ones_the_whole_token_rule_covers() -> None:
    """detect-secrets' GitHub and GitLab patterns capture just the literal prefix as the secret.
    If a detect-secrets upgrade changes that, this test says so (see PARTIAL_VALUE_TYPES)."""
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    from git_repos import random_text
    from pytest_secrets.adapters.detect_secrets import PARTIAL_VALUE_TYPES

    samples = {"GitHub Token": github_token(), "GitLab Token": "glpat" + "-" + random_text(20)}
    with default_settings():
        for kind, token in samples.items():
            [reported] = [s.secret_value for s in scan_line(f"token: {token}") if s.type == kind]
            assert reported is not None and len(reported) < 8 and token.startswith(reported)
    assert set(PARTIAL_VALUE_TYPES) == set(samples)


def test_two_github_tokens_are_two_findings_with_their_own_fingerprints(project: SecretsProject, repo: Repo) -> None:
    first, second = github_token(), github_token()
    repo.commit("one", **{"a.md": f"token {first}\n"})
    repo.commit("two", **{"b.md": f"token {second}\n"})
    result = run(project)
    result.stdout.fnmatch_lines(
        [
            f"*a.md:1 commit * GitHub Token committed *[[]fp {fingerprint_of(first)}[]]",
            f"*b.md:1 commit * GitHub Token committed *[[]fp {fingerprint_of(second)}[]]",
        ]
    )


def test_a_baseline_entry_for_one_github_token_does_not_accept_another(project: SecretsProject, repo: Repo) -> None:
    documented, leaked = github_token(), github_token()
    repo.commit("docs", **{"docs.md": f"example {documented}\n"})
    baseline = _baseline_for(project.path, "docs.md")
    for items in baseline["results"].values():  # type: ignore[attr-defined]
        for item in items:
            item["is_secret"] = False
    (project.path / ".secrets.baseline").write_text(json.dumps(baseline, indent=2))
    repo.commit("baseline, then a real token elsewhere", **{"deploy.md": f"use {leaked}\n"})
    result = run(project)
    output = result.stdout.str()
    assert f"fp {fingerprint_of(leaked)}" in output and "deploy.md:1" in output
    assert f"fp {fingerprint_of(documented)}" not in output


def _partial_clone(tmp_path: Path, destination: Path, object_filter: str) -> tuple[str, str]:
    """A clone of a three-commit history made with ``--filter=object_filter``, whose remote is
    then gone: any object git fetched lazily would fail loudly. Returns (the value committed
    and deleted before the clone, the value in today's tree)."""
    deleted, today = aws_key(), aws_key()
    origin = Repo(tmp_path / "origin")
    origin.git("config", "uploadpack.allowFilter", "true")
    origin.commit("oops", **{"old.py": f'KEY = "{deleted}"\n'})
    origin.remove("old.py")
    origin.commit("remove it")
    origin.commit("app", **{"app/settings.py": f'KEY = "{today}"\n', "pytest.ini": "[pytest]\n"})
    clone = Repo(destination, init=False)
    clone.git("clone", "-q", f"--filter={object_filter}", f"file://{origin.path}", ".")
    clone.git("config", "remote.origin.url", str(tmp_path / "gone"))
    return deleted, today


@pytest.mark.parametrize("object_filter", ["blob:none", "tree:0"])
def test_partial_clone_names_what_was_never_fetched_and_fetches_nothing(
    project: SecretsProject, tmp_path: Path, object_filter: str
) -> None:
    clone = project.path / "clone"
    deleted, today = _partial_clone(tmp_path, clone, object_filter)
    result = project.pytester.runpytest_subprocess(
        str(clone), "--rootdir", str(clone), "--secrets-audit", "-k", "git-history"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*partial clone: * object(s) reachable from the refs were never fetched from the promisor remote*"]
    )
    output = result.stdout.str() + result.stderr.str()
    assert f"fp {fingerprint_of(today)}" in output  # today's tree was checked out: it is audited
    assert f"fp {fingerprint_of(deleted)}" not in output  # never fetched, so never read
    assert "could not fetch" not in output and "promisor remote" in output
    assert today not in output and deleted not in output


def test_a_sha256_repository_is_audited(project: SecretsProject) -> None:
    repo = Repo(project.path, init=False)
    repo.git("init", "-q", "-b", "main", "--object-format=sha256", check=False)
    if not (project.path / ".git").is_dir():
        pytest.skip("this git cannot make SHA-256 repositories (git 2.29+ can)")
    key = aws_key()
    repo.commit("base", **{".gitignore": ".pytest_cache/\n__pycache__/\n"})
    introducing = repo.commit("oops", **{"settings.py": f'KEY = "{key}"\n'})
    repo.remove("settings.py")
    repo.commit("remove it")
    assert len(introducing) == 64
    result = project.run_subprocess("-k", "git-history")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*settings.py:1 commit {introducing[:10]} AWS Access Key*[[]fp {fingerprint_of(key)}[]]"]
    )
    repo.commit("more", **{"notes.txt": "nothing secret\n"})
    again = project.run_subprocess("-k", "git-history")  # the per-blob cache holds 64-digit ids
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["*scanned: 4 commits, 1 refs, * blobs, * scanned, 3 from cache*"])


def test_a_repository_git_refuses_to_read_fails_and_says_why(
    project: SecretsProject, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout owned by another user (a CI container's, say): git's safe.directory check.
    git's own switch makes it see another owner, so this runs as any user."""
    repo.commit("one", **{"a.py": "x = 1\n"})
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    if "dubious ownership" not in repo.git("rev-parse", "--show-toplevel", check=False, stderr=True):
        pytest.skip("this git has no safe.directory check (git 2.35.2+ has)")
    result = run(project)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            f"*git refuses to read the repository at {project.path}: it belongs to another user*not audited",
            f"*git config --global --add safe.directory {project.path}",
        ]
    )
    assert "not inside a git repository" not in result.stdout.str()
