"""Sample paths that stand for an ignore pattern, so git itself can say whether it ignores them.

``git check-ignore`` judges paths, not patterns. For each pattern of the guide (``.env``,
``*.pem``, ``.env.*.local``...) we make one concrete file name that the pattern matches and
place it at the project root and in each folder whose own ``.gitignore`` could change the
answer, plus one ordinary subfolder (a pattern anchored with ``/`` protects the root only).
"""

from __future__ import annotations

import posixpath
import re

# What a ``*`` stands for in a sample name: an ordinary word nobody un-ignores on purpose.
STAR_WORD = "production"
# An ordinary subfolder with no ignore file of its own.
PLAIN_SUBFOLDER = "some/folder"
_CLASS = re.compile(r"\[!?(\]?[^\]]*)\]")


def sample_name(pattern: str) -> str:
    """A path the ignore ``pattern`` matches: ``*.pem`` -> ``production.pem``.

    A leading ``/`` (anchored to its folder) is dropped; a trailing ``/`` (folders only)
    becomes a file inside the folder; ``**/`` and ``/**`` collapse; ``?`` and ``[...]`` take
    a character they accept.
    """
    text = pattern.strip()
    if text.startswith("\\"):
        text = text[1:]  # \# and \! escape a literal first character
    text = text.lstrip("/")
    directory_only = text.endswith("/")
    text = text.rstrip("/")
    text = text.replace("**/", "").replace("/**", "/" + STAR_WORD)
    text = _CLASS.sub(lambda match: _class_member(match.group(0)), text)
    text = text.replace("*", STAR_WORD).replace("?", "x")
    return f"{text}/file" if directory_only else text


def _class_member(bracket: str) -> str:
    body = bracket[1:-1]
    if body.startswith("!") or body.startswith("^"):
        return "_"  # a negated class: pick a character it is unlikely to exclude
    first = body[0] if body else "x"
    return first


def probe_paths(pattern: str, folders: list[str]) -> list[str]:
    """The sample path for ``pattern`` inside each folder (``""`` is the project root)."""
    name = sample_name(pattern)
    return [posixpath.join(folder, name) if folder else name for folder in folders]


def probe_folders(listed_files: list[str]) -> list[str]:
    """The root, every folder holding a ``.gitignore``, and one plain subfolder."""
    folders = {posixpath.dirname(path) for path in listed_files if posixpath.basename(path) == ".gitignore"}
    folders.discard("")
    return ["", *sorted(folders), PLAIN_SUBFOLDER]


def describe_folder(folder: str) -> str:
    if not folder:
        return "at the root"
    if folder == PLAIN_SUBFOLDER:
        return "in subfolders"
    return f"in {folder}/"


def is_shared_rule_file(source: str) -> bool:
    """Whether a rule comes from a ``.gitignore`` in the work tree (committed, shared by every clone).

    ``.git/info/exclude`` and the user's global excludes file apply to this clone only.
    """
    parts = source.replace("\\", "/").split("/")
    return parts[-1] == ".gitignore" and ".git" not in parts[:-1] and not source.startswith("/")
