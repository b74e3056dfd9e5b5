"""Versions of one file scanned in a row: the lines a version shares with the last one keep
their verdicts (``Scanner.scan_version``), and every version still gets exactly what
detect-secrets' own ``scan_file`` reports for it alone."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from git_repos import high_entropy, random_text
from pytest_secrets.adapters import blob_versions
from pytest_secrets.adapters.blob_versions import Version, change
from pytest_secrets.adapters.detect_secrets import DetectorHit, default_config
from pytest_secrets.adapters.fast_scan import Scanner
from test_equivalence import plugin_examples

PLAIN = ["import os", "", "def main():", "    return 1", "# a comment", "x = [1, 2, 3]", "    pass"]
PRAGMAS = ["# pragma: allowlist nextline secret", "// pragma: allowlist nextline secret"]
# Lines that end like a pragma but are none (no colon; not a comment in a .py file): an edit
# that turns one into a pragma leaves the line's tail, and so a shared stretch, unchanged.
NEAR_PRAGMAS = ["# pragma allowlist nextline secret", "x = 'pragma: allowlist nextline secret'"]
NAMES = ("app.py", "notes.txt", "run.sh", "README.md")


@pytest.fixture(scope="module")
def pool() -> list[str]:
    return plugin_examples() + PLAIN * 4 + PRAGMAS * 3 + NEAR_PRAGMAS * 2


@pytest.fixture(scope="module")
def scanner() -> Iterator[Scanner]:
    with Scanner(default_config()) as entered:
        yield entered


def reference(scanner: Scanner, name: str, content: bytes) -> list[DetectorHit]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return sorted(scanner.reference_scan_file(str(path)), key=_order)


def _order(hit: DetectorHit) -> tuple[int, str, str]:
    return (hit.line, hit.type, hit.secret_hash)


def scan_versions(scanner: Scanner, name: str, versions: list[bytes]) -> list[str]:
    """Mismatches between the version-by-version scan and scan_file on each version."""
    scanner._versions.clear()
    mismatches = []
    for number, content in enumerate(versions):
        _, hits = scanner.scan_version(name, content)
        expected = reference(scanner, name, content)
        if sorted(hits, key=_order) != expected:
            fast = [(h.line, h.type) for h in sorted(hits, key=_order)]
            mismatches.append(f"version {number}: {fast} != {[(h.line, h.type) for h in expected]}")
    return mismatches


@pytest.fixture(params=["default", "eager anchors"])
def anchors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Shared stretches found as in a history scan, or to the byte and anchored in gaps of any
    size (so that small random files exercise every edge of a stretch)."""
    if request.param == "eager anchors":
        monkeypatch.setattr(blob_versions, "_BLOCK", 1)
        monkeypatch.setattr(blob_versions, "MIN_REUSE_BYTES", 0)
        monkeypatch.setattr(blob_versions, "MIN_GAP", 1)
        monkeypatch.setattr(blob_versions, "ANCHOR_BYTES", 4)
    return str(request.param)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_report_what_each_version_alone_does(
    scanner: Scanner, pool: list[str], anchors: str, data: st.DataObject
) -> None:
    line = st.sampled_from(pool)
    lines = data.draw(st.lists(line, min_size=0, max_size=14), label="first version")
    name = data.draw(st.sampled_from(NAMES), label="name")
    newline = data.draw(st.sampled_from(["\n", "\r\n"]), label="newline")
    versions = [newline.join(lines).encode()]
    for _ in range(data.draw(st.integers(1, 5), label="edits")):
        edit = data.draw(st.sampled_from(["insert", "delete", "replace", "append"]), label="edit")
        at = data.draw(st.integers(0, len(lines)), label="at")
        if edit == "insert":
            lines = lines[:at] + [data.draw(line)] + lines[at:]
        elif edit == "delete" and lines:
            lines = lines[: min(at, len(lines) - 1)] + lines[min(at, len(lines) - 1) + 1 :]
        elif edit == "replace" and lines:
            lines = lines[: min(at, len(lines) - 1)] + [data.draw(line)] + lines[min(at, len(lines) - 1) + 1 :]
        else:
            lines = lines + [data.draw(line)]
        ending = data.draw(st.sampled_from(["", newline]), label="last newline")
        versions.append((newline.join(lines) + ending).encode())
    assert scan_versions(scanner, name, versions) == []


def test_a_pragma_added_above_an_unchanged_secret_allowlists_it(scanner: Scanner) -> None:
    secret = f'password = "{random_text(16)}"'
    before = f"a = 1\n{secret}\nb = 2\n"
    after = f"a = 1\n# pragma: allowlist nextline secret\n{secret}\nb = 2\n"
    assert scan_versions(scanner, "app.py", [before.encode(), after.encode(), before.encode()]) == []
    scanner._versions.clear()
    scanner.scan_version("app.py", before.encode())
    assert scanner.scan_version("app.py", after.encode())[1] == []


@pytest.mark.parametrize("middle", [False, True], ids=["at the edge", "between two edits"])
def test_a_pragma_completed_above_an_unchanged_secret_allowlists_it(
    scanner: Scanner, anchors: str, middle: bool
) -> None:
    """The changed byte sits inside the line before the secret: the secret's line is unchanged,
    but its verdict is not."""
    secret = f'password = "{random_text(16)}"'
    filler = "".join(f"x{n} = {n}  # filler line\n" for n in range(400))
    top = "import os\n" if middle else ""
    before = f"{top}{filler}# pragma allowlist nextline secret\n{secret}\n{filler}"
    after = f"{filler}# pragma: allowlist nextline secret\n{secret}\n{filler}"
    assert scan_versions(scanner, "app.py", [before.encode(), after.encode(), before.encode()]) == []


def test_findings_around_the_change_move_with_their_lines(scanner: Scanner) -> None:
    top, bottom = f'token = "{high_entropy()}"', f'password = "{random_text(16)}"'
    filler = "\n".join(f"x{n} = {n}" for n in range(500))
    first = f"{top}\n{filler}\n{bottom}\n"
    second = f"{top}\n{filler}\nnew = 1\nnewer = 2\n{bottom}\n"
    third = f"import os\n{second}"
    reused = scanner.stats["bytes_reused"]
    assert scan_versions(scanner, "app.py", [first.encode(), second.encode(), third.encode()]) == []
    assert scanner.stats["bytes_reused"] - reused > len(filler)  # versions 2 and 3 reuse the filler
    _, hits = scanner.scan_version("app.py", first.encode())
    assert sorted(hit.line for hit in hits) == [1, 502]


def test_the_change_keeps_only_lines_it_cannot_affect() -> None:
    names = "abcdefghij"
    lines = [name * 199 + "\n" for name in names]  # ten lines of 200 bytes
    old = Version("".join(lines).encode(), tuple((200 * index, name.upper()) for index, name in enumerate(names)))
    # Line 'c' (offset 400) grows by one byte.
    found = change(old, "".join(lines[:2] + ["c" * 200 + "\n"] + lines[3:]).encode())
    assert found.ranges == ((400, 800),)
    assert found.kept[:2] == ((0, "A"), (200, "B"))
    # 'd' follows the change: its line before changed (a 'nextline' pragma may have), so it is
    # scanned again; the lines after it keep their verdicts, one byte further on.
    assert (601, "D") not in found.kept
    assert found.kept[2:] == ((801, "E"), (1001, "F"), (1201, "G"), (1401, "H"), (1601, "I"), (1801, "J"))
    # Nothing in common: everything is scanned.
    nothing = change(old, b"z")
    assert (nothing.ranges, nothing.kept) == (((0, 1),), ())
    # The same text (a version that differed only in line endings): only its end is scanned.
    same = change(old, old.data)
    assert same.kept == old.hits[:-1] and same.ranges == ((1800, 2000),)


def test_distant_edits_leave_the_lines_between_them_alone() -> None:
    lines = [f"line {number:04d} " + "x" * 89 + "\n" for number in range(120)]  # 100 bytes each
    old = Version("".join(lines).encode(), tuple((100 * index, index) for index in range(0, 120, 10)))
    edited = list(lines)
    edited[5] = "changed near the top\n"
    edited[114] = "changed near the end, and longer than the line it replaces\n"
    new = "".join(edited).encode()
    found = change(old, new)
    assert len(found.ranges) == 2 and found.scanned_bytes < 1500  # of 11,921 bytes
    (top_start, top_end), (end_start, end_end) = found.ranges
    assert top_start <= new.index(b"changed near the top") < top_end < new.index(b"line 0050")
    assert end_start <= new.index(b"changed near the end") < end_end
    shift = len(edited[5]) - 100
    # The hits between the edits, and after them, moved with their lines; line 10 follows a
    # changed stretch's edge only if the anchor's extension stopped short of it.
    assert all((100 * index + shift, index) in found.kept for index in range(20, 110, 10))
    assert (0, 0) in found.kept
    for offset, index in found.kept:
        assert new[offset : offset + 9] == f"line {index:04d}".encode()


def test_a_requirements_file_is_not_parsed_for_a_plugin_that_cannot_report(scanner: Scanner) -> None:
    """Public IPs have no letters, so detect-secrets' default ``is_not_alphanumeric_string``
    filter drops every one: version numbers such as 3.6.4.0 must not send a file to the INI
    parser (the slow part) when nothing else could be found in it."""
    content = b"amqp==5.1.1\n    # via kombu\nbilliard==3.6.4.0\n    # via celery\n"
    parsed = scanner.stats["transformed"]
    assert scanner.scan_bytes("requirements.txt", content) == []
    assert scanner.stats["transformed"] == parsed
    assert reference(scanner, "requirements.txt", content) == []


CASINGS = (str, str.upper, str.lower, str.swapcase)


@pytest.mark.parametrize("name", NAMES)
def test_versions_in_every_case_report_what_scan_file_does(scanner: Scanner, name: str) -> None:
    """Versions are searched as they are, not lower-cased, with the case-sensitive plugins'
    triggers in their own case (``triggers.CASED_TRIGGERS``): every plugin's example, upper-cased,
    lower-cased and with its case swapped, gets exactly what scan_file reports for it."""
    mismatches, found = [], 0
    for number, example in enumerate(plugin_examples()):
        for casing in CASINGS:
            content = f"x = 1\n{casing(example)}\n".encode()
            found += len(reference(scanner, name, content))
            mismatches += [f"example {number}, {casing.__name__}: {m}" for m in scan_versions(scanner, name, [content])]
    assert mismatches == []
    assert found > 150  # the cased examples do trigger the plugins


def test_a_case_sensitive_trigger_is_used_only_for_the_patterns_it_was_written_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Were a plugin's patterns to change (here: Twilio's, made case-insensitive), its trigger in
    its own case could miss what they match: the lower-case trigger is used, case-insensitively."""
    from detect_secrets.plugins.twilio import TwilioKeyDetector

    from pytest_secrets.adapters.triggers import CASED_TRIGGERS, TRIGGERS, Plugin

    assert Plugin(TwilioKeyDetector()).cased == CASED_TRIGGERS["TwilioKeyDetector"]
    monkeypatch.setattr(TwilioKeyDetector, "denylist", [re.compile(r"AC[a-z0-9]{32}", re.IGNORECASE)])
    assert Plugin(TwilioKeyDetector()).cased == f"(?i:{TRIGGERS['TwilioKeyDetector']})"
