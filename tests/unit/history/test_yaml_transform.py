"""libyaml's path through detect-secrets' YAML transformer gives exactly its lines, or steps aside.

Documents are generated line by line from YAML's shapes (block and flow collections, every
scalar style, anchors, aliases, tags, comments, document markers, explicit keys), valid or not.
Wherever :func:`transformed_lines` answers, ``YAMLTransformer.parse_file`` must succeed with the
same lines; wherever the two could differ it must return None.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from git_repos import high_entropy, random_text
from pytest_secrets.adapters.detect_secrets import DetectorHit, default_config
from pytest_secrets.adapters.fast_scan import Scanner, _NamedText
from pytest_secrets.adapters.yaml_transform import transformed_lines

# Where PyYAML was built without libyaml, the scanner always takes detect-secrets' own parse.
requires_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")

VALUES = [
    "plain",
    "two words",
    "'single quoted'",
    "'it''s'",
    '"double \\"quoted\\""',
    '"escaped\\ttab"',
    '"\\x41\\u00e9"',
    "yes",
    "1.5",
    "0x1F",
    "2001-12-14",
    "2001-13-45",
    "~",
    "null",
    "-dash",
    "a: b",
    "http://host:80/path",
    "value # comment",
    "${{ secrets.TOKEN }}",
    "[a, b]",
    "[]",
    "{a: b}",
    "{}",
    "&anchor anchored",
    "*anchor",
    "!!str 12",
    "!!binary " + base64.b64encode(b"binary value here").decode(),
    "!custom tagged",
    "|",
    "|-",
    ">",
    ">+",
    "|2",
    '"multi',
    "line\"",
    "'open",
    "caf\u00e9",
    "<<: *anchor",
]
KEYS = [
    "key",
    "password",
    "token",
    "'quoted key'",
    '"dq key"',
    "k",
    "- key",
    "? key",
    "&k key",
    "!!str key",
    "*k",
    "*anchor",
    "*anchor ",
    "<<",
    "- &k password",
    "[a, b]",
    "",
]
LINES = st.one_of(
    st.builds(lambda key, value: f"{key}: {value}", st.sampled_from(KEYS), st.sampled_from(VALUES)),
    st.builds(lambda key: f"{key}:", st.sampled_from(KEYS)),
    st.builds(lambda value: f"- {value}", st.sampled_from(VALUES)),
    st.sampled_from(VALUES),
    st.sampled_from(["", "# comment", "---", "...", "- - nested", ": value", "%YAML 1.1", "key: a\tb", "]", "}"]),
)


def _document(draw: st.DrawFn) -> str:
    secret = draw(st.sampled_from([high_entropy(), random_text(40, "0123456789abcdef"), "hunter2hunter2"]))
    lines = []
    for line in draw(st.lists(LINES, min_size=1, max_size=12)):
        indent = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 4, 6]))
        lines.append(indent + line.replace("plain", secret, 1))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


documents = st.composite(_document)


def parse_file(text: str) -> list[str] | str:
    from detect_secrets.transformers.yaml import YAMLTransformer

    try:
        lines: list[str] = YAMLTransformer().parse_file(_NamedText(text, "file.yaml"))
        return lines
    except Exception as error:  # noqa: BLE001 - the outcome to compare, whatever it is
        return type(error).__name__


def assert_same_lines_or_none(text: str) -> None:
    """Where libyaml's path answers, ``parse_file`` succeeds with the same lines."""
    from detect_secrets.transformers.yaml import YAMLTransformer

    fast = transformed_lines(YAMLTransformer(), text, "file.yaml")
    if fast is not None:
        assert fast == parse_file(text)


@settings(max_examples=400, deadline=None)
@given(text=documents())
def test_libyaml_answers_only_with_detect_secrets_own_lines(text: str) -> None:
    assert_same_lines_or_none(text)


@requires_libyaml
def test_common_shapes_take_the_libyaml_path() -> None:
    from detect_secrets.transformers.yaml import YAMLTransformer

    b64 = high_entropy()
    handled = {
        "workflow": f"on:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          echo {b64}\n"
        f"          make test\n        env:\n          TOKEN: '{b64}'\n",
        "compose": f"services:\n  db:\n    image: postgres\n    environment:\n      - POSTGRES_PASSWORD={b64}\n"
        f"      - A=b\n    ports: ['5432:5432']\n  web:\n    build: .\n    command: >\n      run\n      {b64}\n",
        "anchored": f"base: &base\n  key: {b64}\nother: !!str 12\n",
        "binary": "data: !!binary " + base64.b64encode(b"some bytes").decode() + "\n",
        "explicit_key": f"files:\n  ? a/long/path\n  : owner: {b64}\n  ? key\n\n  : {b64}\n",
        "alias": f"base: &b {b64}\nother: *b\nmap: &m\n  token: {b64}\nagain: *m\n",
        "flow_mapping": f"with: {{token: {b64}}}\nenv: [{{name: A, value: {b64}}}, {{}}]\n",
    }
    for name, text in handled.items():
        fast = transformed_lines(YAMLTransformer(), text, f"{name}.yaml")
        assert fast is not None, name
        assert fast == parse_file(text), name
    stepped_aside = {
        "alias_key": f"keys:\n  - &k password\nvalues:\n  *k : {b64}\n",
        "flow_mapping": f"with: {{token:\n  {b64}}}\n",
        "explicit_key_comment": f"? key\n# a comment\n: {b64}\n",
        "tab": f"key:\t{b64}\n",
        "two_documents": f"a: {b64}\n---\nb: 1\n",
        "invalid": "a: [b\n",
    }
    for name, text in stepped_aside.items():
        assert transformed_lines(YAMLTransformer(), text, f"{name}.yaml") is None, name


def ORDER(hit: DetectorHit) -> tuple[int, str, str]:  # noqa: N802 - used as a sort key
    return (hit.line, hit.type, hit.secret_hash)


@requires_libyaml
@pytest.mark.parametrize("name", ["ci.yml", "docker-compose.yaml"])
def test_the_scanner_reports_what_scan_file_does_through_libyaml(tmp_path: Path, name: str) -> None:
    b64 = high_entropy()
    text = (
        f"jobs:\n  build:\n    env:\n      API_TOKEN: {b64}\n      password: {random_text(14)}\n"
        "    run: |\n      x\n"
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with Scanner(default_config()) as scanner:
        fast = scanner.scan_text(name, text)
        assert scanner.stats["yaml_composed_by_libyaml"] == 1
        assert sorted(fast, key=ORDER) == sorted(scanner.reference_scan_file(str(path)), key=ORDER)
        assert len(fast) == 2


# -- valid documents of nested block collections, every scalar style, values on later lines ----

WORDS = ["alpha", "two words", "x: y", "#hash", "it's", 'say "hi"', "tab\there", "caf\u00e9", "1.5", "yes", "", "a\\b"]


def _scalar(draw: st.DrawFn, indent: int, secret: str, anchors: list[str]) -> str:
    """A scalar value in some style, starting after 'key: ' or '- ' (may continue on lines
    indented by ``indent``); ``anchors`` are those defined so far (an alias may name one)."""
    word = draw(st.sampled_from([*WORDS, secret]))
    styles = ["plain", "single", "double", "literal", "folded", "next", "tagged", "anchor"]
    style = draw(st.sampled_from(styles + ["alias"] if anchors else styles))
    if style == "alias":
        return "*" + draw(st.sampled_from(anchors))
    pad = " " * indent
    plain = word.strip() == word and not any(c in word for c in ":#'\"\t\\")
    if style == "plain" and word and plain and word[0] not in "-?[{&*!|>%@`":
        return word
    if style == "single":
        return "'" + word.replace("'", "''") + "'"
    if style in ("literal", "folded"):
        indicator = ("|" if style == "literal" else ">") + draw(st.sampled_from(["", "-", "+"]))
        body = draw(st.lists(st.sampled_from([secret, "line", "", "more text"]), min_size=1, max_size=4))
        return indicator + "".join(f"\n{pad}{line}" if line else "\n" for line in body)
    if style == "next":
        return f"\n{pad}" + "'" + word.replace("'", "''") + "'"
    if style == "tagged":
        return "!!str '" + word.replace("'", "''") + "'"
    if style == "anchor":
        anchors.append(f"a{len(anchors)}")
        return f"&{anchors[-1]} '" + word.replace("'", "''") + "'"
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if draw(st.booleans()) and len(escaped) > 2:  # a double-quoted scalar over two lines
        return f'"{escaped[:2]}\n{pad}{escaped[2:]}"'
    return f'"{escaped}"'


def _block(draw: st.DrawFn, indent: int, depth: int, secret: str, anchors: list[str]) -> list[str]:
    """Lines of a block mapping or sequence at ``indent``."""
    pad = " " * indent
    lines: list[str] = []
    sequence = draw(st.booleans())
    for index in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", f"{pad}# a comment", "#"])))
        key = draw(st.sampled_from(["key", "token", "password", "x"])) + str(index)
        if anchors and draw(st.integers(0, 3)) == 0:
            key = "*" + draw(st.sampled_from(anchors)) + " "  # an alias as the key
        lead = f"{pad}- " if sequence else f"{pad}{key}: "
        if not sequence and draw(st.integers(0, 3)) == 0:  # an explicit key: '? key', then ': value'
            lines.append(f"{pad}? {key.rstrip()}")
            lines.extend(draw(st.sampled_from([[], [], [""], [f"{pad}# between"], ["", f"{pad}# c", ""]])))
            lead = f"{pad}: "
        kind = draw(st.sampled_from(["scalar", "scalar", "block", "flow", "empty"]) if depth < 3 else st.just("scalar"))
        if kind == "block":
            nested = _block(draw, indent + 2, depth + 1, secret, anchors)
            lines.append(lead.rstrip())
            lines.extend(nested)
        elif kind == "flow":
            items = draw(st.lists(st.sampled_from(["a", secret, "'q, r'", '"s"', "[t]"]), max_size=3))
            lines.append(lead + "[" + ", ".join(items) + "]" + draw(st.sampled_from(["", "  # note"])))
        elif kind == "empty":
            lines.append(lead.rstrip())
        else:
            value = _scalar(draw, indent + 2, secret, anchors)
            comment = draw(st.sampled_from(["", "", "  # note"])) if "\n" not in value else ""
            lines.append(lead + value + comment)
    return lines


@st.composite
def block_documents(draw: st.DrawFn) -> str:
    secret = draw(st.sampled_from([high_entropy(), random_text(40, "0123456789abcdef")]))
    head = draw(st.sampled_from(["", "---\n", "# header\n\n"]))
    return head + "\n".join(_block(draw, 0, 0, secret, [])) + draw(st.sampled_from(["\n", "", "\n\n", "\n...\n"]))


@settings(max_examples=300, deadline=None)
@given(text=block_documents())
def test_libyaml_gives_detect_secrets_lines_for_nested_block_documents(text: str) -> None:
    assert_same_lines_or_none(text)


@requires_libyaml
def test_modules_imported_anew_give_the_same_findings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """pytester's in-process runs drop the modules first imported during them, and the next
    import makes new ones. detect-secrets imported anew keeps the libyaml path; PyYAML imported
    anew (whose C extension still builds the first import's nodes) turns it off, never mixing
    the two imports' classes into wrong lines."""
    import sys

    from detect_secrets.transformers.yaml import YAMLTransformer

    text = f"env:\n  password: {random_text(14)}\n  token: {high_entropy()}\n"
    path = tmp_path / "ci.yml"
    path.write_text(text, encoding="utf-8")
    with Scanner(default_config()) as scanner:
        expected = sorted(scanner.reference_scan_file(str(path)), key=ORDER)
        assert sorted(scanner.scan_text("ci.yml", text), key=ORDER) == expected
        assert scanner.stats["yaml_composed_by_libyaml"] == 1
    for prefixes, composed in ((("detect_secrets",), 1), (("detect_secrets", "yaml"), 0)):
        for name in [name for name in sys.modules if name.startswith(prefixes)]:
            monkeypatch.delitem(sys.modules, name)
        with Scanner(default_config()) as scanner:
            assert sorted(scanner.scan_text("ci.yml", text), key=ORDER) == expected, prefixes
            assert scanner.stats["yaml_composed_by_libyaml"] == composed, prefixes
        assert transformed_lines(YAMLTransformer(), text, "ci.yml") in (None, parse_file(text))


@requires_libyaml
def test_the_fast_paths_hold_when_detect_secrets_modules_left_sys_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """detect-secrets caches its transformer instances and plugin classes; pytester's in-process
    runs can drop the modules they came from (first imported during such a run). The libyaml
    path and the keyword gate read those modules through the classes, so they still run:
    before, one test in some xdist workers saw detect-secrets' own YAML parse instead."""
    import sys

    from detect_secrets.plugins.keyword import KeywordDetector
    from detect_secrets.transformers import get_transformers

    from pytest_secrets.adapters.triggers import keyword_gate

    text = f"env:\n  password: {random_text(14)}\n  token: {high_entropy()}\n"
    get_transformers()  # the cached instances, as Scanner gets them
    monkeypatch.delitem(sys.modules, "detect_secrets.transformers.yaml")
    with Scanner(default_config()) as scanner:
        found = scanner.scan_text("ci.yml", text)
        assert scanner.stats["yaml_composed_by_libyaml"] == 1
    assert len(found) == 2
    monkeypatch.delitem(sys.modules, "detect_secrets.plugins.keyword")
    assert keyword_gate(KeywordDetector()) is not None


# -- anchors and aliases as mapping values, explicit keys -------------------------------------


@st.composite
def aliased_documents(draw: st.DrawFn) -> str:
    """Block documents whose mapping values are anchored (scalars, mappings, sequences) and
    named again by aliases, at any depth and in the same mapping; some keys explicit."""
    secret = draw(st.sampled_from([high_entropy(), random_text(40, "0123456789abcdef")]))
    words = st.sampled_from(["alpha", secret, "'quoted'", "1.5", "yes", "~", f'"{secret}"'])
    lines: list[str] = []
    anchors: list[str] = []  # the names an alias may use so far
    maps: list[str] = []  # those of mappings (a merge key '<<' may name them)
    names = iter(range(1000))

    def block(indent: int, depth: int) -> None:
        pad = " " * indent
        for index in range(draw(st.integers(1, 4))):
            key = f"k{depth}{index}" + draw(st.sampled_from(["", "_token", "_password"]))
            if maps and draw(st.integers(0, 3)) == 0:  # a merge key: one mapping, several, or inline
                merged = draw(st.lists(st.sampled_from(maps), min_size=1, max_size=2))
                several = "[" + ", ".join(f"*{name}" for name in merged) + "]"
                inline = f"{{k{depth}{index}: {draw(words)}}}"
                lines.append(f"{pad}<<: " + draw(st.sampled_from([f"*{merged[0]}", several, inline])))
            if draw(st.integers(0, 4)) == 0:
                lines.append(f"{pad}? {key}")
                lines.extend(draw(st.sampled_from([[], [""]])))
                lead = f"{pad}: "
            else:
                lead = f"{pad}{key}: "
            aliases = ["alias"] * 3 if anchors else []
            kinds = ["scalar", "anchored", "map", "anchored map", "sequence", "flow", *aliases]
            kind = draw(st.sampled_from(kinds if depth < 3 else ["scalar", "anchored", *aliases]))
            if kind == "scalar":
                lines.append(lead + draw(words))
            elif kind == "anchored":
                anchors.append(f"a{next(names)}")
                lines.append(f"{lead}&{anchors[-1]} {draw(words)}")
            elif kind == "alias":
                lines.append(f"{lead}*{draw(st.sampled_from(anchors))}")
            elif kind == "flow":  # flow mappings on one line, maybe in a flow sequence
                def flow_map() -> str:
                    pairs = [f"f{n}: " + draw(st.sampled_from([draw(words), "[x, y]", "{}", "{g: h}"]))
                             for n in range(draw(st.integers(0, 3)))]
                    if anchors and draw(st.booleans()):
                        pairs.append("r: *" + draw(st.sampled_from(anchors)))
                    return "{" + ", ".join(pairs) + "}"
                value = draw(st.sampled_from(["map", "sequence"]))
                text = flow_map() if value == "map" else "[" + ", ".join([flow_map(), draw(words), flow_map()]) + "]"
                lines.append(lead + text + draw(st.sampled_from(["", "  # note"])))
            elif kind == "sequence":
                name, anchored = f"a{next(names)}", draw(st.booleans())
                lines.append(f"{lead}&{name}" if anchored else lead.rstrip())
                for _ in range(draw(st.integers(1, 3))):
                    items = [draw(words), f"sub: {draw(words)}"] + [f"*{name}" for name in maps]
                    lines.append(f"{pad}  - " + draw(st.sampled_from(items)))
                if anchored:
                    anchors.append(name)
            else:
                name = f"a{next(names)}"
                lines.append(f"{lead}&{name}" if kind == "anchored map" else lead.rstrip())
                block(indent + 2, depth + 1)
                if kind == "anchored map":
                    anchors.append(name)  # only now: an alias inside it would make it recursive
                    maps.append(name)

    block(0, 0)
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(text=aliased_documents())
def test_libyaml_gives_detect_secrets_lines_for_aliased_values(text: str) -> None:
    assert_same_lines_or_none(text)


@requires_libyaml
def test_aliased_documents_mostly_take_the_libyaml_path() -> None:
    """The test above checks something: most such documents are answered by libyaml."""
    from detect_secrets.transformers.yaml import YAMLTransformer

    answered = []

    @settings(max_examples=100, deadline=None, database=None)
    @given(text=aliased_documents())
    def count(text: str) -> None:
        answered.append(transformed_lines(YAMLTransformer(), text, "file.yaml") is not None)

    count()
    assert sum(answered) > len(answered) // 2
