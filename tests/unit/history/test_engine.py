"""The history scan engine on real repositories: what it reaches, attributes, skips and caches."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from git_repos import Repo, aws_key, github_token, high_entropy, password, private_key_block
from pytest_secrets.adapters import detect_secrets as detect_secrets_adapter
from pytest_secrets.adapters import git
from pytest_secrets.adapters.detect_secrets import default_config
from pytest_secrets.history import engine, workers
from pytest_secrets.history.engine import HistoryScan, scan_history
from pytest_secrets.values import SecretValue, fingerprint_of

CONFIG = default_config(".secrets.baseline")


def scan(repo: Repo, previous: HistoryScan | None = None, **kwargs: object) -> HistoryScan:
    """Scan, reading the cache ``previous`` wrote (through JSON, as the pytest cache does)."""
    if previous is not None:
        payloads = json.loads(json.dumps(previous.cache_payloads))
        kwargs.setdefault("cache", payloads.get(""))
        kwargs.setdefault("load_blob_cache", lambda: payloads.get("-blobs"))
    return scan_history(repo.path, CONFIG, **kwargs)  # type: ignore[arg-type]


def fingerprints(result: HistoryScan) -> set[str]:
    return {finding.fingerprint for finding in result.findings}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def test_secret_in_deleted_file_is_found_with_its_commit_and_path(repo: Repo) -> None:
    key = aws_key()
    repo.commit("readme", README="hello\n")
    introducing = repo.commit("add config", **{"app__settings.py": f'AWS = "{key}"\n'})
    repo.remove("app/settings.py")
    repo.commit("remove config")
    result = scan(repo)
    [finding] = [f for f in result.findings if f.type == "AWS Access Key"]
    assert finding.fingerprint == fingerprint_of(key)
    assert finding.line == 1
    intro = result.introductions[finding.blob]
    assert intro.commit == introducing
    assert intro.path == "app/settings.py"
    assert intro.author == "Test Author"


def test_every_ref_is_reached(repo: Repo) -> None:
    on_branch, on_tag, in_stash, older_stash = aws_key(), aws_key(), aws_key(), aws_key()
    repo.commit("base", **{"a.txt": "nothing\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("branch secret", **{"branch.py": f'key = "{on_branch}"\n'})
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "tagged")
    repo.commit("tag secret", **{"tag.py": f'key = "{on_tag}"\n'})
    repo.git("tag", "v1")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "tagged")
    repo.write("a.txt", f'key = "{older_stash}"\n')
    repo.git("stash", "-q")
    repo.write("a.txt", f'key = "{in_stash}"\n')
    repo.git("stash", "-q")
    result = scan(repo)
    found = fingerprints(result)
    for value in (on_branch, on_tag, in_stash, older_stash):
        assert fingerprint_of(value) in found
    assert result.refs >= 3


def test_renamed_file_keeps_the_first_path_and_commit(repo: Repo) -> None:
    token = github_token()
    first = repo.commit("add", **{"old_name.py": f'TOKEN = "{token}"\n'})
    repo.git("mv", "old_name.py", "new_name.py")
    repo.commit("rename")
    result = scan(repo)
    [finding] = [f for f in result.findings if f.type == "GitHub Token"]
    assert result.introductions[finding.blob].commit == first
    assert result.introductions[finding.blob].path == "old_name.py"


def test_unusual_file_names_are_named_as_they_are(repo: Repo) -> None:
    """git quotes names with tabs, quotes and backslashes in its listings; the finding names
    the real file, non-ASCII included."""
    names = ['tab\there.py', 'quote"d.py', "back\\slash.py", "caf\u00e9 \u00fcber.py"]
    tokens = {name: github_token() for name in names}
    commits = {name: repo.commit(f"add {name}", **{name: f'TOKEN = "{tokens[name]}"\n'}) for name in names}
    result = scan(repo)
    assert result.commits == len(names)
    for name in names:
        [blob] = {f.blob for f in result.findings if f.fingerprint == fingerprint_of(tokens[name])}
        assert result.introductions[blob].path == name
        assert result.introductions[blob].commit == commits[name]


def test_an_author_name_with_a_control_character_is_read_as_it_is(repo: Repo) -> None:
    token = github_token()
    repo.write("a.py", f'TOKEN = "{token}"\n')
    repo.git("add", "a.py")
    repo.git("commit", "-q", "-m", "add", "--author=Bob\x01Evil <bob@example.com>")
    repo.commit("more", **{"b.py": "x = 1\n"})
    result = scan(repo)
    assert result.commits == 2
    [group] = [g for g in result.groups if g.type == "GitHub Token"]
    assert group.author == "Bob\x01Evil" and group.path == "a.py"


def test_secret_only_in_a_merge_resolution_is_attributed_to_the_merge(repo: Repo) -> None:
    token = github_token()
    repo.commit("base", **{"conf.py": "value = 1\n"})
    repo.git("checkout", "-q", "-b", "other")
    repo.commit("other", **{"conf.py": "value = 2\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main", **{"conf.py": "value = 3\n"})
    repo.git("merge", "-q", "other", check=False)
    repo.write("conf.py", f'token = "{token}"\n')
    repo.git("add", "conf.py")
    repo.git("commit", "-q", "--no-edit")
    merge = repo.git("rev-parse", "HEAD")
    result = scan(repo)
    [finding] = [f for f in result.findings if f.type == "GitHub Token"]
    assert result.introductions[finding.blob].commit == merge


def test_detached_head_commits_are_scanned(repo: Repo) -> None:
    key = aws_key()
    repo.commit("base", **{"a.txt": "x\n"})
    repo.git("checkout", "-q", "--detach")
    repo.commit("detached", **{"b.py": f'k = "{key}"\n'})
    result = scan(repo)
    assert result.branch is None
    assert fingerprint_of(key) in fingerprints(result)


def test_binary_huge_and_non_utf8_blobs_are_counted(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "MAX_BLOB_BYTES", 1000)
    key = aws_key()
    repo.commit(
        "files",
        **{
            "blob.dat": b"\xff\xfe\x00\x01" * 100,
            "logo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
            "latin1.txt": ("caf\xe9 " + key).encode("latin-1"),
            "big.txt": "x" * 5000,
            "ok.py": "print('hi')\n",
        },
    )
    result = scan(repo)
    assert result.skipped_huge == 1
    assert result.not_text == 2
    assert result.excluded == 1
    # detect-secrets skips non-UTF-8 text entirely (as its scan_file does): no detector finding.
    assert fingerprint_of(key) not in fingerprints(result)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_blob_skipped_by_name_is_read_only_for_known_values(repo: Repo, processes: int) -> None:
    plain = password()
    image = b"\x89PNG\r\n\x1a\n" + plain.encode() + b"\x00" * 20_000
    repo.commit("image", **{"logo.png": image, "ok.py": "x = 1\n"})
    without = scan(repo, processes=processes)
    assert without.excluded == 1
    assert without.bytes_scanned < 1000  # ok.py only: detect-secrets skips .png by name
    known = scan(repo, processes=processes, known=[SecretValue("DB_PASSWORD", plain, ".env:1")])
    assert known.excluded == 1
    assert fingerprint_of(plain) in fingerprints(known)


def test_known_values_are_found_in_every_encoded_form(repo: Repo) -> None:
    plain = password()
    secret = SecretValue("DB_PASSWORD", plain, ".env:1")
    import base64
    import urllib.parse

    repo.commit("raw", **{"notes.txt": f"the password is {plain} ok\n"})
    repo.commit(
        "encoded", **{"auth.txt": "Authorization: Basic " + base64.b64encode(f"user:{plain}".encode()).decode()}
    )
    repo.commit("hex", **{"dump.txt": "\n\n" + plain.encode().hex() + "\n"})
    repo.commit("url", **{"url.txt": "?p=" + urllib.parse.quote(plain + "/+") + "\n"})
    result = scan(repo, known=[secret])
    known = [f for f in result.findings if f.kind == "known"]
    assert {f.form for f in known} >= {"raw", "base64", "hex"}
    assert {f.type for f in known} == {"DB_PASSWORD"}
    assert all(f.fingerprint == secret.fingerprint for f in known)
    hex_hit = next(f for f in known if f.form == "hex")
    assert hex_hit.line == 3


def test_warm_run_scans_nothing_and_reports_the_same(repo: Repo) -> None:
    key = aws_key()
    repo.commit("one", **{"a.py": f'k = "{key}"\n', "b.py": "x = 1\n"})
    cold = scan(repo)
    assert cold.blobs_scanned == cold.blobs_total == 2
    warm = scan(repo, previous=cold, load_blob_cache=lambda: pytest.fail("a warm run reads only the summary"))
    assert warm.warm
    assert warm.blobs_scanned == 0
    assert warm.cache_payloads == {}
    assert warm.groups == cold.groups
    assert [g.fingerprint for g in warm.groups] == [fingerprint_of(key)]


def test_after_one_commit_only_its_new_blobs_are_scanned(repo: Repo) -> None:
    repo.commit("one", **{"a.py": "x = 1\n", "b.py": "y = 2\n"})
    first = scan(repo)
    token = github_token()
    repo.commit("two", **{"c.py": f'token = "{token}"\n'})
    result = scan(repo, previous=first)
    assert result.blobs_scanned == 1
    assert result.blobs_total == 3
    assert fingerprint_of(token) in fingerprints(result)


def test_changed_known_values_rescan_only_for_known_values(repo: Repo) -> None:
    plain = password()
    repo.commit("one", **{"a.txt": f"value {plain}\n"})
    first = scan(repo)
    result = scan(repo, previous=first, known=[SecretValue("API_TOKEN", plain, ".env:2")])
    assert result.blobs_scanned == 0  # detectors: all cached
    assert [f.type for f in result.findings if f.kind == "known"] == ["API_TOKEN"]


def test_cache_payload_holds_no_value(repo: Repo) -> None:
    values = [aws_key(), github_token(), high_entropy(), password()]
    repo.commit(
        "secrets",
        **{
            "a.py": f'aws = "{values[0]}"\ngh = "{values[1]}"\nblob = "{values[2]}"\npassword = "{values[3]}"\n',
            "key.pem": private_key_block(),
        },
    )
    known = [SecretValue("DB_PASSWORD", values[3], ".env:1")]
    result = scan(repo, known=known)
    assert len(result.findings) >= 4
    text = json.dumps(result.cache_payloads) + repr(result) + result.summary()
    for value in values:
        assert value not in text


def test_shallow_clone_is_reported(repo: Repo, tmp_path: Path) -> None:
    for number in range(4):
        repo.commit(f"c{number}", **{"a.txt": f"{number}\n"})
    clone = Repo(tmp_path / "clone", init=False)
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone.path)],
        check=True,
        capture_output=True,
        env=os.environ | {"GIT_CONFIG_NOSYSTEM": "1"},
    )
    result = scan(clone)
    assert result.shallow
    assert result.shallow_boundary == 1
    assert result.commits == 2


def test_submodules_are_named(repo: Repo, tmp_path: Path) -> None:
    inner = Repo(tmp_path / "inner")
    inner.commit("inner", **{"x.txt": "x\n"})
    repo.commit("base", **{"a.txt": "a\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner.path), "vendor/inner")
    repo.commit("add submodule")
    result = scan(repo)
    assert result.submodules == ["vendor/inner"]


def test_corrupt_object_is_a_clear_error(repo: Repo) -> None:
    repo.commit("one", **{"a.py": "x = 1\n" * 50})
    blob = repo.blob_id("HEAD:a.py")
    objects = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    objects.chmod(0o644)
    objects.write_bytes(b"this is not a zlib stream")
    # git itself reports a corrupt object as missing; the scan counts it, it is not silently clean.
    result = scan(repo)
    assert result.missing == 1


def test_a_repaired_object_is_read_on_the_next_run(repo: Repo) -> None:
    """A run that could not read an object leaves no answer a later run would trust: not the
    summary (the refs have not moved), not 'scanned' for that blob."""
    key = aws_key()
    repo.commit("one", **{"a.py": f'k = "{key}"\n', "b.py": "x = 1\n"})
    stored = repo.path / ".git" / "objects" / repo.blob_id("HEAD:a.py")[:2] / repo.blob_id("HEAD:a.py")[2:]
    good = stored.read_bytes()
    stored.chmod(0o644)
    stored.write_bytes(b"this is not a zlib stream")
    damaged = scan(repo)
    assert damaged.missing == 1 and fingerprint_of(key) not in fingerprints(damaged)
    stored.write_bytes(good)
    repaired = scan(repo, previous=damaged)
    assert not repaired.warm and repaired.missing == 0
    assert repaired.blobs_scanned == 1  # the other blob comes from the cache
    assert [g.fingerprint for g in repaired.groups] == [fingerprint_of(key)]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_two_worker_processes_find_the_same(repo: Repo, method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "CHUNK_BLOBS", 2)
    monkeypatch.setattr(workers, "start_method", lambda: method)
    values = [aws_key() for _ in range(6)]
    plain = password()
    for number, value in enumerate(values):
        repo.commit(f"c{number}", **{f"f{number}.py": f'k = "{value}"\n# {plain}\n' + "x = 1\n" * 200})
    repo.commit("binary", **{"blob.dat": b"\xff\xfe" * 10, "logo.png": b"\x89PNG"})
    known = [SecretValue("DB_PASSWORD", plain, ".env:1")]
    serial = scan(repo, processes=1, known=known)
    parallel = scan(repo, processes=2, known=known)
    assert parallel.processes == 2
    assert sorted(map(repr, parallel.findings)) == sorted(map(repr, serial.findings))
    assert parallel.groups == serial.groups
    assert {g.kind for g in parallel.groups} == {"detector", "known"}
    assert (parallel.blobs_scanned, parallel.not_text, parallel.excluded) == (
        serial.blobs_scanned,
        serial.not_text,
        serial.excluded,
    )
    # An incremental run (the per-blob cache is read) starts its workers after listing.
    later = aws_key()
    repo.commit("later", **{"g.py": f'k = "{later}"\n' + "x = 1\n" * 200})
    incremental = scan(repo, previous=parallel, processes=2, known=known)
    assert (incremental.processes, incremental.blobs_scanned) == (2, 1)
    assert {g.fingerprint for g in incremental.groups} == {g.fingerprint for g in serial.groups} | {
        fingerprint_of(later)
    }


def test_git_missing_is_reported(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(git.GitMissing, match="git is not installed"):
        git.toplevel(repo.path)


def test_a_cache_from_an_older_scan_revision_is_scanned_again(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("one", **{"a.py": f'k = "{aws_key()}"\n'})
    first = scan(repo)
    assert scan(repo, previous=first).warm
    monkeypatch.setattr(detect_secrets_adapter, "SCAN_REVISION", detect_secrets_adapter.SCAN_REVISION + 1)
    again = scan(repo, previous=first)
    assert not again.warm and again.blobs_scanned == 1 and again.blobs_cached == 0


def test_a_damaged_cache_is_ignored_not_trusted(repo: Repo) -> None:
    key = aws_key()
    repo.commit("one", **{"a.py": f'k = "{key}"\n'})
    first = scan(repo)
    summary = json.loads(json.dumps(first.cache_payloads[""]))
    summary["huge"] = "not a number"
    damaged = scan(repo, cache=summary, load_blob_cache=lambda: {"version": engine.CACHE_VERSION, "scanned": 7})
    assert not damaged.warm
    assert damaged.blobs_scanned == 1
    assert [g.fingerprint for g in damaged.groups] == [fingerprint_of(key)]


@pytest.mark.parametrize("processes", [1, 2])
def test_introductions_looked_up_during_the_scan_are_the_same(
    repo: Repo, processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full scan reads the log while it scans; an incremental one after it, or meanwhile
    from EARLY_INTRODUCTIONS_BLOBS new blobs. All give the same commits."""
    token = github_token()
    repo.commit("base", **{"a.py": "x = 1\n"})
    first = repo.commit("add", **{"old_name.py": f'TOKEN = "{token}"\n', "b.py": f'k = "{aws_key()}"\n'})
    repo.git("mv", "old_name.py", "new_name.py")
    repo.commit("rename")
    cold = scan(repo, processes=processes)
    assert cold.commits == 3
    [finding] = [f for f in cold.findings if f.type == "GitHub Token"]
    assert cold.introductions[finding.blob].commit == first
    repo.commit("more", **{"c.py": f'k = "{aws_key()}"\n'})
    incremental = {}
    for early in (10**9, 1):
        monkeypatch.setattr(engine, "EARLY_INTRODUCTIONS_BLOBS", early)
        monkeypatch.setattr(engine, "CHUNK_BLOBS", 1)
        summary = dict(cold.cache_payloads[""], state="older")
        detail = dict(cold.cache_payloads["-blobs"], introductions={})  # look every one up again
        incremental[early] = scan(repo, processes=processes, cache=summary, load_blob_cache=lambda: detail)
    after, during = incremental[10**9], incremental[1]
    assert after.blobs_scanned == during.blobs_scanned == 1
    assert after.commits == during.commits == 4
    assert during.introductions == after.introductions
    assert {sha: cold.introductions[sha] for sha in cold.introductions} == {
        sha: after.introductions[sha] for sha in cold.introductions
    }
    assert during.groups == after.groups


