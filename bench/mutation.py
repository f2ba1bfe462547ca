"""Mutation scores per module from mutmut's results (run `make mutation` first). Prints figures.

A mutant is caught when a test fails on it or when its tests run over six times longer than on the
real code (a timeout; counted as caught, as mutmut and Stryker do, and shown apart); it survives
when every test passes. "No tests" mutants (code no selected test runs) count as survivors;
mutants not yet checked (an interrupted run) are left out of the score and counted.
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
    print(f"{'module':<18} {'checked':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'no tests':>9} {'score':>6} "
          f"{'unchecked':>10}")

    def row(name: str, counts: Counter) -> str:
        checked = sum(n for status, n in counts.items() if status != "not checked")
        caught = sum(counts[s] for s in KILLED)
        score = f"{caught / checked:.0%}" if checked else "—"
        return (f"{name:<18} {checked:>8} {counts['killed']:>7} {counts['timeout']:>8} {counts['survived']:>9} "
                f"{counts['no tests']:>9} {score:>6} {counts['not checked']:>10}")

    for module in sorted(per_module):
        total.update(per_module[module])
        print(row(module, per_module[module]))
    print(row("all", total))


if __name__ == "__main__":
    main()
