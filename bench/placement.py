"""Fact placement and report roles on the labelled sets: accuracy, confusion matrices, speed. Prints figures.

Run: ``python -m bench.placement``. The rules (report/intent.yaml, rag/themes.yaml) were tuned on
the ``tune`` half only; the ``test`` half is what to quote. Baselines are printed beside them.
"""
from __future__ import annotations

import statistics
import time
from collections import Counter

from bench import labelled
from rag.placement import place
from report import Role
from report.facts import Fact
from report.roles import numbered_section_role, unnumbered_block_role

YEAR = 2024  # the facts are written as a 2024 report's (2025 is "next year")
ROLES = [role.value for role in (Role.ACHIEVEMENT, Role.PROBLEMS, Role.NEXT_STEPS)]
THEMES = ["study", "organisation", "discipline", "service", "team", "culture", "other"]
BLOCK_ROLES = ROLES + ["none"]


def facts_report(split: str) -> None:
    rows = [row for row in labelled.facts() if row.split == split]
    placements = [place(Fact(row.fields["text"]), YEAR) for row in rows]
    roles = [(row.fields["role"], p.role.value) for row, p in zip(rows, placements)]
    themes = [(row.fields["theme"], p.theme) for row, p in zip(rows, placements)]
    majority = Counter(row.fields["theme"] for row in labelled.facts() if row.split == "tune").most_common(1)[0][0]
    unsure = [(gold, predicted) for (gold, predicted), p in zip(roles, placements) if p.unsure]
    wrong_sure = sum(gold != predicted for (gold, predicted), p in zip(roles, placements) if not p.unsure)
    print(f"\n== facts, {split} half: {len(rows)} facts, {len({r.fields['kind'] for r in rows})} kinds of branch ==")
    print(f"role accuracy   {labelled.accuracy(roles):.3f}   (everything an achievement: "
          f"{labelled.accuracy([(g, 'achievement') for g, _ in roles]):.3f})")
    print(f"theme accuracy  {labelled.accuracy(themes):.3f}   (majority theme '{majority}': "
          f"{labelled.accuracy([(g, majority) for g, _ in themes]):.3f})")
    print(f"marked 请确认    {len(unsure)} facts, of which {sum(g != p for g, p in unsure)} misplaced; "
          f"misplaced without a mark: {wrong_sure}")
    print("role confusion:\n" + labelled.confusion(roles, ROLES))
    print("theme confusion:\n" + labelled.confusion(themes, THEMES))


def blocks_report(split: str) -> None:
    rows = [row for row in labelled.load("roles") if row.split == split]
    pairs = []
    for row in rows:
        text = row.fields["text"]
        if row.fields["kind"] == "heading":
            predicted = numbered_section_role(text, "", YEAR).value
        else:
            role = unnumbered_block_role(text, YEAR)
            predicted = role.value if role else "none"
        pairs.append((row.fields["role"], predicted))
    print(f"\n== report blocks, {split} half: {len(rows)} headings and paragraphs ==")
    print(f"role accuracy   {labelled.accuracy(pairs):.3f}   (everything an achievement/none: "
          f"{labelled.accuracy([(g, 'achievement' if k == 'heading' else 'none') for (g, _), k in zip(pairs, [r.fields['kind'] for r in rows])]):.3f})")
    print("confusion:\n" + labelled.confusion(pairs, BLOCK_ROLES))


def speed() -> None:
    facts = [Fact(row.fields["text"]) for row in labelled.facts()]
    place(facts[0], YEAR)  # load the lexicons
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for fact in facts:
            place(fact, YEAR)
        timings.append((time.perf_counter() - started) / len(facts) * 1000)
    print(f"\n== speed ==\nplacement per fact: {statistics.median(timings):.3f} ms median of 5 passes over {len(facts)} facts")


def main() -> None:
    for split in ("tune", "test"):
        facts_report(split)
    for split in ("tune", "test"):
        blocks_report(split)
    speed()


if __name__ == "__main__":
    main()
