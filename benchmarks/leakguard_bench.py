"""How much wall time does the leak guard add to a suite of many small tests that log and print?

Generates a throwaway project with 20 known secrets (random, made at run time) and a suite of
small tests (2,000 by default) that each log and print a few clean lines, then runs it with the
audit on and the guard off, and with the guard on, alternating, and prints the median times and
their ratio. The audit's own check items are deselected in both, so the difference is the guard.

    .venv/bin/python benchmarks/leakguard_bench.py [--tests 2000] [--repeat 5] [--keep DIR]

The goal is under 5% added wall time. This measures; no test asserts on speed.

On a shared machine wall and CPU time vary by more than the difference being measured.
``--instructions`` also runs each variant once under valgrind's callgrind (if installed) and
compares the instructions executed, which do not depend on what else the machine is doing.

The runs write and use bytecode caches, as a developer's runs do (``PYTHONDONTWRITEBYTECODE``
is removed from their environment): otherwise pytest rewrites and compiles every test module
and every module of this plugin again on each run, which adds the same large constant to both
variants and hides the guard's share.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECRET_KEYS = 20
TESTS_PER_FILE = 100

TEST_TEMPLATE = '''
import logging

log = logging.getLogger("bench.module{index}")


def test_{index}_{number}():
    log.info("processing item %d for user %s", {number}, "alice")
    log.debug("cache hit ratio %.2f", 0.75)
    print("request id", {number}, "status ok")
    print("GET /api/v1/items/{number} 200 12ms")
    assert {number} >= 0
'''


def make_project(root: Path, tests: int) -> None:
    keys = [f"SERVICE_{number}_API_KEY" for number in range(SECRET_KEYS)]
    (root / ".env.example").write_text("".join(f"{key}=your-key-here\n" for key in keys))
    (root / ".env").write_text("".join(f"{key}={secrets.token_urlsafe(32)}\n" for key in keys))
    (root / "pytest.ini").write_text("[pytest]\nlog_level = DEBUG\n")
    for index in range(max(1, tests // TESTS_PER_FILE)):
        body = "".join(
            TEST_TEMPLATE.format(index=index, number=number) for number in range(min(TESTS_PER_FILE, tests))
        )
        (root / f"test_bench_{index:03d}.py").write_text(body)


def pytest_command(guard: bool) -> list[str]:
    return [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
        "--secrets-audit", "-m", "not secrets_audit", "-o", f"secrets_leak_guard={'true' if guard else 'false'}",
    ]


def child_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(root: Path, guard: bool) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of the suite."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(pytest_command(guard), cwd=root, capture_output=True, text=True, env=child_environment())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise SystemExit(f"benchmark suite failed (guard={guard}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, cpu


def instructions(root: Path, guard: bool) -> int | None:
    """Instructions executed by one run under callgrind, or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *pytest_command(guard)]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=child_environment())
    found = re.search(r"Collected : (\d+)", result.stderr)
    return int(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the suite here and keep it")
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        make_project(root, args.tests)
        run(root, True)  # warm up: bytecode caches (plugin and test modules), imports
        run(root, False)
        times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for _ in range(args.repeat):
            for guard in (False, True):
                times[guard].append(run(root, guard))
        counts = {guard: instructions(root, guard) for guard in (False, True)} if args.instructions else {}
    load = ", ".join(f"{before:.1f} -> {after:.1f}" for before, after in zip(load_before, os.getloadavg()))
    print(f"{args.tests} tests, {SECRET_KEYS} known secrets, {args.repeat} alternating runs each")
    print(f"  load average (1, 5, 15 min) before -> after: {load}")
    for label, index in (("wall", 0), ("cpu", 1)):
        off = [sample[index] for sample in times[False]]
        on = [sample[index] for sample in times[True]]
        print(f"  {label} time, guard off: median {statistics.median(off):.2f}s, min {min(off):.2f}s")
        print(f"  {label} time, guard on:  median {statistics.median(on):.2f}s, min {min(on):.2f}s")
        print(
            f"  {label} ratio on/off: median {statistics.median(on) / statistics.median(off):.3f}, "
            f"min {min(on) / min(off):.3f} ({(min(on) / min(off) - 1) * 100:+.1f}% by the minima)"
        )
    if counts.get(False) and counts.get(True):
        off_count, on_count = counts[False], counts[True]
        assert off_count is not None and on_count is not None
        print(
            f"  instructions (callgrind): guard off {off_count / 1e9:.2f} G, on {on_count / 1e9:.2f} G, "
            f"ratio {on_count / off_count:.3f} ({(on_count / off_count - 1) * 100:+.1f}%)"
        )
    elif args.instructions:
        print("  instructions: valgrind not available")


if __name__ == "__main__":
    main()
