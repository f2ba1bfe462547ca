"""Where each fact goes: its role (report/intent.py), its theme (rag/themes.yaml) and how sure that is."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.themes import DEFAULT_THEME, keyword_score, topical_themes
from report import Role
from report.facts import Fact
from report.intent import family_why, lexicon, read_intent

_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
_SINCE = re.compile(r"^\s*(以来|至今|起|来|前|—|-|至)")


@dataclass(frozen=True)
class Placement:
    """Where one fact goes and why: role, theme, confidence (0–1) and the reasons in plain words."""

    role: Role
    theme: str
    confidence: float
    reasons: tuple[str, ...]
    labelled: bool = False

    @property
    def unsure(self) -> bool:
        """The secretary should confirm this placement."""
        return not self.labelled and self.confidence < lexicon().low_confidence

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view (the draft JSON and ``rag outline --json``)."""
        return {"role": self.role.value, "theme": self.theme, "confidence": round(self.confidence, 3),
                "unsure": self.unsure, "reasons": list(self.reasons), "labelled": self.labelled}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "Placement":
        """The placement :meth:`to_dict` wrote (a saved draft's outline)."""
        return cls(Role(data["role"]), str(data["theme"]), float(data["confidence"]), tuple(data["reasons"]),
                   bool(data.get("labelled")))


def theme_of(text: str) -> tuple[str, float]:
    """The topical theme whose keywords cover most of ``text``, and its share of all keyword cover."""
    scores = [(keyword_score(text, theme), theme.id) for theme in topical_themes()]
    total = sum(score for score, _ in scores)
    best_score, best = max(scores, key=lambda pair: pair[0])
    if best_score == 0:
        return DEFAULT_THEME, 0.0
    return best, best_score / total


def place(fact: Fact, year: int | None = None) -> Placement:
    """The placement of one fact; a label the secretary typed (存在问题：…) decides the role outright."""
    theme, theme_share = theme_of(fact.text)
    if fact.label is not None:
        return Placement(fact.label, theme, 1.0, ("按所填标签归类",), labelled=True)
    reading = read_intent(fact.text, year)
    reasons = tuple(family_why(name) for name in reading.cues) or ("没有明显的时态或评价用语，按已完成的工作处理",)
    # A fact with no topic words at all is less sure of its place, whatever its role.
    confidence = reading.confidence if theme_share else min(reading.confidence, 0.7)
    return Placement(reading.role, theme, confidence, reasons)


def year_warning(fact: Fact, year: int | None) -> str | None:
    """A note when the fact names a year that is neither the report's nor the next (for plans and
    meetings held early next year), unless the year only marks a starting point (2019年以来)."""
    if year is None:
        return None
    for found in _YEAR.finditer(fact.text):
        named = int(found.group(1))
        if named in (year, year + 1) or _SINCE.match(fact.text[found.end():]) or fact.text[:found.start()].endswith(("自", "从")):
            continue
        return f"事实“{fact.text[:30]}”写的是{named}年，与报告年度{year}年不符，请核对"
    return None
