"""detect-secrets' YAML transformer, with libyaml (PyYAML's C parser) reading the document where
that gives exactly the same lines.

detect-secrets rewrites a YAML file into ``key: "value"`` lines at the line numbers its
``YAMLFileParser`` records. It parses with PyYAML's pure-Python ``SafeLoader`` because it reads
the loader's current line while composing each node (``_compose_node_shim``), which the C loader
does not expose; that parse is the slowest step of a YAML-heavy history scan.

In block context the recorded line has a simple form: a mapping value is composed right after
the scanner has read its key and the ``:`` that follows it, which an implicit key keeps on its
own line, so the value's line is its key's line (for an explicit key, ``? key`` then
``: value`` with only blank lines between, the line of that ``:``; in a flow mapping on one
line, that line, where detect-secrets records the line of the ``{``). So for a document made
of block collections, flow sequences, one-line flow mappings and scalars, this module composes
the document with libyaml and builds what detect-secrets' parse would hand its ``parse_file``
(:class:`_Document`: its tagging of each value with that line, aliases re-recording it, and
PyYAML's constructor, merge keys included), then runs ``YAMLTransformer.parse_file`` itself
on it. Anything else, any text the two parsers might read differently (tabs, a BOM, Unicode
line breaks, characters PyYAML rejects) and any error, goes to detect-secrets' own parse,
unchanged. A probe document checks, once per process, that this still gives its lines.
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
# A directive ('%YAML 1.2'), whose versions the two parsers accept differently.
_UNSHARED_SYNTAX = re.compile(r"^%", re.MULTILINE)


class _ComposedText(io.StringIO):
    """The file ``parse_file`` reads, carrying the document composed for it."""

    def __init__(self, text: str, name: str, document: Any) -> None:
        super().__init__(text)
        self.name = name
        self.document = document


def transformed_lines(transformer: Any, text: str, filename: str) -> list[str] | None:
    """``transformer.parse_file`` of ``text`` (newlines translated) through libyaml, or None
    where that is not known to give the same lines: then call ``parse_file`` itself."""
    parts = _parts(type(transformer))  # type: ignore[arg-type]  # (a class is hashable)
    return None if parts is None else transformed_lines_with(parts, transformer, text, filename)


def transformed_lines_with(parts: _Parts, transformer: Any, text: str, filename: str) -> list[str] | None:
    """:func:`transformed_lines` with the given :class:`_Parts`."""
    if _UNSHARED_TEXT.search(text) or _UNSHARED_SYNTAX.search(text):
        return None
    if parts.non_printable.search(text):
        return None  # PyYAML rejects the text (a ReaderError): its own parse says so
    try:
        loader = parts.c_loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        if root is None:
            return None
        document = _Document(text, parts).build(root)
        if document is _DECLINED:
            return None
        lines: list[str] = parts.parse_file(transformer, _ComposedText(text, filename, document))
    except Exception:  # noqa: BLE001 - any surprise: detect-secrets' own parse decides
        return None
    return lines


_TAG = "tag:yaml.org,2002:"
_STR, _BINARY, _TIMESTAMP, _MERGE, _MAP, _SEQ = (
    _TAG + name for name in ("str", "binary", "timestamp", "merge", "map", "seq")
)
_TAGGED_SCALARS = frozenset((_STR, _BINARY))
# Scalars that construct to something detect-secrets' walk skips, and cannot fail to.
_SKIPPED_SCALARS = frozenset(_TAG + name for name in ("int", "float", "bool", "null"))
_DECLINED = object()


class _Declined(Exception):
    """A node this module does not build: detect-secrets' own parse decides."""


class _Tagged:
    """A mapping as detect-secrets' ``_tag_dict_values`` leaves it when composed: its pairs,
    each a key node, the key as constructed, and the value (a tagged value's dict, fixed then;
    another ``_Tagged``; a sequence's list; None for any other scalar)."""

    def __init__(self, pairs: list[tuple[Any, Any, Any]]) -> None:
        self.pairs = pairs


class _Document:
    """What ``YAMLFileParser.json()`` returns for a composed document, where it matters.

    detect-secrets' shim records each node's line as it is composed, and when a mapping is
    composed its ``_tag_dict_values`` turns each string or binary value into
    ``{'__value__', '__line__', '__original_key__'}``, reading the line last recorded on that
    value's node; PyYAML's SafeConstructor then builds the rest (merged pairs first), and
    ``__iter__`` walks dicts and lists and yields only those tagged values. This builds
    exactly those dicts (same keys, in the same order, a repeated key keeping its first place
    and last value), lists and tagged values, and None for any other scalar (which the walk
    skips as it skips the real one). An alias composes its node again: it records the
    alias's line on it and, for a mapping, tags it anew (its string values read the lines
    last recorded on them; the mappings and lists in it stay as first built). Aliases are
    followed as mapping values, and to mappings as sequence items.
    Written here because PyYAML's constructor, in pure Python, took most of this path's time.
    Anything else (sets, ordered maps, other tags, alias keys) is declined.
    """

    def __init__(self, text: str, parts: _Parts) -> None:
        self.parts = parts
        self.tag_in_text = "__line__" in text  # text the walk would read as its own tag
        self.lines = text.split("\n")
        self.constructor = parts.constructor()
        self.recorded: dict[int, int] = {}  # node id -> the line the shim last recorded on it
        self.built: dict[int, Any] = {}  # node id -> a mapping's pairs, a sequence's list, None
        self.open: set[int] = set()  # nodes being composed (an alias to one recurses)
        self.keys: set[int] = set()
        self.dicts: dict[int, dict[Any, Any]] = {}  # id of a _Tagged -> its dict, built once
        self.lists: dict[int, list[Any]] = {}

    def build(self, root: Any) -> Any:
        if self.tag_in_text:
            return _DECLINED
        try:
            return self._constructed(self._compose(root, None, False))
        except _Declined:
            return _DECLINED

    # -- composing: what the shim leaves ------------------------------------------------
    def _compose(self, node: Any, line: int | None, as_value: bool) -> Any:
        """What composing ``node`` here gives; ``line``: the one recorded on it."""
        nodes, ident = self.parts.nodes, id(node)
        if ident in self.keys or ident in self.open:
            raise _Declined  # a key's node used again (its marks are the first use's), a cycle
        if line is not None:
            self.recorded[ident] = line
        if ident in self.built:  # an alias
            if isinstance(node, nodes.MappingNode):
                return self._tagged(node)
            if not as_value:
                raise _Declined  # (a scalar's line as a sequence item is not worked out here)
            return self.built[ident]
        if isinstance(node, nodes.MappingNode):
            if node.tag != _MAP or (node.flow_style and node.start_mark.line != node.end_mark.line):
                raise _Declined  # (a flow mapping on one line: its values' line is its '{' line)
            self.open.add(ident)
            pairs = []
            scalar, built, keys = nodes.ScalarNode, self.built, self.keys
            for key, value in node.value:
                if type(key) is not scalar or key.start_mark.line != key.end_mark.line:
                    raise _Declined  # keys are scalars on one line
                if id(key) in built or id(key) in keys:
                    raise _Declined
                keys.add(id(key))
                pairs.append((key, value, self._compose(value, self._value_line(key), True)))
            self.open.discard(ident)
            self.built[ident] = pairs
            return self._tagged(node)
        if isinstance(node, nodes.SequenceNode):
            if node.tag != _SEQ:
                raise _Declined
            self.open.add(ident)
            items = [self._compose(item, None, False) for item in node.value]
            self.open.discard(ident)
            self.built[ident] = items
            return items
        if not isinstance(node, nodes.ScalarNode):
            raise _Declined
        if node.tag in (_TIMESTAMP, _BINARY):
            self._construct(node)  # may fail, as it does in detect-secrets' parse
        elif node.tag not in _SKIPPED_SCALARS and node.tag != _STR:
            raise _Declined
        self.built[ident] = None
        return None

    def _tagged(self, node: Any) -> _Tagged:
        """The mapping as ``_tag_dict_values`` leaves it, now."""
        pairs = []
        scalar, recorded = self.parts.nodes.ScalarNode, self.recorded
        for key, value, composed in self.built[id(node)]:
            key_tag = key.tag
            if key_tag == _MERGE:
                pairs.append((key, None, composed))
                continue
            constructed = key.value if key_tag == _STR else self._scalar_key(key)
            if value.tag in _TAGGED_SCALARS and type(value) is scalar:
                composed = {
                    "__value__": value.value if value.tag == _STR else self._construct(value),
                    "__line__": recorded[id(value)],
                    "__original_key__": key.value,
                }
            pairs.append((key, constructed, composed))
        return _Tagged(pairs)

    # -- constructing: what SafeConstructor builds of it --------------------------------
    def _constructed(self, value: Any) -> Any:
        if isinstance(value, _Tagged):
            built = self.dicts.get(id(value))
            if built is None:
                built = self.dicts[id(value)] = {}
                for _, constructed, item in self._flattened(value):
                    built[constructed] = self._constructed(item)
            return built
        if isinstance(value, list):
            listed = self.lists.get(id(value))
            if listed is None:
                listed = self.lists[id(value)] = [self._constructed(item) for item in value]
            return listed
        return value  # a tagged value's dict, or None

    def _flattened(self, mapping: _Tagged) -> list[tuple[Any, Any, Any]]:
        """Its pairs with merge keys ('<<') replaced by the pairs they merge, first, as
        SafeConstructor's ``flatten_mapping`` does (a key merged once, by its text object)."""
        if not any(key.tag == _MERGE for key, _, _ in mapping.pairs):
            return mapping.pairs
        merged: list[tuple[Any, Any, Any]] = []
        merged_ids: set[int] = set()
        kept = []
        for pair in mapping.pairs:
            key, _, value = pair
            if key.tag != _MERGE:
                kept.append(pair)
                continue
            sources = [value] if isinstance(value, _Tagged) else value if isinstance(value, list) else None
            if sources is None or not all(isinstance(source, _Tagged) for source in sources):
                raise _Declined  # (the constructor fails: detect-secrets' parse says so)
            for source in sources:
                for merged_pair in self._flattened(source):
                    if id(merged_pair[0].value) not in merged_ids:
                        merged_ids.add(id(merged_pair[0].value))
                        merged.append(merged_pair)
        mapping.pairs = merged + kept
        return mapping.pairs

    def _scalar_key(self, key: Any) -> Any:
        if key.tag not in _SKIPPED_SCALARS and key.tag != _TIMESTAMP:
            raise _Declined  # ('=' and others: the constructor rewrites or rejects them)
        return self._construct(key)

    def _construct(self, node: Any) -> Any:
        return self.constructor.construct_object(node, deep=True)

    def _value_line(self, key: Any) -> int:
        """The 1-based line the shim records for a mapping value: its key's, or for an
        explicit key ('? key' then ': value', only blank lines between) the line of that ':'."""
        line, column = int(key.start_mark.line), int(key.start_mark.column)
        if not self.lines[line][:column].rstrip().endswith("?"):
            return line + 1
        line, column = int(key.end_mark.line), int(key.end_mark.column)
        while line < len(self.lines):
            text = self.lines[line]
            while column < len(text) and text[column] == " ":
                column += 1
            if column < len(text) and text[column] == ":" and text[column + 1 : column + 2] in ("", " "):
                return line + 1
            if column < len(text):
                # (With a comment between, PyYAML records another line, not worked out here.)
                raise _Declined
            line, column = line + 1, 0
        raise _Declined


@dataclass(frozen=True)
class _Parts:
    """What the libyaml path needs, all from the PyYAML that detect-secrets' module imported."""

    parse_file: Any  # YAMLTransformer.parse_file, reading the composed document (see _parts)
    c_loader: Any
    non_printable: Any  # the characters PyYAML's pure-Python reader rejects
    constructor: Any
    nodes: Any


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
    parts = _Parts(copy, c_loader, non_printable, constructor, nodes)
    # _Document stands in for detect-secrets' tagging and PyYAML's constructor: it must give
    # their lines on a document with every shape it builds, or the path stays off.
    try:
        instance = transformer()
        fast = transformed_lines_with(parts, instance, _PROBE, "probe.yaml")
        if fast is None or fast != parse_file(instance, _ComposedText(_PROBE, "probe.yaml", None)):
            return None
    except Exception:  # noqa: BLE001 - a detect-secrets this was not written for
        return None
    return parts


# Every shape _Document builds: scalars of each kind, a repeated key, keys that are not
# strings, lists, explicit keys with their ':' on a later line, aliases of a scalar and a
# mapping, merge keys, flow mappings on one line.
_PROBE = """# probe
top:
  name: plain value
  count: 3
  ratio: 1.5
  enabled: yes
  nothing: ~
  when: 2001-12-14
  data: !!binary aGVsbG8gd29ybGQ=
  'quoted key': "double quoted"
  1: int key
  name: repeated key
  list:
    - item
    - key: in a list
    - [a, b]
  ? explicit key
  : explicit value
  ? other key

  :   later value
  block: |
    text
  anchored: &scalar shared value
  again: *scalar
  owners: &owners
    team: someone
  copy: *owners
  merged:
    <<: [*owners, {extra: merged value}]
    team: own value
  flow: [{name: flow value, on: [x]}, {}]
empty:
"""
