"""Last year's plans against this year's facts (rag/continuity.py) on labelled pairs written for it
(bench/labelled/plans.tsv), split by a hash of the plan: the threshold sweep on the tune half, and
accuracy, misses and false matches on both halves at the threshold in use."""
from __future__ import annotations

from bench.labelled import split_of, table
from rag.continuity import coverage, rules


def main() -> None:
    rows = table("plans")
    scored = [(split_of(row["plan"]), coverage(row["plan"], row["fact"]), row["label"] == "yes", row) for row in rows]
    tune = [(score, gold) for half, score, gold, _ in scored if half == "tune"]
    sweep = [f"{t:.2f}: {sum((s >= t) == g for s, g in tune) / len(tune):.3f}" for t in (0.06, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25)]
    print("tune half, accuracy by threshold —", ", ".join(sweep))
    threshold = rules().min_share
    for half in ("tune", "test"):
        chosen = [(score, gold, row) for h, score, gold, row in scored if h == half]
        missed = [row for score, gold, row in chosen if gold and score < threshold]
        false = [row for score, gold, row in chosen if not gold and score >= threshold]
        for row in missed + false:
            print(f"  {half}: {'missed' if row in missed else 'false match'}: {row['plan']} ← {row['fact']}")
        plans = len({row["plan"] for _, _, row in chosen})
        print(f"{half} half: {len(chosen)} pairs, {plans} plans, {sum(g for _, g, _ in chosen)} matching; "
              f"threshold {threshold:.2f}: accuracy {(len(chosen) - len(missed) - len(false)) / len(chosen):.3f}, "
              f"missed {len(missed)}, false matches {len(false)}")


if __name__ == "__main__":
    main()
