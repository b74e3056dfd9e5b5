"""The fast path reports exactly what detect-secrets' own ``SecretsCollection.scan_file`` does.

Two corpora: examples for every plugin (built at run time, in many file types, quoted and not,
with pragmas, YAML and INI shapes, odd newlines and case-folding characters), and real files
of the installed site-packages. Each file is scanned both ways under the same settings and the
findings (type, line, hash) must be identical. Set PYTEST_SECRETS_FULL_EQUIVALENCE=1 to use
every site-packages file instead of a sample (minutes).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import string
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from git_repos import (
    ALNUM,
    aws_key,
    github_token,
    high_entropy,
    private_key_block,
    random_text,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_secrets.adapters.detect_secrets import (
    DetectorHit,
    config_from_baseline,
    default_config,
)
from pytest_secrets.adapters.fast_scan import Scanner
from pytest_secrets.adapters.filter_stages import (
    INDIRECT_REFERENCE_FILTER,
    may_be_indirect_reference,
)
from pytest_secrets.adapters.transform_gates import (
    may_parse_as_ini,
    may_parse_as_ini_with_header,
)

HEX = "0123456789abcdef"
LOWER_DIGITS = string.ascii_lowercase + string.digits
EXTENSIONS = ("py", "yml", "yaml", "ini", "cfg", "txt", "env", "json", "js", "go", "java", "properties", "toml", "")
SAMPLE_SIZE = 160
# Read at import: the suite's autouse fixture clears PYTEST_* variables before each test.
FULL_CORPUS = os.environ.get("PYTEST_SECRETS_FULL_EQUIVALENCE") == "1"


def plugin_examples() -> list[str]:
    """Lines that each detect-secrets plugin reports, plus near misses around them."""
    jwt = "eyJ" + base64.urlsafe_b64encode(b'{"alg":"HS256"}').decode().rstrip("=")[3:]
    jwt += "." + base64.urlsafe_b64encode(json.dumps({"sub": random_text(12)}).encode()).decode().rstrip("=")
    jwt += "." + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    b64 = high_entropy()
    hexed = secrets.token_hex(16)
    return [
        f'aws_access_key_id = "{aws_key()}"',
        f"AWS_SECRET_ACCESS_KEY: '{random_text(40)}'",
        f"aws_pw={random_text(40)}",
        f" AKC{random_text(12)} ",
        f"artifactory: AP6{random_text(10)}",
        f"AccountKey={random_text(86)}==",
        f"url = https://admin:{random_text(12)}@example.com/db",
        f"DATABASE_URL=postgres://user:{random_text(10)}@db.internal:5432/app",
        f'cloudant_password = "{secrets.token_hex(32)}"',
        f"cl_api_key: {random_text(24, string.ascii_lowercase)}",
        f"https://user:{secrets.token_hex(32)}@acct.cloudant.com",
        f"bot = 'M{random_text(23)}.{random_text(6)}.{random_text(27)}'",
        f'token = "{github_token()}"',
        f"gitlab glpat-{random_text(20)}",
        f"GR1348941{random_text(24)}",
        f"glcbt-ab_{random_text(22)}",
        f"glimt-{random_text(25)} glptt-{random_text(40)}",
        f"glagent-{random_text(55)} gloas-{random_text(64)}",
        f'blob = "{b64}"',
        f"unquoted {b64}",
        f"hex = '{hexed}'",
        f'digits = "{random_text(24, string.digits)}"',
        f'ibm_cloud_iam_key = "{random_text(44, ALNUM + "_-")}"',
        f"iam-api-key: {random_text(44)}",
        f'ibm_cos_hmac_secret_access_key = "{secrets.token_hex(24)}"',
        "server 8.8.4.4 and 1.2.3.4:8080 and 10.0.0.1 and 127.0.0.1",
        "private 172.16.0.1 172.160.1.1 172.32.0.1 192.168.1.1 192.1.1.1 192.169.0.1",
        "version a1.2.3.4 and 1.2.3.4.5 and x.1.2.3.4",
        "more 10.1.2.3 100.64.0.1 255.255.255.255 01.2.3.4 999.1.1.1 1.2.3.4:99999 (8.8.8.8) _8.8.8.8",
        "edges \u00e98.8.8.8 8.8.8.8\u00e9 .8.8.8.8 172.15.0.1 172.31.0.1 127.1.1.1 12.7.0.1 1.127.0.0",
        f"auth = '{jwt}'",
        f'password = "{random_text(16)}"',
        f"db_pass: {random_text(12)}",
        f'"api_key": "{random_text(30)}",',
        f'secret := "{random_text(14)}"',
        f"PASSWORD={random_text(18)}",
        f'String password = "{random_text(14)}";',
        f'private_key = "{random_text(20)}"',
        f'contraseña = "{random_text(14)}"',
        f'SECRET_KEY = "{random_text(30)}"',
        f'pa\u017fsword = "{random_text(14)}"',
        f'api_\u212aey = "{random_text(14)}"',
        f'if password == "{random_text(10)}":',
        f'password = get_secret("{random_text(10)}")',
        f'password = "${{{random_text(8)}}}"',
        f"{random_text(32, LOWER_DIGITS)}-us12",
        f"//registry.npmjs.org/:_authToken=npm_{random_text(36)}",  # pragma: allowlist secret
        f"sk-{random_text(20)}T3BlbkFJ{random_text(20)}",
        f"pypi-AgEIcHlwaS5vcmc{random_text(72)}",
        f"SG.{random_text(22)}.{random_text(43)}",
        f"xoxb-{random_text(11, string.digits)}-{random_text(12, string.digits)}-{random_text(24, LOWER_DIGITS)}",
        f"https://hooks.slack.com/services/T{random_text(8)}/B{random_text(8)}/{random_text(24)}",
        f'softlayer_api_key = "{random_text(64, LOWER_DIGITS)}"',
        f"https://api.softlayer.com/soap/v3/{random_text(64, LOWER_DIGITS)}",
        f"sq0csp-{random_text(43)}",
        f"sk_live_{random_text(24)} rk_live_{random_text(24)}",
        f"bot {random_text(9, string.digits)}:{random_text(35)}",
        f"arabic \u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669:{random_text(35)}",
        f"AC{random_text(32, LOWER_DIGITS)} SK{random_text(32, LOWER_DIGITS)}",
        f'password = "{random_text(16)}"  # pragma: allowlist secret',
        f'key = "{aws_key()}"  // pragma: allowlist secret',
    ]


def composite_files() -> dict[str, str]:
    """Whole files whose shape matters: YAML, INI, env files, pragmas on the line before."""
    return {
        "config.yml": (
            f"db:\n  password: {random_text(16)}\n  token: |\n    {random_text(44)}\n"
            f"  folded: >\n    {random_text(10)}\n    {random_text(10)}\n"
            f'  escaped: "\\x70assword {random_text(12)}"\n'
            f"  anchor: &a {high_entropy()}\n  alias: *a\n"
            f"  binary: !!binary |\n    {base64.b64encode(secrets.token_bytes(40)).decode()}\n"
            f"  secret_access_key:\n    {secrets.token_hex(24)}\n"
        ),
        "settings.ini": (
            f"; comment\n[main]\npassword = {random_text(16)}\nhex_value = {secrets.token_hex(20)}\n"
            f"multi =\n    {high_entropy()}\n    {random_text(30)}\n[other]\nkey: 'quoted {random_text(10)}'\n"
        ),
        ".env": f"SECRET={high_entropy()}\nAPI_KEY={random_text(30)}\nDEBUG=1\n",
        "env.sample": f'TOKEN="{secrets.token_hex(20)}"\nOTHER={random_text(40)}\n',
        "notes": f"# pragma: allowlist nextline secret\npassword = '{random_text(16)}'\n",
        "crlf.py": f'a = 1\r\npassword = "{random_text(16)}"\r\nb = "{high_entropy()}"\r\n',
        "cr_only.py": f'a = 1\rpassword = "{random_text(16)}"\r',
        "bom.py": f'\ufeffpassword = "{random_text(16)}"\n',
        "tabs.go": f'\tpassword := "{random_text(16)}"\n\tkey := `{high_entropy()}`\n',
        "private.pem": private_key_block(),
        "package-lock.json": f'{{"password": "{random_text(16)}"}}\n',
        "image.png.txt": f'password = "{random_text(16)}"\n',
        "unicode.py": f'# caf\u00e9 \u0130stanbul\npassword = "{random_text(16)}"\nx = "\u0130{high_entropy()}"\n',
        # 'İ' lower-cases to two characters: the lowered text's offsets are not the text's.
        "lowered_longer.py": (
            "# \u0130\u0130\u0130stanbul\n"
            f'password = "{random_text(16)}"\n'
            "# pragma: allowlist nextline secret\n"
            f'api_key = "{random_text(20)}"\n'
            f'x = "\u0130{high_entropy()}"  # \u0130\n'
            f'token = "{random_text(18)}"\n'
            f'password = "{random_text(16)}"  # pragma: allowlist secret\n'
        ),
        "noqa.yaml": f"- {high_entropy()}\n- key: {random_text(30)}\n",
        "bad.yaml": f"a: [unclosed\npassword: {random_text(16)}\n",
        "Dockerfile": f"ENV API_TOKEN={random_text(30)}\nARG PASSWORD={random_text(12)}\n",
    }


def compare(scanner: Scanner, path: Path) -> tuple[list[DetectorHit], list[DetectorHit]]:
    fast = scanner.scan_bytes(str(path), path.read_bytes()) or []
    return sorted(fast, key=_order), sorted(scanner.reference_scan_file(str(path)), key=_order)


def _order(hit: DetectorHit) -> tuple[int, str, str]:
    return (hit.line, hit.type, hit.secret_hash)


def assert_same(scanner: Scanner, paths: list[Path]) -> int:
    mismatches = []
    total = 0
    for path in paths:
        fast, reference = compare(scanner, path)
        total += len(reference)
        if fast != reference:
            mismatches.append(
                f"{path.name}: fast {[(h.line, h.type) for h in fast]} != {[(h.line, h.type) for h in reference]}"
            )
    assert not mismatches, "\n".join(mismatches)
    return total


@pytest.fixture(scope="module")
def scanner() -> Iterator[Scanner]:
    with Scanner(default_config(".secrets.baseline")) as entered:
        yield entered


def test_every_plugin_example_alone_in_every_file_type(scanner: Scanner, tmp_path: Path) -> None:
    paths = []
    for number, line in enumerate(plugin_examples()):
        for extension in EXTENSIONS:
            path = tmp_path / f"example{number}" / (f"file.{extension}" if extension else "file")
            path.parent.mkdir(exist_ok=True)
            path.write_text(line + "\n", encoding="utf-8")
            paths.append(path)
    found = assert_same(scanner, paths)
    assert found > 200  # the examples do trigger the plugins


def test_all_examples_together_and_shaped_files(scanner: Scanner, tmp_path: Path) -> None:
    paths = []
    examples = "\n".join(plugin_examples()) + "\n"
    for extension in EXTENSIONS:
        path = tmp_path / (f"all.{extension}" if extension else "all")
        path.write_text(examples, encoding="utf-8")
        paths.append(path)
    for name, text in composite_files().items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    assert assert_same(scanner, paths) > 50


def test_a_baseline_configuration_is_honoured_the_same_way(tmp_path: Path) -> None:
    baseline = {
        "plugins_used": [
            {"name": "KeywordDetector", "keyword_exclude": "ignored"},
            {"name": "HexHighEntropyString", "limit": 2.5},
        ],
        "filters_used": [
            {"path": "detect_secrets.filters.allowlist.is_line_allowlisted"},
            {"path": "detect_secrets.filters.regex.should_exclude_line", "pattern": ["^skip"]},
        ],
        "results": {},
    }
    paths = []
    extra = ["skip password = '" + random_text(12) + "'", "password = 'ignored" + random_text(4) + "'"]
    for number, line in enumerate(plugin_examples() + extra):
        path = tmp_path / f"b{number}.py"
        path.write_text(f"{line}\nx = '{secrets.token_hex(5)}'\n", encoding="utf-8")
        paths.append(path)
    with Scanner(config_from_baseline(baseline)) as scanner:
        assert_same(scanner, paths)


def test_every_plugin_without_heuristic_filters(tmp_path: Path) -> None:
    """With the heuristic filters off, every raw plugin result must still match (a stricter test
    of the pre-filter: the filters no longer hide what it might miss)."""
    config = {
        "plugins_used": default_config().as_dict()["plugins_used"],
        "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
    }
    paths = []
    for number, line in enumerate(plugin_examples()):
        for extension in ("py", "yml", "txt", "ini"):
            path = tmp_path / f"raw{number}.{extension}"
            path.write_text(line + "\n", encoding="utf-8")
            paths.append(path)
    for name, text in composite_files().items():
        path = tmp_path / f"raw-{name}"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    with Scanner(config_from_baseline(config)) as scanner:
        assert assert_same(scanner, paths) > 300


def site_packages_files(sample: bool = True) -> list[Path]:
    """Files of the installed packages in a stable order spread over packages (by a hash of the
    path inside site-packages, so the same wherever the environment lives); the first
    SAMPLE_SIZE of them unless ``sample`` is False or PYTEST_SECRETS_FULL_EQUIVALENCE=1."""
    roots = {Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()}
    suffixes = {".py", ".yml", ".yaml", ".json", ".cfg", ".ini", ".toml", ".txt", ".md", ".rst"}
    files = []
    for root in sorted(roots):
        for path in root.rglob("*"):
            if path.suffix in suffixes and path.is_file() and path.stat().st_size < 300_000:
                files.append((hashlib.sha1(str(path.relative_to(root)).encode()).hexdigest(), path))
    ordered = [path for _, path in sorted(files)]
    return ordered if FULL_CORPUS or not sample else ordered[:SAMPLE_SIZE]


def test_real_files_from_site_packages(scanner: Scanner) -> None:
    files = site_packages_files()
    assert len(files) >= min(SAMPLE_SIZE, 50)
    assert_same(scanner, files)


def test_real_files_without_heuristic_filters() -> None:
    config = {
        "plugins_used": default_config().as_dict()["plugins_used"],
        "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
    }
    # At least half a sample, and on until some file has findings (which files do depends on
    # the packages installed), so that the comparison is never only of empty results.
    files, found, checked = site_packages_files(sample=False), 0, 0
    with Scanner(config_from_baseline(config)) as scanner:
        while checked < len(files) and (checked < SAMPLE_SIZE // 2 or not found):
            found += assert_same(scanner, files[checked : checked + 20])
            checked += 20
    assert found > 0


CUSTOM_PLUGIN = '''
import re
from detect_secrets.plugins.base import RegexBasedDetector


class InternalTokenDetector(RegexBasedDetector):
    """A project's own detector: the pre-filter has no trigger for it."""

    secret_type = "Internal Token"
    denylist = (re.compile(r"itk_[0-9a-f]{12}"),)
'''


def test_a_custom_plugin_runs_on_every_line(tmp_path: Path) -> None:
    plugin_file = tmp_path / "internal_plugin.py"
    plugin_file.write_text(CUSTOM_PLUGIN)
    plugins = default_config().as_dict()["plugins_used"] + [
        {"name": "InternalTokenDetector", "path": f"file://{plugin_file}"}
    ]
    config = {"plugins_used": plugins, "filters_used": default_config().as_dict()["filters_used"]}
    paths = []
    for number, line in enumerate(
        plugin_examples() + ["token: itk_" + secrets.token_hex(6), "plain itk_" + secrets.token_hex(6)]
    ):
        for extension in ("py", "yml", "txt"):
            path = tmp_path / f"custom{number}.{extension}"
            path.write_text(f"{line}\n", encoding="utf-8")
            paths.append(path)
    with Scanner(config_from_baseline(config)) as scanner:
        assert any(p.name == "InternalTokenDetector" for p in scanner._plugins)
        assert assert_same(scanner, paths) > 0
        assert any(h.type == "Internal Token" for h in scanner.reference_scan_file(str(paths[-1])))


def test_scan_text_is_scan_file_for_text_in_memory(tmp_path: Path) -> None:
    from pytest_secrets.adapters.detect_secrets import scan_text

    text = "\n".join(plugin_examples()) + "\n"
    path = tmp_path / "docker-compose.yml"
    path.write_text(text, encoding="utf-8")
    with Scanner(default_config()) as scanner:
        reference = sorted(scanner.reference_scan_file(str(path)), key=_order)
    assert sorted(scan_text(str(path), text), key=_order) == reference
    assert reference


# -- the per-line memo: one scanner remembers each line's verdict across files ----------------


def memo_cases() -> dict[str, str]:
    """The same lines under file names and neighbours that change detect-secrets' verdict."""
    value = random_text(16)
    line = f'password = "{value}"'
    bare = f"password: {value}"
    token = f'token = "{high_entropy()}"'
    return {
        # The file type decides KeywordDetector's patterns (quotes needed or not).
        **{f"same.{extension}": f"{line}\n{bare}\n{token}\n" for extension in ("py", "yaml", "yml", "txt", "go", "")},
        # The allowlist comment syntax: '#' only for .yaml, every style elsewhere (.yml too).
        **{
            f"pragma.{extension}": f"{line}  // pragma: allowlist secret\n{token}  -- pragma: allowlist secret\n"
            for extension in ("yaml", "yml", "py", "sql")
        },
        # The same line with and without the nextline pragma on the line before, in both orders.
        "before_pragma.py": f"x = 1\n{line}\n# pragma: allowlist nextline secret\n{line}\n{token}\n",
        "after_pragma.py": f"# pragma: allowlist nextline secret\n{line}\nx = 1\n{line}\n",
        "pragma_not_alone.py": f"y = 2  # pragma: allowlist nextline secret\n{line}\n",
        "pragma_yaml.yaml": f"# pragma: allowlist nextline secret\nkey: {bare}\nother: {bare}\n",
        "pragma_two_before.py": f"# pragma: allowlist nextline secret\n\n{line}\n",
        "first_line.py": f"{line}\n# pragma: allowlist nextline secret\n",
        # The same line raw (a .txt file) and as an INI/YAML transformer's line.
        "plain.txt": f"[main]\n{line}\n",
        "plain.cfg": f"[main]\n{line}\n",
        "trailing.py": f"{line}   \t\n{line}\n",
        # Public IPs at the start of a later line (a trigger may start at the newline before).
        "ips.txt": "intro\n93.184.216.34 is the host\n  8.8.8.8\n\n1.1.1.1",
    }


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_the_line_memo_keeps_what_a_verdict_depends_on(tmp_path: Path, order: str) -> None:
    cases = memo_cases()
    names = sorted(cases, reverse=order == "reverse")
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_text(cases[name], encoding="utf-8")
        paths.append(path)
    config = {
        "plugins_used": default_config().as_dict()["plugins_used"],
        "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
    }
    with Scanner(default_config(".secrets.baseline")) as scanner:
        assert scanner._line_memo_ok
        assert assert_same(scanner, paths) > 10
        assert scanner._line_memo  # lines were memoised, and reused across files
    with Scanner(config_from_baseline(config)) as scanner:
        assert assert_same(scanner, paths) > 10


# -- the indirect-reference filter runs only where its pattern could match ---------------------


@settings(max_examples=600, deadline=None)
@given(line=st.text(alphabet=":=!()[]\v\n \t\u3000ab_.-9\u00e9\"'", max_size=24))
def test_the_indirect_reference_shortcut_skips_only_lines_the_filter_passes(line: str) -> None:
    from detect_secrets.filters.heuristic import is_indirect_reference

    if is_indirect_reference(line):
        assert may_be_indirect_reference(line), line


def test_indirect_references_are_filtered_as_detect_secrets_does(tmp_path: Path) -> None:
    value = random_text(16)
    lines = [
        f'password = "{value}"',
        f'password = secrets["{value}"]',
        f'password == lookup("{value}")',
        f'password: get_secret("{value}")',
        f'password = "{value}" if ok else fallback("x")',
        f'password = "{value}"  # see [docs](http://x)',
        f'password = "{value}"(',
        f'password ("{value}") = x',
    ]
    path = tmp_path / "app.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Scanner(default_config()) as scanner:
        assert INDIRECT_REFERENCE_FILTER in [getattr(f, "path", "") for f, _ in scanner._line_stage]
        assert "indirect" in scanner._line_filter_kinds.values()  # the installed pattern is the known one
        assert assert_same(scanner, [path]) >= 1  # the others are indirect references


@given(text=st.text(alphabet="aAsSkK\u0131\u0130\u017f\u212a\u0307\u00df\u1e9e \n\u00e9", max_size=40))
def test_lower_folds_the_characters_python_regexes_equate_with_ascii_letters(text: str) -> None:
    from pytest_secrets.adapters.triggers import CASE_FIXES, lower

    assert lower(text) == text.lower().translate(CASE_FIXES)


# -- KeywordDetector runs only on lines its gate lets through ----------------------------------

KEYWORD_PIECES = [
    "password", "PASSWORD", "Secret", "api_key", "db_pass", "contrase\u00f1a", "pa\u017fsword", "x", "_id", " ", "\t",
    "\u3000", "=", "==", "!=", "!==", ":=", ":", "=>", "(", ".assign(", "[0]", "]", "'", '"', "`", "@", ";", ",",
    "abc", "9", "\u00e9", "$", "{", "}", "-", "#",
]  # fmt: skip
# Lines shaped as each of KeywordDetector's pattern families reads one, part by part (each part
# one of several spellings, some of which the pattern rejects).
_KEYWORDS = st.sampled_from(["password", "Secret", "api_key", "db_pass", "contrase\u00f1a", "PASSWD", "pa\u017fsword"])
_SPACE = st.sampled_from(["", " ", "\t", "\u3000"])
_QUOTE = st.sampled_from(["", "'", '"', "`"])
_VALUE = st.sampled_from(["abc123", "s3cr3t value", "\u00e9t\u00e9", "_x", "-dash", "$VAR", "9", ""])
_TAIL = st.sampled_from(["", ";", ",", ")", " # note"])
KEYWORD_LINE = st.one_of(
    st.tuples(  # keyword, operator, value
        st.sampled_from(["", "x = ", "if ", "abc"]),
        _KEYWORDS,
        st.sampled_from(["", "_hash", "[0]", "[]", "]", "'", '"]', "-x", "Id"]),
        _SPACE,
        st.sampled_from(["=", "==", "===", "!=", "!==", ":", ":=", "=>", "", " "]),
        _SPACE,
        st.sampled_from(["", "@", "'", '"', "`", '@"']),
        _VALUE,
        _QUOTE,
        _TAIL,
    ),
    st.tuples(_QUOTE, _VALUE, _QUOTE, _SPACE, st.sampled_from(["==", "!=", "===", "!==", "="]), _SPACE,
              st.sampled_from(["", "my_", "x."]), _KEYWORDS, _TAIL),  # value, comparison, keyword
    st.tuples(_KEYWORDS, st.sampled_from(["", ".assign", ".set"]), st.sampled_from(["(", "( "]), _QUOTE, _VALUE,
              _QUOTE, _TAIL),  # keyword(.assign)("value")
    st.tuples(_KEYWORDS, st.sampled_from(["", "=", ":", "[1] = "]), _SPACE, _QUOTE, _VALUE, _QUOTE,
              st.sampled_from([";", "", ";;"])),  # keyword, then a quoted value and ';'
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(
    line=st.one_of(KEYWORD_LINE, st.lists(st.sampled_from(KEYWORD_PIECES), min_size=2, max_size=9).map("".join)),
    extension=st.sampled_from(["py", "go", "yaml", "java", "c", "cpp", "txt"]),
)
def test_keyword_detector_finds_nothing_on_a_line_its_gate_rejects(line: str, extension: str) -> None:
    from detect_secrets.plugins.keyword import KeywordDetector

    from pytest_secrets.adapters.triggers import Plugin, lower

    plugin = Plugin(KeywordDetector())
    assert plugin.line_gate is not None  # the installed patterns are the known ones
    if KeywordDetector().analyze_line(filename=f"file.{extension}", line=line):
        assert plugin.line_gate.search(lower(line)), line


# -- a file of no known type skips the INI-with-header parse only where configparser fails ----


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet="ab=:#;[] \t\n\x0b\x1c\x85\xa0\u2003\u00e9", max_size=40))
def test_an_ini_parse_with_a_header_is_skipped_only_where_it_fails(text: str) -> None:
    from detect_secrets.transformers.config import EagerConfigFileTransformer
    from detect_secrets.transformers.exceptions import ParsingError

    from pytest_secrets.adapters.fast_scan import _NamedText

    possible = may_parse_as_ini_with_header(text)
    assert may_parse_as_ini_with_header(text, text.encode("utf-8")) == possible  # google-re2's verdict
    if not possible:
        with pytest.raises(ParsingError):
            EagerConfigFileTransformer().parse_file(_NamedText(text, "notes"))


@settings(max_examples=600, deadline=None)
@given(
    text=st.builds(
        lambda head, body: head + body,
        st.sampled_from(["", "[main]\n", "  [main]\n", "# note\n[main]\n", "[![x](y)](z)\n", "[a]b\n"]),
        st.text(alphabet="ab=:#;[] \t\n\x0b\x85\u2003", max_size=30),
    )
)
def test_an_ini_parse_is_skipped_only_where_it_fails(text: str) -> None:
    from detect_secrets.transformers.config import ConfigFileTransformer
    from detect_secrets.transformers.exceptions import ParsingError

    from pytest_secrets.adapters.fast_scan import _NamedText

    possible = may_parse_as_ini(text)
    assert may_parse_as_ini(text, text.encode("utf-8")) == possible
    if not possible:
        with pytest.raises(ParsingError):
            ConfigFileTransformer().parse_file(_NamedText(text, "setup.cfg"))


def test_files_configparser_must_reject_are_not_parsed(tmp_path: Path) -> None:
    """A markdown file opening with a link, and a pyproject.toml with a list over several lines:
    both open with what looks like a section, and both have a line with no delimiter."""
    b64, password = high_entropy(), random_text(14)
    cases = {
        "README.md": f"[![Build](https://ci.example/badge.svg)](https://ci.example)\n\nSome prose\n"
        f"password = '{password}'\ntoken = \"{b64}\"\n",
        "pyproject.toml": f'[project]\nname = "app"\ndependencies = [\n    "flask",\n]\ntoken = "{b64}"\n',
    }
    paths = []
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    with Scanner(default_config()) as scanner:
        assert assert_same(scanner, paths) >= 3  # found on the raw lines
        assert scanner.stats["transformed"] == 0, "a parse that must fail was tried"


# -- the YAML gate: files whose transformed lines cannot hold a finding skip PyYAML ------------


def yaml_gate_cases() -> dict[str, str]:
    b64, b64_b = high_entropy(), high_entropy()
    sha = random_text(40, "0123456789bcdef")  # hex, and never AWSKeyDetector's 'acca'
    low_distinct = "--application-directories=.:src"
    twilio_lower = "ac" + random_text(32, string.digits)
    twilio = "AC" + random_text(32, LOWER_DIGITS)
    cases = {
        # Skipped: nothing a transformed line could report (entropy strings behind '@', few
        # distinct characters, a lower-case Twilio look-alike).
        "pinned.yaml": f"steps:\n  - uses: actions/checkout@{sha}\n  - run: echo {low_distinct}\n",
        "twilio_lower.yaml": f"sha: x{twilio_lower}\n",
        "quoted_low.yaml": f'args: ["{low_distinct}"]\n',
        # Enough distinct characters, too little entropy.
        "env_list.yml": "environment:\n  - ADMINER_DESIGN=pepa-linha-dark\n",
        # Backslashes outside double-quoted scalars are literal: no escape to undo.
        "continued.yml": "run: |\n  make \\\n    all\n  echo 'done \\n'\npassword: ${{ secrets.X }}\n",
        # Found: the value itself, in every position a value can take.
        "value.yaml": f"key: {b64}\n",
        "hex_value.yaml": f"rev: {sha}\n",
        "single_quoted.yaml": f"key: '{b64}'\n",
        "doubled_quote.yaml": f"key: '{b64}''s'\n",
        "escaped_quote.yaml": f"key: '{b64}\"'\n",
        "flow_seq.yaml": f"key: [{b64}, other]\n",
        "flow_map.yaml": f"key: {{a: {b64},b: {b64_b}}}\n",
        "json_like.yaml": f'{{"key":{b64}}}\n',
        "escapes.yaml": f'key: "\\x{ord(b64[0]):02x}{b64[1:]}"\nsplit: "{b64[:10]}\\\n  {b64[10:]}"\n',
        "literal.yaml": f"key: |\n  {b64}\n  {b64_b}\n",
        "folded.yml": f"key: >\n  {b64}\n  more\n",
        "anchor.yaml": f"a: &x {b64}\nb: *x\n",
        "tagged.yaml": f"key: !!str {b64}\n",
        "comment.yaml": f"key: value  # '{b64}'\n",
        "key_quoted.yaml": f"\"x'{b64}'y\": value\n",
        "twilio.yaml": f"sid: {twilio}\n",
        "after_equals.yaml": f"args: --token={b64}\n",
        "dash.yaml": f"- {b64}\n- key: -{sha}\n",
        "raw_fallback.yaml": f"a: [unclosed\nsecret = '{b64}'\npassword: '{random_text(12)}'\n",
        "sequence_only.yaml": f"- '{b64}'\n- password = '{random_text(12)}'\n",
        "crlf.yaml": f"key: {b64}\r\nrev: {sha}\r\n",
        "ini_shaped.yaml": f"[main]\nkey = {b64}\n",
        "nonascii.yaml": f"caf\u00e9: \u00e9{b64}\u00e9\nk: \u00e9 {sha}\n",
        **at_the_entropy_limits("yaml", "key: {}\n"),
    }
    return cases


def at_the_entropy_limits(extension: str, shape: str) -> dict[str, str]:
    """Values just over the entropy plugins' limits, in ASCII and in non-ASCII text (the gate
    searches the two differently): as many distinct characters as the limit needs, no more."""
    draw = secrets.SystemRandom().sample
    b64, hexed = "".join(draw(ALNUM, 23)), "".join(draw("0123456789abcdef", 9))  # log2: 4.52, 3.17
    return {
        f"b64_at_limit.{extension}": shape.format(b64),
        f"hex_at_limit.{extension}": shape.format(hexed),
        f"nonascii_at_limit.{extension}": "# caf\u00e9\n" + shape.format(b64) + shape.format(hexed),
    }


def check_gate(tmp_path: Path, cases: dict[str, str], minimum: int, skipped: tuple[str, ...], stat: str) -> None:
    """Fast path == scan_file on every case (default and strict filters); ``skipped`` are not parsed."""
    paths = []
    for name, text in cases.items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    strict = {
        "plugins_used": default_config().as_dict()["plugins_used"],
        "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
    }
    for config in (default_config(".secrets.baseline"), config_from_baseline(strict)):
        with Scanner(config) as scanner:
            assert assert_same(scanner, paths) > minimum
            assert scanner.stats[stat] >= len(skipped)
    with Scanner(default_config()) as scanner:
        for name in skipped:
            before = scanner.stats[stat]
            assert scanner.scan_bytes(name, cases[name].encode()) == []
            assert scanner.stats[stat] == before + 1, name


def test_the_yaml_gate_skips_only_files_without_possible_findings(tmp_path: Path) -> None:
    skipped = ("pinned.yaml", "twilio_lower.yaml", "quoted_low.yaml", "env_list.yml", "continued.yml")
    check_gate(tmp_path, yaml_gate_cases(), 15, skipped, "yaml_skipped")


def escape_cases() -> dict[str, str]:
    """An entropy string that only YAML's escape processing puts together, in a double-quoted
    scalar opened in every place one can open; and shell text quoting and escaping inside a
    block scalar, where both are literal."""
    b64 = high_entropy()
    escaped = f"{b64[:10]}\\x{ord(b64[10]):02x}{b64[11:]}"  # \xNN: one character once parsed
    letters = "mnbvcxzlkjhg" * 2
    return {
        # Skipped: the quotes and backslashes of a script, and a quoted scalar before it.
        "workflow_quotes.yml": (
            'on:\n  schedule:\n    - cron: "0 12 1 * *"\njobs:\n  x:\n    steps:\n'
            "      - env:\n          PASSWORD: ${{ secrets.PASSWORD }}\n        run: |\n"
            '          echo "$X" \\\n            --title "a \\"b\\"" \\\n            --flag\n'
        ),
        # Found: the escape is undone by the parser wherever the scalar opens.
        "value.yaml": f'key: "{escaped}"\n',
        "entry.yaml": f'- "{escaped}"\n',
        "explicit.yaml": f'? "{escaped}"\n: x\n',
        "key.yaml": f'"{escaped}": x\n',
        "flow_seq.yaml": f'key: ["{escaped}"]\n',
        "flow_map.yaml": f'key: {{a: 1,"b":"{escaped}"}}\n',
        "tagged.yaml": f'key: !!str "{escaped}"\n',
        "anchored.yaml": f'key: &a "{escaped}"\n',
        "document.yaml": f'--- "{escaped}"\n',
        # (the line break folds to a space: Cloudant's keyword, then its 24 letters)
        "later_line.yaml": f'note: "cloudant_pw\n  \\x{ord(letters[0]):02x}{letters[1:]}"\n',
        "joined.yaml": f'key: "{b64[:12]}\\\n  {b64[12:]}"\n',
        "after_text.yaml": f'run: echo "x" # a "comment\nkey: "{escaped}"\n',
    }


def test_a_backslash_sends_a_yaml_file_to_the_parser_only_in_a_double_quoted_scalar(tmp_path: Path) -> None:
    check_gate(tmp_path, escape_cases(), 9, ("workflow_quotes.yml",), "yaml_skipped")


def ini_gate_cases() -> dict[str, str]:
    b64, sha = high_entropy(), random_text(40, "0123456789bcdef")
    letters = list(string.ascii_letters)
    secrets.SystemRandom().shuffle(letters)
    left, right = "".join(letters[:12]), "".join(letters[12:24])  # 24 distinct only when joined
    return {
        # Skipped: requirement pins, short values, a lower-case Twilio look-alike.
        "requirements.txt": "# via pip-compile\nsphinxcontrib-applehelp==1.0.2\nclick==8.1.3\n    # via flask\n",
        "short.ini": "[main]\nname = sphinxcontrib-applehelp\npath = src/app\n",
        "twilio_lower.cfg": f"[main]\nsha = x{'ac' + random_text(32, string.digits)}\n",
        # Found: values in every position configparser gives them.
        "equals.txt": f"token={b64}\n",
        "long_key.txt": f"{'a' * 300}={b64}\n",  # the whole run has little entropy, its value much
        "spaced.ini": f"[main]\ntoken = {b64}\nrev: {sha}\n",
        "quoted.cfg": f"[main]\na = \"{b64}\"\nb = '{b64}'\nc = say \"{b64}\" now\n",
        "continued.ini": f"[main]\nvalues =\n    first\n    {b64}\n",
        "embedded_quote.ini": f"[main]\na = {b64}\"tail\n",
        "inline_comment.ini": f"[main]\na = {b64} ; note\nb = {sha}\n",
        "defaults.ini": f"[DEFAULT]\nshared = {b64}\n[one]\nx = 1\n[two]\ny = 2\n",
        "interpolated.ini": f"[main]\nleft = {left}\nboth = start\n    %(left)s{right}\n",
        "interpolated.txt": f"left = {left}\nboth = start\n    %(left)s{right}\n",
        "percent.ini": f"[main]\na = 100%%\nb = {b64}\n",
        "hex_after_colon.txt": f"sha256:{sha}\nkey: {sha}\n",
        "pragma.ini": f"[main]\n# pragma: allowlist nextline secret\ntoken = {b64}\nother = {b64}x\n",
        "Makefile": f"TOKEN = {b64}\nall:\n\techo $(TOKEN)\n",
        **at_the_entropy_limits("ini", "[main]\nkey = {}\n"),
    }


def test_the_ini_gate_skips_only_files_without_possible_findings(tmp_path: Path) -> None:
    cases = ini_gate_cases()
    check_gate(tmp_path, cases, 12, ("requirements.txt", "short.ini", "twilio_lower.cfg"), "ini_skipped")
    with Scanner(default_config()) as scanner:
        found = scanner.scan_bytes("interpolated.ini", cases["interpolated.ini"].encode())
        assert [hit.type for hit in found or []] == ["Base64 High Entropy String"]


def paired_gate_cases() -> dict[str, str]:
    """Cloudant, SoftLayer and IBM COS need their keyword and their value in a transformed file;
    the values have too little entropy for the entropy plugins."""
    letters = "mnbvcxzlkjhg" * 2  # 24 letters (Cloudant's API key), 12 distinct
    alnum = "qw7erty3" * 8  # 64 of [a-z0-9] (SoftLayer's), 8 distinct
    hexes = "0f1e2d3c" * 6  # 48 hex digits (IBM COS HMAC's), 8 distinct
    return {
        # Skipped: long words, with no keyword anywhere.
        "pipelines.yml": (
            "steps:\n  - task: PublishCodeCoverageResults@1\n    inputs:\n      codeCoverageTool: Cobertura\n"
            f"  - script: echo {letters}\n"
        ),
        "words.ini": f"[main]\nname = {letters}\n",
        # Found: the keyword and the value wherever a transformer can bring them together.
        "cloudant.yaml": f"cloudant_pw: {letters}\n",
        "cloudant_next_line.yaml": f"clou-token:\n  {letters}\n",
        "cloudant_block.yaml": f"clpassword: |\n  {letters}\n",
        "cloudant_in_value.yaml": f"note: cloudant_pw {letters}\n",
        "cloudant_far.yaml": f"cl_apipw:\n  # {'x' * 30}\n\n  {letters}\n",
        "cloudant.ini": f"[db]\ncloudant_pw = {letters}\n",
        "cloudant_continued.ini": f"[db]\ncloudant_pw =\n    {letters}\n",
        "softlayer.yaml": f"sl_token: {alnum}\n",
        "softlayer.ini": f"[api]\nsoftlayer_api_key = {alnum}\n",
        "cos.yaml": f"cos_hmac_secret_access_key: {hexes}\n",
    }


Expected = tuple[int, tuple[str, ...]]  # (minimum findings, names not parsed)


def check_gates(tmp_path: Path, cases: dict[str, str], yaml: Expected, ini: Expected) -> None:
    """:func:`check_gate` on the YAML cases, then on the others (INI-parsed)."""
    yaml_cases = {name: text for name, text in cases.items() if name.endswith((".yml", ".yaml"))}
    ini_cases = {name: text for name, text in cases.items() if name not in yaml_cases}
    for folder, group, (minimum, skipped), stat in (
        ("yaml", yaml_cases, yaml, "yaml_skipped"),
        ("ini", ini_cases, ini, "ini_skipped"),
    ):
        (tmp_path / folder).mkdir()
        check_gate(tmp_path / folder, group, minimum, skipped, stat)


def test_paired_triggers_parse_only_files_holding_both_parts(tmp_path: Path) -> None:
    cases = paired_gate_cases()
    check_gates(tmp_path, cases, yaml=(6, ("pipelines.yml",)), ini=(3, ("words.ini",)))
    found = {}
    for name, text in cases.items():
        path = tmp_path / "again" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        with Scanner(default_config()) as scanner:
            found[name] = {hit.type for hit in scanner.reference_scan_file(str(path))}
    assert all("Cloudant" in " ".join(found[name]) for name in cases if name.startswith("cloudant")), found
    assert all("SoftLayer" in " ".join(found[name]) for name in cases if name.startswith("softlayer")), found
    assert "IBM COS HMAC Credentials" in found["cos.yaml"], found


def keyword_gate_cases() -> dict[str, str]:
    value = random_text(14)
    return {
        # Skipped: the keywords of CI and compose files, whose values are templates.
        "workflow.yml": (
            "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  PASSWORD: ${{ secrets.PASSWORD }}\n"
            'steps:\n  - run: echo "$PASSWORD" | docker login --password-stdin\n'
            "  - run: ./deploy --token '${{ secrets.DEPLOY_TOKEN }}'\n"
        ),
        "compose.yml": "environment:\n  - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}\n  - SECRET_KEY=\"${SECRET_KEY:?}\"\n",
        "templated.ini": "[db]\npassword = ${DB_PASSWORD}\nsecret_key: '$SECRET'\n",
        # Keyword keys holding mappings (compose files' secrets).
        "compose_secrets.yml": (
            "services:\n  db:\n    secrets:\n      - db-password\n"
            "secrets:\n  # for the database\n  db-password:\n    file: ./db/pw.txt\n  api-token:\n    external: true\n"
        ),
        # Found: a keyword before its value in every shape a key or value can take.
        "key.yaml": f"password: {value}\n",
        "spaced_key.yaml": f"my_password   : {value}\n",
        "quoted_key.yaml": f'"db_pass": "{value}"\n',
        "doubled_quote_key.yaml": f"'my_password''': '{value}'\n",
        "flow.yaml": f"{{password: {value}, other: 1}}\n",
        "flow_pair.yaml": f"[password: {value}]\n",
        "explicit.yaml": f"? password\n: {value}\n",
        "explicit_comment.yaml": f"? api_key # the key\n: {value}\n",
        "alias_key.yaml": f"keys:\n  - &k password\nvalues:\n  *k : {value}\n",
        "block.yaml": f"password: |\n  {value}\n",
        "next_line.yaml": f"password:\n  {value}\n",
        "comment_between.yaml": f"password:\n  # the value\n  {value}\n",
        # ...but where the ':' is text, a mapping-like next line proves nothing.
        "in_block_text.yaml": f"script: |\n  password:\n    {value}: x\n",
        "in_quoted_text.yaml": f'text: "password:\n  {value}: x"\n',
        "in_flow_text.yaml": f"items: [a,\n  password:\n  {value}: x]\n",
        "comment_first.yaml": f"password: # the value is below\n  {value}\n",
        "tagged.yaml": f"password: !!str {value}\n",
        "anchored.yaml": f"password: &pw {value}\nagain:\n  password: *pw\n",
        "assignment.yaml": f"run: export PASSWORD={value}\n",
        "comment.yaml": f"a: b  # password: {value}\n",
        "wide_space.yaml": f"password\u3000: {value}\n",
        "accented.yaml": f"contrase\u00d1a: {value}\n",
        "preceded.yaml": f'run: if [ "{value}" == my_password ]\n',
        "semicolon.yaml": f'run: password "{value}";\n',
        "bracketed.ini": f"[db]\npassword[0] = {value}\n",
        "conf.ini": f"[db]\npassword = {value}\nsecret_key = ${{SECRET}}\n",
        "semicolon.ini": f"[db]\nline = private_key '{value}';\n",
        # configparser pairs each line of a continued value with the key.
        "continued_template.ini": f"[db]\npassword = ${{DB_PASSWORD}}\n    {value}\n",
        "continued_comment.ini": f"[db]\npassword = ${{DB_PASSWORD}}\n# note\n\n    {value}\n",
        "continued.txt": f'password = "${{X}}"\n    {value}',
        "equals.txt": f"db_password={value}\n",
    }


def test_the_keyword_gate_parses_every_file_a_keyword_can_be_found_in(tmp_path: Path) -> None:
    skipped_yaml = ("workflow.yml", "compose.yml", "compose_secrets.yml")
    check_gates(tmp_path, keyword_gate_cases(), yaml=(14, skipped_yaml), ini=(3, ("templated.ini",)))


def narrowed_yaml_gate_cases() -> dict[str, str]:
    """A YAML file is parsed only when a plugin's own conditions hold in its raw text: triggers
    in their case, exact runs for AWS's and IBM Cloud IAM's values, a keyword ending an
    explicit key. Skipped: a bot-metadata file and a routing table whose paths and module
    names look like loose triggers. Found: each plugin's value wherever a value can stand."""
    words = "qwertyuiop"  # few distinct characters: no entropy plugin reports these values
    aws_value, ibm_value = random_text(40, words + "/+"), random_text(44, words + "_-")
    key_id = aws_key()
    private = "RSA PRIV" + "ATE"
    encoded = base64.b64encode(secrets.token_bytes(30)).decode()
    lines = "\n".join(f"  {encoded[index : index + 10]}" for index in range(0, len(encoded), 10))
    return {
        # Skipped.
        "BOTMETA.yml": (
            "# ping anyone who is op'ed.\nfiles:\n"
            "  $modules/cloud/amazon/aws_s3.py:\n    maintainers: someone\n"
            "  $modules/system/capabilities.py: $team_x\n"
            "  $modules/cloud/softlayer/sl_vm.py: someone\n"
            "  $modules/network/aci/aci_access_port_to_interface_policy_leaf_profile.py: a\n"
            "  test/integration/targets/connection/test_connection.yml: b\n"
            "  test/integration/targets/route53/aliases: c\n"
            "  ? test/integration/targets/x/aliases\n  : maintainers: d\n"
            "  $modules/windows/ec2_win_password.py: rickmendes\n"
            "  $plugins/lookup/onepassword:\n    maintainers: sam\n"
            f"  id: {key_id.lower()}\n"
        ),
        "runtime.yml": (
            "plugin_routing:\n  modules:\n    fortios_wanopt_content_delivery_network_rule:\n"
            "      redirect: community.vmware.vmware_guest_customization_facts\n    keycloak_client: {}\n"
        ),
        "config.yml": (
            "PRIVATE_KEY_FILE:\n  description: path to the private key file\n"
            "  note: uses the ssh binary\n  help: ask for the vault password(s)\n"
        ),
        # Found.
        "aws_quoted.yaml": f'aws_secret_access_key: "{aws_value}"\n',
        "aws_next_line.yaml": f"aws_key:\n  {aws_value}\n",
        "aws_quoted_next_line.yaml": f"aws key:\n  '{aws_value}'\n",
        "aws_alias.yaml": f"a: &a {aws_value}\naws_key: *a\n",
        "aws_json.yaml": f'{{"aws_key":"{aws_value}"}}\n',
        "aws_in_text.yaml": f"- run aws --key '{aws_value}'\n",
        "aws_id.yaml": f"id: {key_id}\n",
        "ibm.yaml": f"iam_api_key: {ibm_value}\n",
        "ibm_in_key.yaml": f"token={ibm_value}: x\n",
        "ibm_next_line.yaml": f"token:\n  {ibm_value}\n",
        "ibm_block.yaml": f"note: keycloak\ntext: |\n  token {ibm_value}\n",
        "artifactory.yaml": f"artifactory: AP6{random_text(10)}\n",
        "discord.yaml": f"bot: M{random_text(23)}.{random_text(6)}.{random_text(27)}\n",
        "softlayer_url.yaml": f"url: https://api.softlayer.com/soap/v3/{random_text(64, LOWER_DIGITS)}\n",
        "private_key_folded.yaml": f"key: BEGIN {private}\n  KEY\n",
        "binary_escaped.yaml": f"data: !!%62inary |\n{lines}\n",
        "binary_handle.yaml": f"%TAG !e! tag:yaml.org,2002:bin\n---\ndata: !e!ary |\n{lines}\n",
        "explicit_block_key.yaml": f"? |-\n  my_password\n: {random_text(14)}\n",
        "keyword.yaml": f"win_password: {random_text(14)}\n",
    }


def test_the_yaml_gate_uses_each_plugins_own_conditions(tmp_path: Path) -> None:
    cases = narrowed_yaml_gate_cases()
    check_gate(tmp_path, cases, 17, ("BOTMETA.yml", "runtime.yml", "config.yml"), "yaml_skipped")
    found = {}
    with Scanner(default_config()) as scanner:
        for name in cases:
            found[name] = {hit.type for hit in scanner.reference_scan_file(str(tmp_path / name))}
    expected = {
        "aws": "AWS Access Key",
        "ibm": "IBM Cloud IAM Key",
        "artifactory": "Artifactory Credentials",
        "discord": "Discord Bot Token",
        "softlayer": "SoftLayer Credentials",
        "private": "Private Key",
        "binary": "Base64 High Entropy String",
        "explicit": "Secret Keyword",
        "keyword": "Secret Keyword",
    }
    for name in cases:
        prefix = name.split("_")[0].split(".")[0]
        if prefix in expected:
            assert expected[prefix] in found[name], (name, found[name])


# Values the narrowed YAML conditions are about, and look-alikes around them (built once: the
# examples below draw from them).
_GATE_VALUES = [
    random_text(40, "qwertyuiop/+"),  # AWS's secret key shape, low entropy
    random_text(44, "qwertyuiop_-"),  # IBM Cloud IAM's
    random_text(41, "qwertyuiop"),  # one more than AWS's
    random_text(43, "qwertyuiop"),  # one less than IBM's
    aws_key(),
    aws_key().lower(),
    f"M{random_text(23)}.{random_text(6)}.{random_text(27)}",
    "test/integration/targets/route53/aliases",  # 40 of [a-z/]
    "fortios_wanopt_content_delivery_network_rule",  # 44 of [a-z_]
    random_text(14),
    "${{ secrets.X }}",
]
_GATE_KEYS = ["aws_secret_key", "aws key", "iam_token", "my_password", "password.py", "note", "token=", "capabilities"]


@st.composite
def gate_documents(draw: st.DrawFn) -> str:
    """A YAML document of a few entries, a key and a value in one of the shapes that bring them
    together in a transformed line (or keep them apart)."""
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(_GATE_KEYS))
        value = draw(st.sampled_from(_GATE_VALUES))
        shape = draw(
            st.sampled_from(
                [
                    "{k}: {v}",
                    "{k}: '{v}'",
                    '{k}: "{v}"',
                    "{k}:\n  {v}",
                    "{k}:\n  '{v}'",
                    "{k}: >-\n  x '{v}'",
                    "{k}: |\n  {v}",
                    "{k}: >-\n  {v}",
                    "- {k}: {v}",
                    "{k}: [{v}, b]",
                    "{k}: {{a: {v}}}",
                    "? {k}\n: {v}",
                    "? {k} # c\n: {v}",
                    "a{n}: &x{n} {v}\n{k}: *x{n}",
                    "{v}: {k}",
                    "{k}{v}: x",
                    "{k}: x # '{v}'",
                    "{k}: run {k} '{v}'",
                    "# it's {k}\n{k}:\n  {v}: x",
                ]
            )
        )
        lines.append(shape.format(k=key, v=value, n=len(lines)))
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(text=gate_documents())
def test_the_yaml_gate_and_libyaml_report_what_scan_file_does(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yml"
        path.write_text(text, encoding="utf-8")
        with Scanner(default_config()) as scanner:
            fast, reference = compare(scanner, path)
    assert fast == reference, text


def test_the_yaml_gate_falls_back_to_loose_triggers_for_patterns_it_was_not_written_for() -> None:
    """A private key plugin whose patterns changed (a subclass here): its words in any case,
    folded onto two lines too, send the file to the parser; the known plugin needs capitals."""
    import re

    from detect_secrets.plugins.private_key import PrivateKeyDetector

    from pytest_secrets.adapters.transform_gates import (
        YAML_AFTER,
        YAML_BEFORE,
        YAML_GATE_EXTRA,
        TransformGate,
    )
    from pytest_secrets.adapters.triggers import Plugin, lower

    changed = type("PrivateKeyDetector", (PrivateKeyDetector,), {"__module__": PrivateKeyDetector.__module__})
    changed.denylist = [*PrivateKeyDetector.denylist, re.compile("BEGIN OTHER PRIVATE KEY")]
    folded = "key: BEGIN RSA PRIV" + "ATE\n  KEY\n"
    lower_case = "description: path to the private key file\n"
    verdicts = {}
    for name, plugin in (("changed", changed()), ("known", PrivateKeyDetector())):
        gate = TransformGate([Plugin(plugin)], YAML_GATE_EXTRA, YAML_BEFORE, YAML_AFTER, yaml_keys=True)
        verdicts[name] = [gate.may_find(text, lower(text).encode()) for text in (folded, lower_case)]
    assert verdicts == {"changed": [True, True], "known": [True, False]}
