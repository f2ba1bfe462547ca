"""Lines echoed from the prompt (rag/verify.drop_echoes) on labelled model lines written for it
(bench/labelled/echoes.tsv), split by a hash of the line: echoes caught and report lines wrongly
dropped on each half. Each line is checked against what the product sends for a part of its role —
system rules, the part's instructions and a repair request — built from the example facts.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bench.labelled import split_of, table
from eval.proofread import load_lexicon
from rag.draft import example_facts, outline_summary, read_facts
from rag.jobs import SectionJob
from rag.model_writer import repair_prompt
from rag.outline import DraftOptions, plan_outline
from rag.prompting import build_messages, instructions_only
from rag.verify import CopyGuard, Flag, drop_echoes
from report import Role

REPAIR_FLAGS = [Flag("number", "12", "事实中没有的数字"), Flag("missing_fact", "开展主题党日活动12次", "遗漏的事实"),
                Flag("structure", "", "模型在本部分内另起了“一、二、三”级标题，已降为下一级编号")]


@lru_cache(maxsize=1)
def instructions() -> dict[str, str]:
    """For each role, the instructions a model is given for its first part of that role (the facts and
    exemplars fenced off, as the writer does) and a repair request for it."""
    facts = read_facts(example_facts())
    options = DraftOptions(unit="XX医院第三党支部", year="2025")
    outline = plan_outline(facts, options)
    summary = outline_summary(outline)
    said: dict[str, str] = {}
    number = 0
    for part in outline.sections:
        numbered = part.role not in (Role.OPENING, Role.CLOSING)
        number += numbered
        if part.role.value in said:
            continue
        year_facts = () if numbered else tuple(facts)  # the opening and closing summarise the year
        job = SectionJob(part, number if numbered else 0, [facts[i] for i in part.facts], [], options, summary,
                         year_facts, tuple(facts))
        prompt = "\n".join(message["content"] for message in build_messages(job).messages)
        said[part.role.value] = instructions_only(prompt) + "\n" + instructions_only(repair_prompt(job, REPAIR_FLAGS))
    return said


@dataclass
class Half:
    """The echo rule on one half of the labelled lines: the echoes it missed, the report lines it dropped."""

    echoes: int
    report_lines: int
    missed: list[dict[str, str]]
    dropped: list[dict[str, str]]


def judge(half: str) -> Half:
    """Every labelled line of ``half`` through the echo rule, alone, against its role's instructions."""
    said = instructions()
    fixed = CopyGuard([], load_lexicon().terms).formulations
    chosen = [row for row in table("echoes") if split_of(row["line"]) == half]
    caught = {id(row): not drop_echoes([row["line"]], said[row["role"]], fixed)[0] for row in chosen}
    return Half(sum(row["label"] == "echo" for row in chosen), sum(row["label"] == "keep" for row in chosen),
                [row for row in chosen if row["label"] == "echo" and not caught[id(row)]],
                [row for row in chosen if row["label"] == "keep" and caught[id(row)]])


def main() -> None:
    for half in ("tune", "test"):
        result = judge(half)
        for row in result.missed + result.dropped:
            kind = "missed echo" if row in result.missed else "report line dropped"
            print(f"  {half}: {kind} ({row['role']}): {row['line']}")
        found = result.echoes - len(result.missed)
        print(f"{half} half: {result.echoes + result.report_lines} lines ({result.echoes} echoes, {result.report_lines} "
              f"report lines): echoes caught {found}/{result.echoes} ({found / result.echoes:.3f}), "
              f"report lines dropped {len(result.dropped)}/{result.report_lines}")


if __name__ == "__main__":
    main()
