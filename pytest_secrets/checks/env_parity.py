"""env-parity: ``.env.example``, the env files, the environment and the code agree on keys."""

from __future__ import annotations

from typing import ClassVar

from pytest_secrets import classify
from pytest_secrets.adapters.dotenv import ParsedEnvFile
from pytest_secrets.code_reads import find_env_reads
from pytest_secrets.context import AuditContext
from pytest_secrets.findings import CheckCannotRun, Finding
from pytest_secrets.inventory import Inventory

NAME = "env-parity"
# A missing example file: the keys it should hold are named, up to this many.
MAX_KEYS_NAMED = 8
FIX_CREATE_EXAMPLE = (
    "create .env.example listing every key with a placeholder value and commit it "
    "(guide: Local Development, '.env.example (commit this)')"
)
FIX_SET_KEY = "set the key in .env (cp .env.example .env, then edit) or in the environment (guide: Local Development)"
FIX_DOCUMENT_KEY = "add the key to .env.example with a placeholder value, or remove it if unused"
FIX_FILE_PROBLEM = "fix the line so python-dotenv reads it as intended (python-dotenv's file format)"
NO_EXAMPLE_NOTHING_TO_DO = "no {example}, no env files and no environment lookups in the code: nothing to compare"


def file_problems(inventory: Inventory, parsed: ParsedEnvFile) -> list[Finding]:
    path = inventory.relative(parsed.path)
    return [Finding(NAME, problem.message, FIX_FILE_PROBLEM, path=path, line=problem.line) for problem in parsed.problems]


def last_line(parsed: ParsedEnvFile, key: str) -> int | None:
    lines = [entry.line for entry in parsed.entries if entry.key == key]
    return lines[-1] if lines else None


class EnvParityCheck:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "every declared key is set, every set key is declared, every key the code reads is documented"

    def run(self, context: AuditContext) -> list[Finding]:
        settings = context.settings
        inventory = context.inventory
        reads, unread = find_env_reads(settings.root, settings.code_paths)
        for unread_file in unread:
            context.note(NAME, f"{inventory.relative(unread_file.path)} not read for environment lookups: {unread_file.reason}")
        reads = [read for read in reads if not classify.matches_any(read.key, settings.ignore_code_keys)]
        example = inventory.example
        if example is None:
            if not inventory.env_files and not reads:
                raise CheckCannotRun(NO_EXAMPLE_NOTHING_TO_DO.format(example=settings.example_file))
            keys = sorted({read.key for read in reads} | {e.key for f in inventory.env_files for e in f.entries})
            shown = ", ".join(keys[:MAX_KEYS_NAMED]) + (f" and {len(keys) - MAX_KEYS_NAMED} more" if len(keys) > MAX_KEYS_NAMED else "")
            noun = "key the project uses is" if len(keys) == 1 else "keys the project uses are"
            message = f"there is no {settings.example_file}, so {len(keys)} {noun} not documented: {shown}"
            return [Finding(NAME, message, FIX_CREATE_EXAMPLE, path=settings.example_file)]

        findings = file_problems(inventory, example)
        for parsed in inventory.env_files:
            findings += file_problems(inventory, parsed)
        example_path = inventory.relative(example.path)
        declared = example.values()

        development = inventory.development_files
        development_values = {key: value for parsed in development for key, value in parsed.values().items()}
        names = ", ".join(inventory.relative(parsed.path) for parsed in development)
        where = f"{names} or the environment" if development else "the environment (there is no .env)"
        for key in declared:
            if development_values.get(key) is None and key not in inventory.environment:
                findings.append(
                    Finding(NAME, f"declared in {example_path} but not set in {where}", FIX_SET_KEY,
                            path=example_path, line=last_line(example, key), key=key)
                )
        for parsed in inventory.env_files:
            path = inventory.relative(parsed.path)
            for key in parsed.values():
                if key not in declared:
                    findings.append(
                        Finding(NAME, f"set in {path} but not documented in {example_path}", FIX_DOCUMENT_KEY,
                                path=path, line=last_line(parsed, key), key=key)
                    )
        reported: set[str] = set()
        for read in reads:
            if read.key in declared or read.key in reported:
                continue
            reported.add(read.key)
            findings.append(
                Finding(NAME, f"read by the code but not documented in {example_path}", FIX_DOCUMENT_KEY,
                        path=inventory.relative(read.path), line=read.line, key=read.key)
            )
        return findings
