"""Benchmark runner: ``python bench/run.py [NAME...] [--quick] [--repeat K]``.

Every ``bench/bench_*.py`` module exposes ``NAMES`` (the figures it can produce) and
``run(names: set[str], quick: bool) -> Iterator[tuple[str, float, str]]``. Each figure is printed as one line
``name: value unit``; with --repeat K the median of K runs is printed (machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def load_modules():
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="figures to produce (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the median is printed")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    args = parser.parse_args(argv)
    modules = list(load_modules())
    known = {name for m in modules for name in m.NAMES}
    if args.list:
        print("\n".join(sorted(known)))
        return 0
    unknown = set(args.names) - known
    if unknown:
        print(f"unknown figure(s): {', '.join(sorted(unknown))}; use --list", file=sys.stderr)
        return 2
    wanted = set(args.names) or known
    for module in modules:
        names = wanted & set(module.NAMES)
        if not names:
            continue
        samples: dict[str, list[float]] = defaultdict(list)
        units: dict[str, str] = {}
        for _ in range(max(1, args.repeat)):
            for name, value, unit in module.run(names, args.quick):
                samples[name].append(value)
                units[name] = unit
        for name in [*module.NAMES, *(n for n in samples if n not in module.NAMES)]:  # derived figures last
            if name in samples:
                value = statistics.median(samples[name])
                print(f"{name}: {value:.4g} {units[name]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
