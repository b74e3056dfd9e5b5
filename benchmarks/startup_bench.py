"""Start-up cost of the installed plugin when the audit is off.

Times ``pytest --collect-only -q`` on a small generated suite, with the plugin loaded
(its default state once installed) and with ``-p no:secrets`` (as if not installed), and
prints the medians and the difference. Run: ``python benchmarks/startup_bench.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


# Installed packages run from bytecode; a PYTHONDONTWRITEBYTECODE set in the caller's
# environment would add compile time to every import and hide what users pay.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def make_suite(folder: Path, modules: int = 20, tests: int = 10) -> None:
    (folder / "pytest.ini").write_text("[pytest]\n")
    for index in range(modules):
        body = "".join(f"def test_{index}_{case}():\n    assert True\n\n" for case in range(tests))
        (folder / f"test_module_{index}.py").write_text(body)


def timings_interleaved(folder: Path, variants: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Each variant once per round, round after round, so drift in the machine's speed hits all alike."""
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, extra in variants.items():
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *extra],
                cwd=folder, check=True, capture_output=True, env=ENVIRONMENT,
            )
            timings[name].append(time.perf_counter() - start)
    return timings


def plugin_import_microseconds() -> int:
    """Cumulative import time of the entry-point module, from ``python -X importtime``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pytest; import pytest_secrets.plugin"],
        check=True, capture_output=True, text=True, env=ENVIRONMENT,
    )
    for line in result.stderr.splitlines():
        if line.rstrip().endswith("| pytest_secrets.plugin"):
            return int(line.split("|")[1])
    raise RuntimeError("pytest_secrets.plugin not in the import-time report")


def heavy_modules_loaded() -> list[str]:
    """Heavy dependencies imported by the entry point alone (should be none)."""
    code = (
        "import sys, pytest, pytest_secrets.plugin; "
        "print(' '.join(m for m in ('detect_secrets', 'git', 'dotenv', 're2', 'yaml') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=ENVIRONMENT)
    return result.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_suite(folder)
        variants = {"without": ["-p", "no:secrets"], "installed": [], "enabled": ["--secrets-audit"]}
        timings_interleaved(folder, variants, 2)  # warm the file cache and the bytecode
        timings = timings_interleaved(folder, variants, args.runs)
    median = {name: statistics.median(values) for name, values in timings.items()}
    least = {name: min(values) for name, values in timings.items()}
    print(f"pytest --collect-only, 200 tests, {args.runs} interleaved rounds: median (minimum)")
    labels = {"without": "plugin not loaded (-p no:secrets)", "installed": "plugin installed, audit off", "enabled": "audit on (collect only)"}
    for name, label in labels.items():
        delta = "" if name == "without" else (
            f"  ({(median[name] - median['without']) * 1000:+.1f} ms ({(least[name] - least['without']) * 1000:+.1f} ms))"
        )
        print(f"  {label + ':':<36}{median[name] * 1000:7.1f} ms ({least[name] * 1000:.1f} ms){delta}")
    imports = sorted(plugin_import_microseconds() for _ in range(5))[2]
    print(f"import of the entry point (median of 5, -X importtime): {imports / 1000:.2f} ms")
    print(f"heavy modules imported by the entry point: {heavy_modules_loaded() or 'none'}")


if __name__ == "__main__":
    main()
