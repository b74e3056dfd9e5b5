"""Benchmark (and verify) the git-history scan on a repository.

    python benchmarks/history_bench.py /path/to/repo            # figures: size, floors, cold, warm
    python benchmarks/history_bench.py --synthetic 20000 --out /tmp/synth   # make a repo, then measure it
    python benchmarks/history_bench.py /path/to/repo --verify   # fast path == scan_file, every blob

Figures are whole-process wall times (a fresh Python each, like a CI job), medians of
``--repeat`` runs: the floors (``git cat-file --batch-all-objects --batch``, ``git log -p
--all``), the cold audit (no cache) and the warm audit (the cache the cold run wrote), and the
ratios between them. Clone or generate repositories outside the project folder.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def timed(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def repo_facts(repo: Path) -> tuple[int, int, float]:
    from pytest_secrets.adapters import git
    from pytest_secrets.history.engine import _tips

    _, tips, _, _ = _tips(repo)
    commits = git.count_commits(repo, tips)
    sizes = dict(git.blob_sizes_in_pack_order(repo))
    blobs = [sha for sha in git.reachable_blobs(repo, tips).blobs if sha in sizes]
    megabytes = sum(sizes[sha] for sha in blobs) / 1e6
    return commits, len(blobs), megabytes


def run_audit(repo: Path, cache_file: Path, processes: int) -> dict[str, object]:
    """One audit in a fresh process; the cache is read from and written to ``cache_file``."""
    code = (
        "import json, sys, time; t = time.perf_counter()\n"
        "from pathlib import Path\n"
        "from pytest_secrets.adapters.detect_secrets import default_config\n"
        "from pytest_secrets.history.engine import scan_history\n"
        "repo, cache_file, processes = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])\n"
        "summary_file, blobs_file = cache_file, cache_file.with_suffix('.blobs.json')\n"
        "cache = json.loads(summary_file.read_text()) if summary_file.exists() else None\n"
        "load = lambda: json.loads(blobs_file.read_text()) if blobs_file.exists() else None\n"
        "result = scan_history(repo, default_config('.secrets.baseline'), cache=cache, load_blob_cache=load,\n"
        "                      processes=processes)\n"
        "if '' in result.cache_payloads: summary_file.write_text(json.dumps(result.cache_payloads['']))\n"
        "if '-blobs' in result.cache_payloads: blobs_file.write_text(json.dumps(result.cache_payloads['-blobs']))\n"
        "distinct = len(result.groups)\n"
        "import resource\n"
        "usage = resource.getrusage\n"
        "rss = max(usage(resource.RUSAGE_SELF).ru_maxrss, usage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "print(json.dumps({'scanned': result.blobs_scanned, 'findings': len(result.findings), 'distinct': distinct,\n"
        "  'processes': result.processes, 'engine_seconds': result.seconds, 'inner': time.perf_counter() - t,\n"
        "  'max_rss_mb': rss / 1024}))\n"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(repo), str(cache_file), str(processes)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    ).stdout
    info: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    info["wall"] = time.perf_counter() - started
    return info


def compile_package() -> None:
    """Write the package's bytecode first, as an installed package has it: with stale bytecode
    (a checkout edited under PYTHONDONTWRITEBYTECODE) every audit process would compile the
    sources again, about 0.05 s that no user pays."""
    import compileall

    import pytest_secrets

    compileall.compile_dir(str(Path(pytest_secrets.__file__).parent), quiet=1)


def measure(repo: Path, repeat: int, processes: int) -> None:
    """Each round times the floors and the audits back to back, so a ratio compares runs made
    under the same load (a shared machine's speed drifts by tens of percent over minutes)."""
    commits, blobs, megabytes = repo_facts(repo)
    compile_package()
    print(f"repository: {repo}")
    print(f"commits (all refs): {commits}   unique blobs: {blobs}   blob content: {megabytes:.1f} MB")
    cat_files, log_ps, colds, warms = [], [], [], []
    cold_info: dict[str, object] = {}
    warm_info: dict[str, object] = {}
    cache_size = 0
    for _ in range(repeat):
        cat_files.append(timed(["git", "cat-file", "--batch-all-objects", "--batch", "--unordered"], repo))
        log_ps.append(timed(["git", "log", "-p", "--all"], repo))
        with tempfile.TemporaryDirectory() as folder:
            cache_file = Path(folder) / "cache.json"
            cold_info = run_audit(repo, cache_file, processes)
            warm_info = run_audit(repo, cache_file, processes)
            colds.append(float(cold_info["wall"]))  # type: ignore[arg-type]
            warms.append(float(warm_info["wall"]))  # type: ignore[arg-type]
            cache_size = sum(path.stat().st_size for path in Path(folder).glob("cache*.json"))
    cat_file, log_p = statistics.median(cat_files), statistics.median(log_ps)
    cold, warm = statistics.median(colds), statistics.median(warms)
    print(f"floor  git cat-file --batch-all-objects --batch: {cat_file:.2f} s  (runs: {_runs(cat_files)})")
    print(f"floor  git log -p --all:                         {log_p:.2f} s  (runs: {_runs(log_ps)})")
    print(
        f"cold audit: {cold:.2f} s wall ({float(cold_info['engine_seconds']):.2f} s in the engine, "  # type: ignore[arg-type]
        f"{cold_info['processes']} process(es)), {cold_info['scanned']} blobs scanned, "
        f"{cold_info['findings']} blob findings, {cold_info['distinct']} distinct, "
        f"peak RSS {float(cold_info['max_rss_mb']):.0f} MB per process  (runs: {_runs(colds)})"  # type: ignore[arg-type]
    )
    print(
        f"warm audit: {warm:.2f} s wall ({float(warm_info['engine_seconds']):.3f} s in the engine), "  # type: ignore[arg-type]
        f"{warm_info['scanned']} blobs scanned, cache {cache_size / 1e6:.2f} MB"
    )
    per_round = statistics.median(c / f for c, f in zip(colds, log_ps))
    print(
        f"ratios: cold / cat-file floor = {cold / cat_file:.1f}x, cold / log -p floor = {cold / log_p:.2f}x "
        f"(median of the rounds' own ratios: {per_round:.2f}x), warm / cat-file floor = {warm / cat_file:.2f}x, "
        f"cold / warm = {cold / warm:.0f}x"
    )


def _runs(times: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in times)


# --- verification ------------------------------------------------------------------------


def _verify_part(args: tuple[str, list[tuple[str, str]], str]) -> tuple[int, int, list[str]]:
    from pytest_secrets.adapters import git
    from pytest_secrets.adapters.detect_secrets import default_config
    from pytest_secrets.adapters.fast_scan import Scanner

    repo, items, folder = args
    mismatches = []
    findings = 0
    with Scanner(default_config(".secrets.baseline")) as scanner, git.BlobReader(Path(repo)) as reader:
        paths = dict(items)
        # In pack order, as the audit reads them; each version of a path is written to the
        # same file, so the scanner reuses the lines it shares with the last version (as the
        # audit does) and scan_file sees the same name.
        for sha, data in reader.stream([sha for sha, _ in items]):
            if data is None:
                continue
            target = Path(folder) / paths[sha]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            _, hits = scanner.scan_version(str(target), data)
            fast = sorted((h.line, h.type, h.secret_hash) for h in hits)
            reference = sorted((h.line, h.type, h.secret_hash) for h in scanner.reference_scan_file(str(target)))
            findings += len(reference)
            if fast != reference:
                mismatches.append(f"{sha} {paths[sha]}: fast {fast} != scan_file {reference}")
    return len(items), findings, mismatches


def verify(repo: Path, processes: int, limit: int | None, match: str = "") -> int:
    import multiprocessing

    from pytest_secrets.adapters import git
    from pytest_secrets.history.engine import _tips

    _, tips, _, _ = _tips(repo)
    reachable = git.reachable_blobs(repo, tips).blobs
    blobs = [(sha, reachable[sha]) for sha, _ in git.blob_sizes_in_pack_order(repo) if sha in reachable]
    if match:
        patterns = match.split(",")
        blobs = [(sha, path) for sha, path in blobs if any(fnmatch.fnmatch(path, p) for p in patterns)]
    if limit:
        chosen = set(random.Random(0).sample(range(len(blobs)), min(limit, len(blobs))))
        blobs = [blob for index, blob in enumerate(blobs) if index in chosen]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        size = -(-len(blobs) // processes)  # contiguous runs of the pack order, one per process
        parts = [
            (str(repo), blobs[index * size : (index + 1) * size], f"{folder}/{index}") for index in range(processes)
        ]
        if processes == 1:
            results = [_verify_part(parts[0])]
        else:
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                results = pool.map(_verify_part, parts)
    checked = sum(r[0] for r in results)
    findings = sum(r[1] for r in results)
    mismatches = [m for r in results for m in r[2]]
    for line in mismatches[:50]:
        print("MISMATCH", line)
    print(
        f"verify: {checked} blobs, {findings} scan_file findings, {len(mismatches)} mismatches "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return 1 if mismatches else 0


# --- synthetic repository ----------------------------------------------------------------

WORDS = ["alpha", "beta", "gamma", "delta", "config", "handler", "request", "user", "value", "cache", "route"]


def _line(rng: random.Random) -> str:
    kind = rng.random()
    name = "_".join(rng.choice(WORDS) for _ in range(2))
    if kind < 0.5:
        return f"    {name} = {rng.randint(0, 10_000)}\n"
    if kind < 0.8:
        return f"    result = {name}(request, '{rng.choice(WORDS)}')\n"
    if kind < 0.9:
        return f"    # {' '.join(rng.choice(WORDS) for _ in range(8))}\n"
    return f"    url = 'https://example.com/{rng.choice(WORDS)}/{rng.randint(1, 999)}'\n"


def _planted(rng: random.Random, number: int) -> str:
    choice = number % 4
    if choice == 0:
        return (
            "AWS_KEY = '"
            + "AKIA"
            + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
            + "'\n"
        )
    if choice == 1:
        return "password = '" + "".join(rng.choice(string.ascii_letters) for _ in range(14)) + "'\n"
    if choice == 2:
        return (
            "token = '"
            + "ghp"
            + "_"
            + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))
            + "'\n"
        )
    return "DB = 'postgres://app:" + "".join(rng.choice(string.ascii_letters) for _ in range(12)) + "@db:5432/app'\n"


def synthesize(out: Path, commits: int, seed: int = 7) -> None:
    """A repository of ``commits`` commits (git fast-import) with planted secrets: some in files
    deleted later, some on a side branch, tags along the way."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=False)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    files: dict[str, list[str]] = {}
    stream = []
    mark = 0
    when = 1_600_000_000
    planted = 0
    for number in range(commits):
        branch = f"side-{number}" if number % 50 == 49 else "main"
        changes: list[str] = []
        for _ in range(rng.randint(1, 3)):
            name = f"pkg/module_{rng.randint(0, 399)}.py"
            lines = files.setdefault(name, [f"def {rng.choice(WORDS)}():\n"])
            for _ in range(rng.randint(1, 6)):
                lines.insert(rng.randint(1, len(lines)), _line(rng))
            if len(lines) > 400:
                del lines[1:100]
            if number % 97 == 0:
                lines.insert(1, _planted(rng, planted))
                planted += 1
            data = "".join(lines).encode()
            changes.append(f"M 100644 inline {name}\ndata {len(data)}\n".encode().decode() + data.decode() + "\n")
        if number % 211 == 0 and number:
            secret_file = f"tmp/leak_{number}.env"
            data = _planted(rng, planted)
            planted += 1
            changes.append(f"M 100644 inline {secret_file}\ndata {len(data.encode())}\n{data}\n")
            files[secret_file] = [data]
        if number % 211 == 5 and number > 5:
            for name in [n for n in files if n.startswith("tmp/")]:
                changes.append(f"D {name}\n")
                del files[name]
        mark += 1
        when += 600
        message = f"commit {number}"
        parent = "" if number else ""
        stream.append(
            f"commit refs/heads/{branch}\nmark :{mark}\n"
            f"author Synth <synth@example.invalid> {when} +0000\n"
            f"committer Synth <synth@example.invalid> {when} +0000\n"
            f"data {len(message)}\n{message}\n{parent}" + "".join(changes) + "\n"
        )
        if branch != "main":
            # The side branch forks from main's latest commit and main goes on without it.
            stream[-1] = stream[-1].replace(
                f"data {len(message)}\n{message}\n", f"data {len(message)}\n{message}\nfrom refs/heads/main\n", 1
            )
        if number % 1000 == 999:
            stream.append(
                f"tag v{number // 1000}\nfrom :{mark}\ntagger Synth <synth@example.invalid> {when} +0000\ndata 3\nrel\n"
            )
    payload = "".join(stream).encode()
    subprocess.run(["git", "fast-import", "--quiet"], input=payload, cwd=out, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    subprocess.run(["git", "gc", "-q", "--aggressive" if commits < 5000 else "--auto"], cwd=out, check=False)
    print(f"synthetic repository: {out} ({commits} commits, {planted} planted secrets)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", nargs="?", type=Path, help="repository to measure")
    parser.add_argument("--synthetic", type=int, metavar="N", help="generate a repository of N commits first")
    parser.add_argument("--out", type=Path, help="where to generate the synthetic repository")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (median)")
    parser.add_argument("--processes", type=int, default=0, help="processes for the audit (0: automatic)")
    parser.add_argument("--verify", action="store_true", help="compare the fast path with scan_file for every blob")
    parser.add_argument("--verify-processes", type=int, default=1)
    parser.add_argument("--verify-limit", type=int, default=None, help="verify a random sample of this many blobs")
    parser.add_argument("--verify-match", default="", help="verify only paths matching these globs (comma-separated)")
    args = parser.parse_args()
    repo = args.repo
    if args.synthetic:
        repo = args.out or Path(tempfile.mkdtemp(prefix="history-bench-")) / "synthetic"
        synthesize(repo, args.synthetic)
    if repo is None:
        parser.error("give a repository path or --synthetic N")
    repo = repo.resolve()
    if args.verify:
        return verify(repo, args.verify_processes, args.verify_limit, args.verify_match)
    measure(repo, args.repeat, args.processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
