"""detect-secrets' filters, called directly: each stage's filters with the arguments they take,
and what the filters allow the scanner to assume (a line's verdict depends on the line alone;
a plugin whose every finding is dropped needs no trigger; a filter's regex need not run).
"""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any

from pytest_secrets.adapters.detect_secrets import INVALID_FILE_FILTER
from pytest_secrets.adapters.triggers import Plugin

# Plugins whose every possible secret lacks an ASCII letter (IPPublicDetector: digits, dots, a
# port), by the SHA-256 of their patterns: detect-secrets' default filter
# ``is_not_alphanumeric_string`` drops all they find, so while it is on they need no trigger.
LETTERLESS_PLUGINS = {"IPPublicDetector": "86f640476221b831"}  # pragma: allowlist secret (a digest)
NOT_ALPHANUMERIC_FILTER = "detect_secrets.filters.heuristic.is_not_alphanumeric_string"


FilterStage = list[tuple[Callable[..., Any], tuple[str, ...]]]


def filter_stage(filters: Iterable[Any], required: set[str], available: set[str]) -> FilterStage:
    """Filters detect-secrets would call in one stage, each with the arguments it takes."""
    stage: FilterStage = []
    for function in filters:
        variables = set(getattr(function, "injectable_variables", ()))
        if getattr(function, "path", "") == INVALID_FILE_FILTER or not required <= variables:
            continue
        names = tuple(sorted(variables & available))
        try:
            parameters = inspect.signature(function).parameters.values()
            needed = {
                p.name
                for p in parameters
                if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            }
        except (TypeError, ValueError):
            needed = set()
        if needed - set(names):
            continue  # detect-secrets calls it, gets a TypeError and skips it: same result
        stage.append((function, names))
    return stage


def filtered_out(stage: FilterStage, values: dict[str, Any]) -> bool:
    """Whether a filter of ``stage`` drops the finding ``values`` describe."""
    for function, names in stage:
        try:
            if function(**{name: values[name] for name in names}):
                return True
        except TypeError:
            pass  # as detect-secrets' _is_filtered_out does
    return False


# Filters whose verdict depends only on (line, secret, plugin): detect-secrets' own, taking
# nothing else. The allowlist filter also reads the file's extension and the line before.
_PURE_FILTER_ARGUMENTS = {"line", "secret", "plugin"}
ALLOWLIST_FILTER = "detect_secrets.filters.allowlist.is_line_allowlisted"


INDIRECT_REFERENCE_FILTER = "detect_secrets.filters.heuristic.is_indirect_reference"
# The pattern detect-secrets 1.x gives that filter (``_get_indirect_reference_regex``).
INDIRECT_REFERENCE_PATTERN = r"([^\v=!:]*)\s*(:=?|[!=]{1,3})\s*([\w.-]+[\[\(][^\v]*[\]\)])"


def indirect_reference_pattern_is_known() -> bool:
    """Whether the installed detect-secrets' indirect-reference filter searches the pattern
    :func:`may_be_indirect_reference` was worked out for (else the filter always runs)."""
    from detect_secrets.filters import heuristic

    getter = getattr(heuristic, "_get_indirect_reference_regex", None)
    try:
        compiled = getter() if getter is not None else None
    except Exception:  # noqa: BLE001 - any surprise: do not take the shortcut
        return False
    return (
        isinstance(compiled, re.Pattern)
        and compiled.pattern == INDIRECT_REFERENCE_PATTERN
        and compiled.flags == re.compile(INDIRECT_REFERENCE_PATTERN).flags
    )


def may_be_indirect_reference(line: str) -> bool:
    """False only when :data:`INDIRECT_REFERENCE_PATTERN` cannot match ``line``: any match
    holds an operator character (``:``, ``=`` or ``!``), then an opening ``(`` or ``[``, then
    a closing ``)`` or ``]``, in that order."""
    operators = [at for at in (line.find(":"), line.find("="), line.find("!")) if at >= 0]
    if not operators:
        return False
    operator = min(operators)
    openings = [at for at in (line.find("(", operator), line.find("[", operator)) if at >= 0]
    if not openings:
        return False
    opening = min(openings)
    return line.rfind(")") > opening or line.rfind("]") > opening


def line_memo_safe(plugins: list[Plugin], stages: FilterStage) -> bool:
    """Whether a line's findings depend only on (file type, ``.yaml`` or not, line, the line
    before when it holds a pragma): every plugin is a built-in one (they read the file type,
    KeywordDetector, and the line) and every line-level filter is detect-secrets' own and reads
    nothing else. A custom plugin or filter may read the file name, line number or context."""
    if not all(plugin.builtin for plugin in plugins):
        return False
    for function, names in stages:
        path = getattr(function, "path", "")
        if path == ALLOWLIST_FILTER:
            continue
        if not path.startswith("detect_secrets.filters.") or not set(names) <= _PURE_FILTER_ARGUMENTS:
            return False
    return True


def silent_plugins(plugins: list[Plugin], secret_stage: FilterStage) -> set[int]:
    """Indices of the plugins whose every finding a secret-level filter drops: no line can
    yield one, so no line needs to go through them (see ``LETTERLESS_PLUGINS``)."""
    if not any(getattr(function, "path", "") == NOT_ALPHANUMERIC_FILTER for function, _ in secret_stage):
        return set()
    silent = set()
    for index, plugin in enumerate(plugins):
        expected = LETTERLESS_PLUGINS.get(plugin.name)
        patterns = getattr(plugin.plugin, "denylist", ())
        digest = hashlib.sha256("".join(getattr(p, "pattern", "?") for p in patterns).encode()).hexdigest()[:16]
        if plugin.builtin and expected is not None and digest == expected:
            silent.add(index)
    return silent
