"""Run every benchmark module (python -m benchmarks [name ...])."""

import importlib
import os
import pkgutil
import statistics
import sys
import time
from pathlib import Path


def machine_reference_ms() -> float:
    """Median time of a fixed pure-Python loop: to compare runs on machines of different speed."""
    times = []
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for i in range(2_000_000):
            total += i
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


wanted = set(sys.argv[1:])
print(f"machine reference: 2,000,000-step Python loop in {machine_reference_ms():.0f} ms; load average "
      f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; python {sys.version.split()[0]}", flush=True)
for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
    if info.name.startswith("bench_") and (not wanted or info.name in wanted or info.name[6:] in wanted):
        print(f"==== {info.name}", flush=True)
        importlib.import_module(f"benchmarks.{info.name}").main()
