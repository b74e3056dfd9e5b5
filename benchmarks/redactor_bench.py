"""Throughput of the redactor: many known values searched in large texts.

Prints MB/s for ``find`` on clean text (the common case) and ``mask`` on text with leaks,
for 20 and 200 values, next to the floor of one ``str.__contains__`` scan of the same text.
Run: ``python benchmarks/redactor_bench.py``.
"""

from __future__ import annotations

import base64
import random
import string
import time

from pytest_secrets.redaction import Redactor
from pytest_secrets.values import SecretValue


def make_values(count: int, rng: random.Random) -> list[SecretValue]:
    alphabet = string.ascii_letters + string.digits
    return [SecretValue(f"KEY_{i}", "".join(rng.choice(alphabet) for _ in range(32)), "bench") for i in range(count)]


def make_text(megabytes: float, rng: random.Random) -> str:
    words = ["request", "GET", "/api/v1/items", "200", "user_id=42", "latency_ms=13", "INFO", "cache", "miss"]
    lines = []
    size = 0
    while size < megabytes * 1_000_000:
        line = " ".join(rng.choice(words) for _ in range(12))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def seconds(call: object, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = random.Random(7)
    text = make_text(10, rng)
    megabytes = len(text) / 1_000_000
    floor = seconds(lambda: "zzzz-not-there" in text)
    print(f"text: {megabytes:.1f} MB of log-like lines; floor (one str scan): {megabytes / floor:,.0f} MB/s")
    for count in (20, 200):
        values = make_values(count, rng)
        redactor = Redactor(values)
        clean = seconds(lambda: redactor.find(text))
        leaky = text[: len(text) // 2] + values[0].reveal() + base64.b64encode(values[-1].reveal().encode()).decode()
        leaky += text[len(text) // 2 :]
        masked = seconds(lambda: redactor.mask(leaky))
        forms = len(redactor._needles)
        print(f"{count:4d} values ({forms} forms): find on clean text {megabytes / clean:8.1f} MB/s, "
              f"mask with 2 leaks {megabytes / masked:8.1f} MB/s")


if __name__ == "__main__":
    main()
