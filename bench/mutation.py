"""Mutation scores per module from mutmut's results (run `make mutation` first). Prints figures.

A mutant is killed when a test fails on it; it times out when its tests run past mutmut's wall-clock
limit (see setup.cfg) — counted as caught by mutmut and Stryker, but on a busy machine a slow run is
not a detection, so two scores are printed: killed alone, and killed + timeouts. A mutant survives
when every test passes. "No tests" mutants (code no selected test runs) count as survivors; mutants
not yet checked (an interrupted run) are left out of the scores and counted.

``--recheck`` runs the tests of every timed-out mutant again, each in a fresh pytest process (one a
core) with a generous limit, and prints the table with each timeout replaced by what that run
showed (killed, survived, or still a timeout after RECHECK_SECONDS). Without it, the last recheck's
findings (artifacts/mutation-recheck.json) stand for the mutants mutmut still counts as timeouts.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.config import PROJECT_ROOT

KILLED = {"killed", "timeout", "segfault"}
RECHECK_SECONDS = 120
RECHECKED = PROJECT_ROOT / "artifacts" / "mutation-recheck.json"  # each rechecked mutant's status
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-m", "not slow"]  # as in setup.cfg


def results() -> dict[str, str]:
    """Every mutant's status, by name."""
    mutmut = Path(sys.executable).with_name("mutmut")
    out = subprocess.run([str(mutmut), "results", "--all", "true"], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        name, _, status = line.strip().partition(": ")
        if "__mutmut_" in name:
            found[name] = status.strip()
    return found


def recheck(name: str, tests: list[str]) -> str:
    """A timed-out mutant's tests run again on their own: killed, survived or timeout."""
    environment = {**os.environ, "MUTANT_UNDER_TEST": name}
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", *PYTEST_ARGS, *tests], cwd=PROJECT_ROOT / "mutants",
                              env=environment, capture_output=True, timeout=RECHECK_SECONDS)
    except subprocess.TimeoutExpired:
        return "timeout"
    return {0: "survived", 1: "killed"}.get(done.returncode, "error")


def main() -> None:
    statuses = results()
    timed_out = sorted(name for name, status in statuses.items() if status == "timeout")
    if "--recheck" not in sys.argv:
        if RECHECKED.exists():  # what the last recheck showed of mutants mutmut still counts as timeouts
            earlier = json.loads(RECHECKED.read_text(encoding="utf-8"))
            statuses.update({name: earlier[name] for name in timed_out if name in earlier})
    else:
        stats = json.loads((PROJECT_ROOT / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
        covering = stats["tests_by_mangled_function_name"]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            rechecked = pool.map(lambda name: recheck(name, sorted(covering.get(name.rsplit("__mutmut_", 1)[0], []))),
                                 timed_out)
            statuses.update(zip(timed_out, rechecked))
        changed = Counter(statuses[name] for name in timed_out)
        RECHECKED.parent.mkdir(parents=True, exist_ok=True)
        RECHECKED.write_text(json.dumps({name: statuses[name] for name in timed_out}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
        survivors = Counter(name.rsplit("__mutmut_", 1)[0] for name in timed_out if statuses[name] == "survived")
        print("survivors found by the recheck, by function:", ", ".join(f"{fn} {n}" for fn, n in survivors.most_common()))
        print(f"{len(timed_out)} timeouts rechecked one at a time (limit {RECHECK_SECONDS} s): "
              + ", ".join(f"{n} {status}" for status, n in changed.most_common()))
    per_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in statuses.items():
        match = re.match(r"([\w.]+?)\.x[_ǁ]", name)
        if match:
            per_module[match.group(1)][status] += 1
    if not per_module:
        print("no mutmut results: run `make mutation` first")
        return
    total = Counter()
    print(f"{'module':<18} {'checked':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'no tests':>9} {'killed%':>8} "
          f"{'caught%':>8} {'unchecked':>10}")

    def row(name: str, counts: Counter) -> str:
        checked = sum(n for status, n in counts.items() if status != "not checked")
        caught = sum(counts[s] for s in KILLED)
        killed = f"{counts['killed'] / checked:.0%}" if checked else "—"
        score = f"{caught / checked:.0%}" if checked else "—"
        return (f"{name:<18} {checked:>8} {counts['killed']:>7} {counts['timeout']:>8} {counts['survived']:>9} "
                f"{counts['no tests']:>9} {killed:>8} {score:>8} {counts['not checked']:>10}")

    for module in sorted(per_module):
        total.update(per_module[module])
        print(row(module, per_module[module]))
    print(row("all", total))


if __name__ == "__main__":
    main()
