"""Run a checklist over a report: weighted score, and every item with status, reason, locations."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from eval.checklist import Checklist, Item
from eval.checks import CHECKS, Document, Location, Outcome
from report import Report
from report.facts import Fact

CREDIT = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
ORDER = {"fail": 0, "warn": 1, "pass": 2, "skip": 3}


@dataclass
class ItemResult:
    """One checklist item's verdict."""

    id: str
    title: str
    status: str  # pass / fail / warn / skip
    severity: str
    weight: float
    reason: str
    locations: list[Location] = field(default_factory=list)


@dataclass
class Scorecard:
    """A report's score against a checklist."""

    score: float
    min_score: float
    items: list[ItemResult]
    source: str = ""

    @property
    def passed(self) -> bool:
        """Whether the score reaches the threshold."""
        return self.score >= self.min_score

    def failures_first(self) -> list[ItemResult]:
        """Items ordered fail, warn, pass, skip (checklist order within each)."""
        return sorted(self.items, key=lambda item: ORDER[item.status])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"source": self.source, "score": self.score, "min_score": self.min_score, "passed": self.passed,
                "items": [asdict(item) for item in self.items]}


def status_of(item: Item, outcome: Outcome) -> str:
    """pass / fail / warn / skip from a check's verdict and the item's severity."""
    if outcome.passed is None:
        return "skip"
    if outcome.passed:
        return "pass"
    return "warn" if item.severity == "warning" or outcome.todo_only else "fail"


def run_item(item: Item, doc: Document, facts: list[Fact] | None) -> ItemResult:
    """Run one item; a check that raises becomes a failed item with the error as its reason."""
    try:
        outcome = CHECKS[item.check](doc, item.params, facts)
    except Exception as error:  # a broken check must not hide the others' verdicts
        outcome = Outcome(False, f"检查出错：{type(error).__name__}: {error}")
    return ItemResult(item.id, item.title, status_of(item, outcome), item.severity, item.weight,
                      outcome.reason, outcome.locations)


def score_report(report: Report, checklist: Checklist, facts: list[Fact] | None = None, source: str = "",
                 chat: Any = None) -> Scorecard:
    """Score ``report``; skipped items do not count towards the weighted score. ``chat`` is the model
    client for checks that need one (the judge); without it they read the environment."""
    doc = Document(report, chat)
    results = [run_item(item, doc, facts) for item in checklist.items]
    counted = [r for r in results if r.status != "skip"]
    total = sum(r.weight for r in counted)
    earned = sum(r.weight * CREDIT[r.status] for r in counted)
    score = round(100.0 * earned / total, 1) if total else 0.0
    return Scorecard(score, checklist.min_score, results, source)
