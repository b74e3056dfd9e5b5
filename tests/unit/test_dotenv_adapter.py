"""Env files read exactly as python-dotenv reads them, with problems reported by line."""

from __future__ import annotations

from pathlib import Path

from dotenv import dotenv_values

from pytest_secrets.adapters.dotenv import parse_env_file

CONTENT = 'A=1\nexport B="x y"\nC=\'multi\nline\'\nthis is not valid\nA=2\nD\nE=${A}\n'


def test_values_match_dotenv_values(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(CONTENT)
    parsed = parse_env_file(path)
    assert parsed.values() == dict(dotenv_values(path, interpolate=False))
    assert [(p.line, p.message.split(";")[0]) for p in parsed.problems] == [
        (5, "python-dotenv cannot parse this line"),
        (6, "A is set again (first on line 1)"),
    ]


def test_bom_non_utf8_binary_and_missing(tmp_path: Path) -> None:
    bom = tmp_path / "bom.env"
    bom.write_bytes(b"\xef\xbb\xbfSECRET_KEY=x\n")
    parsed_bom = parse_env_file(bom)
    assert parsed_bom.values() == dict(dotenv_values(bom, interpolate=False))
    # python-dotenv strips the BOM since 1.2.3; before that the first key kept it, which we report.
    kept_bom = any(key.startswith("\ufeff") for key in parsed_bom.values())
    assert kept_bom == any("byte-order mark" in problem.message for problem in parsed_bom.problems)
    latin = tmp_path / "latin.env"
    latin.write_bytes(b"PASSWORD=caf\xe9\n")
    parsed = parse_env_file(latin)
    assert not parsed.readable and "not valid UTF-8 (byte 12)" in parsed.problems[0].message
    binary = tmp_path / "bin.env"
    binary.write_bytes(b"A=1\x00\x01")
    assert "binary" in parse_env_file(binary).problems[0].message
    missing = parse_env_file(tmp_path / "absent.env")
    assert not missing.readable and "cannot be read" in missing.problems[0].message
