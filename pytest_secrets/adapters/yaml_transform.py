"""detect-secrets' YAML transformer, with libyaml (PyYAML's C parser) reading the document where
that gives exactly the same lines.

detect-secrets rewrites a YAML file into ``key: "value"`` lines at the line numbers its
``YAMLFileParser`` records. It parses with PyYAML's pure-Python ``SafeLoader`` because it reads
the loader's current line while composing each node (``_compose_node_shim``), which the C loader
does not expose; that parse is the slowest step of a YAML-heavy history scan.

In block context the recorded line has a simple form: a mapping value is composed right after
the scanner has read its key and the ``:`` that follows it, which an implicit key keeps on its
own line, so the value's line is its key's line. So for a document made only of block
collections, flow sequences and scalars, with implicit keys (no ``? key``), no aliases (an
alias re-records the line of the node it names) and no flow mappings (where detect-secrets
records the line of the ``{``), this module composes the document with libyaml, records that
line on each mapping value, and hands the result to detect-secrets' own code: its
``_tag_dict_values`` (the record of each value), PyYAML's ``SafeConstructor``, and
``YAMLTransformer.parse_file`` itself (run with the composed document in place of its parse).
Anything else, any text the two parsers might read differently (tabs, a BOM, Unicode line
breaks, characters PyYAML rejects) and any error, goes to detect-secrets' own parse, unchanged.
``tests/unit/history/test_yaml_transform.py`` compares the two on real and generated files.
"""

from __future__ import annotations

import functools
import io
import re
import types
from typing import Any

# Text on which libyaml and PyYAML's pure-Python reader might not agree, line for line: tabs
# (separation rules differ in corner cases), a BOM, and the line breaks PyYAML counts beyond
# '\n' (the caller has translated '\r').
_UNSHARED_TEXT = re.compile("[\t\ufeff\x85\u2028\u2029]")
# An explicit key ('? key' then ': value'), whose ':' may be on a later line than the key;
# a directive ('%YAML 1.2'), whose versions the two parsers accept differently.
_UNSHARED_SYNTAX = re.compile(r"(?:^|[\s\[{,])\?(?:\s|$)|^%", re.MULTILINE)


class _ComposedText(io.StringIO):
    """The file ``parse_file`` reads, carrying the document composed for it."""

    def __init__(self, text: str, name: str, document: Any) -> None:
        super().__init__(text)
        self.name = name
        self.document = document


def transformed_lines(transformer: Any, text: str, filename: str) -> list[str] | None:
    """``transformer.parse_file`` of ``text`` (newlines translated) through libyaml, or None
    where that is not known to give the same lines: then call ``parse_file`` itself."""
    parts = _parts()
    if parts is None or _UNSHARED_TEXT.search(text) or _UNSHARED_SYNTAX.search(text):
        return None
    parse_file, c_loader, non_printable, constructor = parts
    if non_printable.search(text):
        return None  # PyYAML rejects the text (a ReaderError): its own parse says so
    try:
        loader = c_loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        if root is None or not _block_shaped(root):
            return None
        document = constructor().construct_document(_recorded(root))
        lines: list[str] = parse_file(transformer, _ComposedText(text, filename, document))
    except Exception:  # noqa: BLE001 - any surprise: detect-secrets' own parse decides
        return None
    return lines


def _block_shaped(root: Any) -> bool:
    """Block collections, flow sequences and scalars only; scalar keys; no node twice (alias)."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        if isinstance(node, MappingNode):
            if node.flow_style:
                return False
            for key, value in node.value:
                if not isinstance(key, ScalarNode) or key.start_mark.line != key.end_mark.line or id(key) in seen:
                    return False  # (an alias key carries the marks of the node it names)
                seen.add(id(key))
                pending.append(value)
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)
    return True


def _recorded(node: Any) -> Any:
    """The node as detect-secrets' shim returns it: each mapping value records its key's line
    (1-based), each mapping goes through its ``_tag_dict_values``, innermost first."""
    from detect_secrets.transformers import yaml as ds_yaml
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        pairs = []
        for key, value in node.value:
            value = _recorded(value)
            value.__line__ = key.start_mark.line + 1
            pairs.append((key, value))
        node.value = pairs
        return ds_yaml._tag_dict_values(node)
    if isinstance(node, SequenceNode):
        node.value = [_recorded(item) for item in node.value]
    return node


@functools.cache
def _parts() -> tuple[Any, Any, Any, Any] | None:
    """What the libyaml path needs, or None where it cannot run (PyYAML without libyaml, or
    detect-secrets not shaped as expected): ``YAMLTransformer.parse_file`` with its code
    unchanged but reading the composed document in place of running ``YAMLFileParser``'s parse
    (a copy of the function with its own globals: the module itself is left alone), PyYAML's C
    loader, the characters its pure-Python reader rejects, and ``SafeConstructor``."""
    import yaml
    from detect_secrets.transformers import yaml as ds_yaml

    parse_file = getattr(getattr(ds_yaml, "YAMLTransformer", None), "parse_file", None)
    parser = getattr(ds_yaml, "YAMLFileParser", None)
    c_loader = getattr(yaml, "CSafeLoader", None)
    non_printable = getattr(getattr(yaml.reader, "Reader", None), "NON_PRINTABLE", None)
    if not isinstance(parse_file, types.FunctionType) or not isinstance(parser, type):
        return None
    if c_loader is None or non_printable is None or not callable(getattr(ds_yaml, "_tag_dict_values", None)):
        return None

    class ComposedParser(parser):  # type: ignore[misc, valid-type]
        def __init__(self, file: _ComposedText) -> None:
            self.content = file.read()
            self.document = file.document

        def json(self) -> Any:
            return self.document

    scope = dict(vars(ds_yaml), YAMLFileParser=ComposedParser)
    copy = types.FunctionType(parse_file.__code__, scope, parse_file.__name__, parse_file.__defaults__)
    return copy, c_loader, non_printable, yaml.constructor.SafeConstructor
