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
``tests/unit/history/test_yaml_transform.py`` compares the two on generated documents, and
``benchmarks/history_bench.py --verify`` the whole scan with ``scan_file`` on real histories.
"""

from __future__ import annotations

import functools
import io
import re
import types
from dataclasses import dataclass
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
    transformer_class: Any = type(transformer)
    parts = _parts(transformer_class)
    if parts is None or _UNSHARED_TEXT.search(text) or _UNSHARED_SYNTAX.search(text):
        return None
    if parts.non_printable.search(text):
        return None  # PyYAML rejects the text (a ReaderError): its own parse says so
    try:
        loader = parts.c_loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        if root is None or not _block_shaped(root, parts.nodes):
            return None
        document = parts.constructor().construct_document(_recorded(root, parts))
        lines: list[str] = parts.parse_file(transformer, _ComposedText(text, filename, document))
    except Exception:  # noqa: BLE001 - any surprise: detect-secrets' own parse decides
        return None
    return lines


def _block_shaped(root: Any, nodes: Any) -> bool:
    """Block collections, flow sequences and scalars only; scalar keys; no node twice (alias)."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen or not isinstance(node, nodes.Node):
            return False
        seen.add(id(node))
        if isinstance(node, nodes.MappingNode):
            if node.flow_style:
                return False
            for key, value in node.value:
                if not isinstance(key, nodes.ScalarNode) or key.start_mark.line != key.end_mark.line or id(key) in seen:
                    return False  # (an alias key carries the marks of the node it names)
                seen.add(id(key))
                pending.append(value)
        elif isinstance(node, nodes.SequenceNode):
            pending.extend(node.value)
    return True


def _recorded(node: Any, parts: _Parts) -> Any:
    """The node as detect-secrets' shim returns it: each mapping value records its key's line
    (1-based), each mapping goes through its ``_tag_dict_values``, innermost first."""
    if isinstance(node, parts.nodes.MappingNode):
        pairs = []
        for key, value in node.value:
            value = _recorded(value, parts)
            value.__line__ = key.start_mark.line + 1
            pairs.append((key, value))
        node.value = pairs
        return parts.tag_dict_values(node)
    if isinstance(node, parts.nodes.SequenceNode):
        node.value = [_recorded(item, parts) for item in node.value]
    return node


@dataclass(frozen=True)
class _Parts:
    """What the libyaml path needs, all from the PyYAML that detect-secrets' module imported."""

    parse_file: Any  # YAMLTransformer.parse_file, reading the composed document (see _parts)
    c_loader: Any
    non_printable: Any  # the characters PyYAML's pure-Python reader rejects
    constructor: Any
    nodes: Any
    tag_dict_values: Any


@functools.lru_cache(maxsize=4)
def _parts(transformer: Any) -> _Parts | None:
    """:class:`_Parts` for detect-secrets' YAML transformer class (a class imported anew is a
    new key), or None where the path cannot run (PyYAML without libyaml, or detect-secrets not
    shaped as expected). Everything comes from the globals of the module that defined
    ``parse_file``, not from ``sys.modules``, which may hold another import of it or none
    (pytester's in-process runs drop modules first imported during them, while detect-secrets'
    cached transformer list keeps their classes). ``parse_file`` runs with its code unchanged
    and its own globals, in which ``YAMLFileParser`` hands over the composed document instead
    of parsing: the module itself is left alone."""
    parse_file = getattr(transformer, "parse_file", None)
    module: dict[str, Any] = getattr(parse_file, "__globals__", None) or {}
    yaml = module.get("yaml")
    parser = module.get("YAMLFileParser")
    tag_dict_values = module.get("_tag_dict_values")
    c_loader = getattr(yaml, "CSafeLoader", None)
    non_printable = getattr(getattr(getattr(yaml, "reader", None), "Reader", None), "NON_PRINTABLE", None)
    constructor = getattr(getattr(yaml, "constructor", None), "SafeConstructor", None)
    nodes = getattr(yaml, "nodes", None)
    if not isinstance(parse_file, types.FunctionType) or not isinstance(parser, type):
        return None
    if parse_file.__code__.co_freevars:
        return None  # a closure: its code cannot run with other globals alone
    if c_loader is None or non_printable is None or constructor is None or nodes is None:
        return None
    if not callable(tag_dict_values):
        return None

    class ComposedParser(parser):  # type: ignore[misc, valid-type]
        def __init__(self, file: _ComposedText) -> None:
            self.content = file.read()
            self.document = file.document

        def json(self) -> Any:
            return self.document

    # libyaml's loader must build this PyYAML's nodes: a C extension is never imported anew, so
    # after PyYAML's Python modules are (dropped from sys.modules, then imported again), its
    # loader still builds the first import's nodes.
    try:
        probe = c_loader("k: v")
        try:
            if type(probe.get_single_node()) is not nodes.MappingNode:
                return None
        finally:
            probe.dispose()
    except Exception:  # noqa: BLE001 - no usable libyaml
        return None
    scope = dict(module, YAMLFileParser=ComposedParser)
    copy = types.FunctionType(parse_file.__code__, scope, parse_file.__name__, parse_file.__defaults__)
    return _Parts(copy, c_loader, non_printable, constructor, nodes, tag_dict_values)
