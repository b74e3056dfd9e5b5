"""Adding the guide's detect-secrets hook to ``.pre-commit-config.yaml`` as text.

The file is the user's: edited through a YAML library it would lose its comments, quoting and
layout. So the hook is added as text (a new repo entry at the end of the ``repos:`` list, or the
``args`` line under an existing hook), and the result is read back: it must hold a
detect-secrets hook with ``--baseline`` and, apart from that, the same data as before.
Anything else is left for the user, with the block to paste.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_secrets.adapters.yaml_tree import Mapping, Node, Scalar, Sequence, YamlError, load_documents
from pytest_secrets.checks.pre_commit import find_hooks

REPO_URL = "https://github.com/Yelp/detect-secrets"
_REPOS_KEY = re.compile(r"^repos[^\S\r\n]*:[^\S\r\n]*(#.*)?$")
_CONTENT = re.compile(r"^(?P<indent>[ ]*)(?P<rest>\S.*)?$")


class HookEditError(Exception):
    """The hook cannot be added safely; the message says why."""


@dataclass(frozen=True)
class HookState:
    """What the config holds: a hook with the baseline it names, a hook without one, or no hook."""

    has_hook: bool
    baseline: str | None


def repo_entry(indent: str, version: str, baseline: str) -> str:
    return (
        f"{indent}- repo: {REPO_URL}\n"
        f"{indent}  rev: v{version}\n"
        f"{indent}  hooks:\n"
        f"{indent}    - id: detect-secrets\n"
        f"{indent}      args: ['--baseline', '{baseline}']\n"
    )


def new_config(version: str, baseline: str) -> str:
    return (
        "# pre-commit hooks (https://pre-commit.com); run `pre-commit install` once per clone.\n"
        "# detect-secrets blocks commits that add a secret its baseline does not hold.\n"
        "repos:\n" + repo_entry("  ", version, baseline)
    )


def hook_state(text: str) -> HookState:
    """Raises HookEditError when the file is not YAML pre-commit could read."""
    try:
        documents = load_documents(text)
    except YamlError as error:
        raise HookEditError(f"is not valid YAML ({error}); fix it, then run init again") from None
    hooks = find_hooks(documents)
    with_baseline = [hook for hook in hooks if hook.baseline]
    if with_baseline:
        return HookState(True, with_baseline[0].baseline)
    return HookState(bool(hooks), None)


def add_hook(text: str, version: str, baseline: str) -> str:
    """``text`` with a detect-secrets repo entry appended to its ``repos:`` list."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    start = next((index for index, line in enumerate(lines) if _REPOS_KEY.match(line.rstrip("\r\n"))), None)
    if start is None:
        old = _plain(text)
        if not (old is None or (isinstance(old, dict) and "repos" not in old)):
            raise HookEditError("has no block-style 'repos:' list to add the hook to")
        separator = "" if not text or text.endswith("\n") else newline
        result = text + separator + ("repos:\n" + repo_entry("  ", version, baseline)).replace("\n", newline)
    else:
        end, indent = _block_end(lines, start)
        entry = repo_entry(indent, version, baseline).replace("\n", newline)
        before = lines[:end]
        if before and not before[-1].endswith(("\n", "\r")):
            before[-1] += newline
        result = "".join(before) + entry + "".join(lines[end:])
    _verify(text, result, extra_repo=True)
    return result


def add_baseline_args(text: str, baseline: str) -> str:
    """``text`` with ``args: ['--baseline', ...]`` under a detect-secrets hook that has no args."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = re.match(r"^(?P<lead>[ ]*(?:-[ ]+)?)id:[ ]*['\"]?detect-secrets['\"]?[ ]*(#.*)?$", line.rstrip("\r\n"))
        if match is None:
            continue
        column = len(match.group("lead"))
        newline = "\r\n" if line.endswith("\r\n") else "\n"
        inserted = f"{' ' * column}args: ['--baseline', '{baseline}']{newline}"
        if not line.endswith(("\n", "\r")):
            lines[index] = line + newline
        candidate = "".join(lines[: index + 1]) + inserted + "".join(lines[index + 1:])
        try:
            _verify(text, candidate, extra_repo=False)
        except HookEditError:
            continue
        return candidate
    raise HookEditError("has a detect-secrets hook whose args could not be given --baseline automatically")


def _block_end(lines: list[str], start: int) -> tuple[int, str]:
    """Where the ``repos:`` block starting at ``start`` ends (index after its last content line)
    and the indentation of its items."""
    indent: str | None = None
    last_content = start
    for index in range(start + 1, len(lines)):
        stripped = lines[index].rstrip("\r\n")
        match = _CONTENT.match(stripped)
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            continue
        if match is None:
            break  # a tab or other unusual indentation: let verification decide on what we have
        if indent is None:
            if not (match.group("rest") or "").startswith("-"):
                raise HookEditError("has a 'repos:' key that does not hold a block-style list")
            indent = match.group("indent")
        if not match.group("indent") and not (indent == "" and stripped.startswith("-")):
            break  # the next top-level key or document marker
        last_content = index
    if indent is None:
        raise HookEditError("has an empty 'repos:' key; write 'repos: []' as a list or add the hook by hand")
    return last_content + 1, indent


def _plain(text: str) -> object:
    """The YAML data without line numbers, for comparing before and after an edit."""
    try:
        documents = load_documents(text)
    except YamlError as error:
        raise HookEditError(f"would not be valid YAML after the edit ({error})") from None
    if not documents:
        return None
    return _strip(documents[0]) if len(documents) == 1 else [_strip(document) for document in documents]


def _strip(node: Node) -> object:
    if isinstance(node, Scalar):
        return None if node.is_null else node.value
    if isinstance(node, Sequence):
        return [_strip(item) for item in node.items]
    assert isinstance(node, Mapping)
    return {key.value: _strip(value) for key, value in node.items}


def _verify(before: str, after: str, extra_repo: bool) -> None:
    state = hook_state(after)
    if not state.baseline:
        raise HookEditError("could not be given the hook automatically")
    old, new = _plain(before), _plain(after)
    if extra_repo:
        if not isinstance(new, dict) or not isinstance(new.get("repos"), list):
            raise HookEditError("could not be given the hook automatically")
        expected = dict(old) if isinstance(old, dict) else {}
        trimmed = {**new, "repos": new["repos"][:-1]}
        if "repos" not in expected and not trimmed["repos"]:
            del trimmed["repos"]
        if trimmed != expected:
            raise HookEditError("could not be given the hook without changing the rest of the file")
    elif not _same_except_args(old, new):
        raise HookEditError("could not be given --baseline without changing the rest of the file")


def _same_except_args(old: object, new: object) -> bool:
    if isinstance(old, dict) and isinstance(new, dict):
        if set(new) - set(old) == {"args"} and new.get("id") == "detect-secrets":
            new = {key: value for key, value in new.items() if key != "args"}
        return old.keys() == new.keys() and all(_same_except_args(old[key], new[key]) for key in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same_except_args(a, b) for a, b in zip(old, new))
    return old == new
