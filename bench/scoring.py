"""Scoring benchmark: one sample, and a folder of 100 drafts through the CLI. Prints figures."""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.checklist import load_checklist
from eval.score import score_report
from core.config import PROJECT_ROOT
from report import load_report

SAMPLES = sorted((PROJECT_ROOT / "corpus").glob("*.txt"))


def main() -> None:
    checklist = load_checklist()
    started = time.perf_counter()
    score_report(load_report(SAMPLES[0]), checklist)
    print(f"the first score in this process (loads jieba's dictionary and pypinyin): {time.perf_counter() - started:.2f} s")
    for path in SAMPLES:
        times = []
        for _ in range(20):
            started = time.perf_counter()
            score_report(load_report(path), checklist)
            times.append((time.perf_counter() - started) * 1000)
        print(f"score {path.name[:3]} ({path.stat().st_size // 1024} KB): median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms (load + parse + all checks)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "drafts"
        folder.mkdir()
        for index in range(100):
            shutil.copy(SAMPLES[index % len(SAMPLES)], folder / f"draft{index:03d}.txt")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "eval", "run", str(folder), "--out", str(Path(scratch) / "out")],
                       cwd=PROJECT_ROOT, capture_output=True, check=False)
        print(f"python -m eval run on 100 drafts (process start, JSON + Markdown written): "
              f"{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
