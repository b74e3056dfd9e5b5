"""YAML as a tree that remembers line numbers, read with PyYAML's safe composer.

Findings in deploy files must name a line, and a loaded ``dict`` has forgotten where each value
was. We stop PyYAML one step earlier, at the node graph (``yaml.compose_all``), and copy it into
small immutable nodes of our own, so the code that interprets compose files and workflows never
imports PyYAML. Scalars keep their text exactly as written (``on`` stays ``"on"``, ``007`` stays
``"007"``); merge keys (``<<: *defaults``) are expanded the way YAML 1.1 defines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

MAX_DEPTH = 200
NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Scalar:
    value: str
    line: int
    is_null: bool = False


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    line: int


@dataclass(frozen=True)
class Mapping:
    """Key/value pairs in document order; keys that are not scalars are left out."""

    items: tuple[tuple[Scalar, Node], ...]
    line: int

    def get(self, key: str) -> Node | None:
        found = None
        for item_key, value in self.items:
            if item_key.value == key:
                found = value  # the last binding wins, as in a loaded dict
        return found


Node = Union[Scalar, Sequence, Mapping]


class YamlError(Exception):
    """The text is not valid YAML. ``line`` is 1-based (None if unknown); ``problem`` quotes no value."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(line, problem)
        self.line = line
        self.problem = problem

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}" if self.line else self.problem


def load_documents(text: str) -> list[Node]:
    """Every document in ``text`` (empty documents are left out)."""
    import yaml

    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlError(line, _problem_text(error.problem or error.context or "invalid YAML")) from None
    except yaml.YAMLError as error:
        raise YamlError(None, type(error).__name__) from None
    return [_convert(node, {}, 0) for node in nodes if node is not None]


def _problem_text(problem: str) -> str:
    # PyYAML problems name a token kind or one character, never a value; keep them short anyway.
    return problem if len(problem) <= 120 else problem[:117] + "..."


def _convert(node: Any, seen: dict[int, Node], depth: int) -> Node:
    import yaml

    if id(node) in seen:
        return seen[id(node)]
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        return Scalar("", line, is_null=True)
    if isinstance(node, yaml.ScalarNode):
        return Scalar(str(node.value), line, is_null=node.tag == NULL_TAG)
    if isinstance(node, yaml.SequenceNode):
        placeholder = Sequence((), line)
        seen[id(node)] = placeholder  # a recursive alias ends here
        result: Node = Sequence(tuple(_convert(item, seen, depth + 1) for item in node.value), line)
        seen[id(node)] = result
        return result
    assert isinstance(node, yaml.MappingNode)
    seen[id(node)] = Mapping((), line)
    own: list[tuple[Scalar, Node]] = []
    merged: list[tuple[Scalar, Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag == MERGE_TAG:
            merged.extend(_merge_items(_convert(value_node, seen, depth + 1)))
            continue
        key = _convert(key_node, seen, depth + 1)
        if isinstance(key, Scalar):
            own.append((key, _convert(value_node, seen, depth + 1)))
    own_keys = {key.value for key, _ in own}
    items = [item for item in merged if item[0].value not in own_keys] + own
    result = Mapping(tuple(items), line)
    seen[id(node)] = result
    return result


def _merge_items(value: Node) -> list[tuple[Scalar, Node]]:
    """``<<: *a`` or ``<<: [*a, *b]``; earlier mappings in the list take precedence."""
    sources = [value] if isinstance(value, Mapping) else list(value.items) if isinstance(value, Sequence) else []
    items: list[tuple[Scalar, Node]] = []
    seen_keys: set[str] = set()
    for source in sources:
        if isinstance(source, Mapping):
            for key, item in source.items:
                if key.value not in seen_keys:
                    seen_keys.add(key.value)
                    items.append((key, item))
    return items
