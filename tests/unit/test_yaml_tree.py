"""YAML read into line-numbered nodes."""

from __future__ import annotations

import pytest

from pytest_secrets.adapters.yaml_tree import Mapping, Scalar, Sequence, YamlError, load_documents


def test_scalars_keep_their_text_and_line() -> None:
    (document,) = load_documents("on: push\nversion: 007\nempty:\nlist:\n  - a\n  - ~\n")
    assert isinstance(document, Mapping)
    assert document.get("on") == Scalar("push", 1)
    assert [key.value for key, _ in document.items] == ["on", "version", "empty", "list"]
    assert document.get("version") == Scalar("007", 2)
    empty = document.get("empty")
    assert isinstance(empty, Scalar) and empty.is_null
    items = document.get("list")
    assert isinstance(items, Sequence) and items.items[0] == Scalar("a", 5) and isinstance(items.items[1], Scalar)
    assert items.items[1].is_null


def test_merge_keys_and_aliases() -> None:
    text = "base: &base\n  A: 1\n  B: 2\nthing:\n  <<: *base\n  B: 3\n"
    (document,) = load_documents(text)
    assert isinstance(document, Mapping)
    thing = document.get("thing")
    assert isinstance(thing, Mapping)
    assert {key.value: value for key, value in thing.items} == {"A": Scalar("1", 2), "B": Scalar("3", 6)}


def test_several_documents_and_a_recursive_alias() -> None:
    documents = load_documents("a: 1\n---\n&x [*x]\n")
    assert len(documents) == 2


def test_the_last_binding_of_a_key_wins() -> None:
    (document,) = load_documents("a: 1\na: 2\n")
    assert isinstance(document, Mapping)
    assert document.get("a") == Scalar("2", 2)


@pytest.mark.parametrize(("text", "line"), [("a: [1, 2\n", 2), ("a:\n  b: 1\n c: 2\n", 3), ("a: 'x\n", 2)])
def test_errors_name_a_line_and_no_value(text: str, line: int) -> None:
    with pytest.raises(YamlError) as caught:
        load_documents(text)
    assert caught.value.line == line
