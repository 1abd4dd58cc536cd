"""Run every benchmark module (python -m benchmarks [name ...])."""

import importlib
import pkgutil
import sys
from pathlib import Path

wanted = set(sys.argv[1:])
for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
    if info.name.startswith("bench_") and (not wanted or info.name in wanted or info.name[6:] in wanted):
        print(f"==== {info.name}", flush=True)
        importlib.import_module(f"benchmarks.{info.name}").main()
