"""Last year's report and this year's facts: which of last year's plans (its next-steps items) the facts
show were carried out, and which are still open — offered as 【待补充】 prompts, never written as done."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from rag.outline import Outline
from rag.placement import place, theme_of
from report import Report, Role, Section
from report.facts import Fact
from report.fidelity import bigrams

RULES_FILE = Path(__file__).with_name("continuity.yaml")
PLAN_CHARS = 60  # a plan is shown (and matched) by its first sentence, at most this long
_SENTENCE_END = re.compile(r"[。；;！!]")


@dataclass(frozen=True)
class Rules:
    min_share: float
    generic: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return Rules(float(data["min_share"]), tuple(sorted(data["generic"], key=len, reverse=True)))


@dataclass
class PreviousPlan:
    """One of last year's plans: ``addressed`` when this year's facts show it was carried out (those
    facts listed), else ``open``."""

    plan: str
    status: str
    facts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "PreviousPlan":
        return cls(str(data["plan"]), str(data["status"]), list(data.get("facts", [])))


def _first_sentence(text: str) -> str:
    found = _SENTENCE_END.search(text)
    sentence = text[: found.start()] if found else text
    return sentence.strip()[:PLAN_CHARS]


def _item_text(item: Section) -> str:
    """An item as a plan: its heading with the first sentence of its body (一是夯基础。以提升组织力为重点…)."""
    heading = item.heading.rstrip("。：:；; ")
    body = _first_sentence(item.body or (item.paragraphs[0] if item.paragraphs else ""))
    return (f"{heading}，{body}" if heading and len(heading) < 12 and body else heading or body)[:PLAN_CHARS]


def plan_items(report: Report) -> list[str]:
    """The plans in a report's next-steps sections: each item, or each paragraph when it has none."""
    plans = []
    for section in report.sections:
        if section.role != Role.NEXT_STEPS:
            continue
        if section.children:
            plans += [_item_text(child) for child in section.children]
        else:
            plans += [_first_sentence(paragraph) for paragraph in section.paragraphs]
    return [plan for plan in plans if plan]


def _content(text: str) -> set[str]:
    for word in rules().generic:
        text = text.replace(word, " ")
    return bigrams(text)


def _share(wanted: set[str], found: set[str]) -> float:
    return len(wanted & found) / len(wanted) if wanted else 0.0


def coverage(plan: str, fact: str) -> float:
    """Share of the plan's content bigrams that the fact has too (0–1)."""
    return _share(_content(plan), _content(fact))


def match_plans(plans: list[str], facts: list[Fact], year: int | None = None) -> list[PreviousPlan]:
    """Each plan with the facts that carry it out: work done this year (a fact placed as an achievement —
    a problem or another plan shows nothing done) covering at least ``min_share`` of the plan."""
    done = [(fact.text, _content(fact.text)) for fact in facts if place(fact, year).role == Role.ACHIEVEMENT]
    found = []
    for plan in plans:
        wanted = _content(plan)  # each text's bigrams once, not once a pair
        matching = [text for text, grams in done if _share(wanted, grams) >= rules().min_share]
        found.append(PreviousPlan(plan, "addressed" if matching else "open", matching))
    return found


def open_prompt(plan: PreviousPlan) -> str:
    """The line an open plan leaves in the draft for the secretary."""
    return f"【待补充：去年计划“{plan.plan}”，今年落实情况如何？未落实可写入存在问题】"


def open_prompts(plans: list[PreviousPlan], outline: Outline, facts: list[Fact]) -> dict[int, list[str]]:
    """Where each open plan is offered, by outline part: the achievement part of the plan's theme, else
    the achievement part whose facts come closest to it, else the first body part."""
    body = [Role.ACHIEVEMENT, Role.PROBLEMS, Role.NEXT_STEPS]
    parts = ([i for i, s in enumerate(outline.sections) if s.role == Role.ACHIEVEMENT]
             or [i for i, s in enumerate(outline.sections) if s.role in body])
    offered: dict[int, list[str]] = {}
    for plan in plans:
        if plan.status != "open" or not parts:
            continue
        theme, _ = theme_of(plan.plan)
        same = [i for i in parts if outline.sections[i].theme == theme]
        target = same[0] if same else max(parts, key=lambda i: max(
            (coverage(plan.plan, facts[f].text) for f in outline.sections[i].facts if f < len(facts)), default=0.0))
        offered.setdefault(target, []).append(open_prompt(plan))
    return offered
