"""Environment lookups found with ast."""

from __future__ import annotations

from pathlib import Path

from pytest_secrets.code_reads import PYTHON_VERSION, find_env_reads, reads_in_source

SOURCE = '''
import os
import os as operating_system
from os import environ, getenv
from os import environ as env

a = os.environ["A"]
b = os.environ.get("B", "default")
c = os.getenv("C")
d = environ["D"]
e = getenv("E")
f = env.get("F")
g = operating_system.environ["G"]
h = os.environ.setdefault("H", "x")
name = "DYNAMIC"
i = os.environ[name]
j = {"K": 1}["K"]
k = "L" in os.environ
'''


def test_every_literal_lookup_is_found() -> None:
    assert [key for key, _ in reads_in_source(SOURCE)] == ["A", "B", "C", "D", "E", "F", "G", "H"]
    assert reads_in_source(SOURCE)[0] == ("A", 7)


def test_virtualenvs_hidden_folders_and_bad_files(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\nos.getenv('APP_KEY')\n")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "x.py").write_text("import os\nos.getenv('HIDDEN')\n")
    (tmp_path / "myenv").mkdir()
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "myenv" / "y.py").write_text("import os\nos.getenv('VENV')\n")
    (tmp_path / "broken.py").write_text("def (:\n")
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport os\nos.getenv('LATIN')  # \xe9\n")
    reads, unread = find_env_reads(tmp_path, (".",))
    assert sorted(read.key for read in reads) == ["APP_KEY", "LATIN"]
    assert [(u.path.name, u.reason) for u in unread] == [("broken.py", f"not valid Python {PYTHON_VERSION} (line 1)")]
