"""Mutation scores per module from mutmut's results (run `make mutation` first). Prints figures.

A mutant is killed when a test fails on it (or it times out); it survives when every test passes.
"No tests" mutants (code no selected test runs) count as survivors.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

KILLED = {"killed", "timeout", "segfault"}


def main() -> None:
    mutmut = Path(sys.executable).with_name("mutmut")
    out = subprocess.run([str(mutmut), "results", "--all", "true"], capture_output=True, text=True).stdout
    per_module: dict[str, Counter] = defaultdict(Counter)
    for line in out.splitlines():
        match = re.match(r"([\w.]+?)\.x[_ǁ]\S*__mutmut_\d+: (.+)$", line.strip())
        if match:
            per_module[match.group(1)][match.group(2).strip()] += 1
    if not per_module:
        print("no mutmut results: run `make mutation` first")
        return
    total = Counter()
    print(f"{'module':<22} {'mutants':>8} {'killed':>7} {'survived':>9} {'no tests':>9} {'score':>6}")
    for module in sorted(per_module):
        counts = per_module[module]
        total.update(counts)
        mutants = sum(counts.values())
        killed = sum(counts[s] for s in KILLED)
        print(f"{module:<22} {mutants:>8} {killed:>7} {counts['survived']:>9} {counts['no tests']:>9} {killed / mutants:>6.0%}")
    mutants = sum(total.values())
    print(f"{'all':<22} {mutants:>8} {sum(total[s] for s in KILLED):>7} {total['survived']:>9} {total['no tests']:>9} "
          f"{sum(total[s] for s in KILLED) / mutants:>6.0%}")


if __name__ == "__main__":
    main()
