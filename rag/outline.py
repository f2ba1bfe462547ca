"""Group facts into themes and plan an editable outline (stage 1 and 2 of drafting)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from report import Role
from report.facts import Fact

if TYPE_CHECKING:
    from rag.retrieve import Retriever

THEMES_FILE = Path(__file__).with_name("themes.yaml")
STYLES = {"arabic": "一、 标题下用 1. 2. 3. 条目", "shi": "一、 标题下用 一是、二是、三是 条目"}


@dataclass(frozen=True)
class Theme:
    """A theme of the genre: its role, default heading, lead sentence and keywords."""

    id: str
    role: Role
    heading: str
    lead: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class DraftOptions:
    """The secretary's settings for a draft."""

    unit: str = ""
    year: str = ""
    kind: str = "年度工作总结"
    length: str = "标准"  # 简短 / 标准 / 详细
    include_problems: bool = True
    include_next_steps: bool = True
    style: str = "arabic"  # arabic (1. items) or shi (一是 items)

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"未知的条目格式：{self.style}（可选 {', '.join(STYLES)}）")


@dataclass
class OutlineSection:
    """One planned part: its role, heading, theme and the facts (by index) it will use."""

    role: Role
    heading: str
    theme: str
    facts: list[int] = field(default_factory=list)


@dataclass
class Outline:
    """The plan of a report, for the caller to inspect and edit before drafting."""

    title: str
    sections: list[OutlineSection]

    def with_role(self, role: Role) -> list[OutlineSection]:
        """Planned sections of ``role``, in order."""
        return [section for section in self.sections if section.role == role]


@lru_cache(maxsize=1)
def load_themes() -> tuple[Theme, ...]:
    """The themes of rag/themes.yaml, in order."""
    raw = yaml.safe_load(THEMES_FILE.read_text(encoding="utf-8"))
    return tuple(Theme(t["id"], Role(t["role"]), t["heading"], t["lead"], tuple(t["keywords"])) for t in raw)


def find_theme(theme_id: str) -> Theme | None:
    """The theme with ``theme_id``, or None (a section the secretary added to the outline)."""
    return next((theme for theme in load_themes() if theme.id == theme_id), None)


def theme_by_id(theme_id: str) -> Theme:
    """The theme with ``theme_id`` (one of rag/themes.yaml)."""
    theme = find_theme(theme_id)
    if theme is None:
        raise KeyError(theme_id)
    return theme


def keyword_score(text: str, theme: Theme) -> int:
    """How strongly ``text`` speaks of ``theme``: total length of its keywords found."""
    return sum(len(word) for word in theme.keywords if word in text)


def classify(fact: Fact, retriever: "Retriever | None" = None) -> str:
    """The theme id of a fact: plans and problems first, then the best keyword match,
    then the role and heading of the most similar corpus passage, else "other"."""
    themes = load_themes()
    for special in ("plans", "problems"):
        if keyword_score(fact.text, theme_by_id(special)) > 0:
            return special
    scored = [(keyword_score(fact.text, theme), theme.id) for theme in themes if theme.role == Role.ACHIEVEMENT]
    best = max(scored)
    if best[0] > 0:
        return best[1]
    if retriever is not None:
        for hit in retriever.search(fact.text, k=3, per_report=3):
            if hit.role == Role.PROBLEMS.value:
                return "problems"
            if hit.role == Role.NEXT_STEPS.value:
                return "plans"
            context = f"{hit.section}{hit.text[:80]}"
            by_context = max((keyword_score(context, theme), theme.id) for theme in themes if theme.role == Role.ACHIEVEMENT)
            if by_context[0] > 0:
                return by_context[1]
    return "other"


def plan_outline(facts: list[Fact], options: DraftOptions, retriever: "Retriever | None" = None) -> Outline:
    """Opening, one achievement section per theme that has facts, problems, next steps, closing."""
    groups: dict[str, list[int]] = {}
    for index, fact in enumerate(facts):
        groups.setdefault(classify(fact, retriever), []).append(index)
    wanted = {"problems": options.include_problems, "plans": options.include_next_steps}
    for theme_id, include in wanted.items():
        if not include and theme_id in groups:  # facts are never dropped: keep them under "other"
            groups.setdefault("other", []).extend(groups.pop(theme_id))
    sections = [OutlineSection(Role.OPENING, "开篇概述", "opening")]
    for theme in load_themes():
        if theme.role == Role.ACHIEVEMENT and theme.id in groups:
            sections.append(OutlineSection(Role.ACHIEVEMENT, theme.heading, theme.id, sorted(groups[theme.id])))
    for theme_id, include in wanted.items():
        if include:
            theme = theme_by_id(theme_id)
            sections.append(OutlineSection(theme.role, theme.heading, theme_id, groups.get(theme_id, [])))
    sections.append(OutlineSection(Role.CLOSING, "结束语", "closing"))
    return Outline(report_title(options), sections)


def report_title(options: DraftOptions) -> str:
    """E.g. 机关第一党支部2024年度工作总结."""
    year = options.year.rstrip("年")
    if not year:
        return f"{options.unit}{options.kind}"
    if options.kind.startswith("年度"):
        return f"{options.unit}{year}{options.kind}"
    return f"{options.unit}{year}年{options.kind}"


ROLE_NAMES = {Role.OPENING: "开篇", Role.ACHIEVEMENT: "工作成效", Role.PROBLEMS: "存在问题",
              Role.NEXT_STEPS: "下一步打算", Role.CLOSING: "结尾"}


def outline_rows(outline: Outline) -> list[dict[str, str]]:
    """The outline as table rows for editing: part, heading, fact numbers (1-based)."""
    return [{"部分": ROLE_NAMES[s.role], "标题": s.heading, "事实": "、".join(str(i + 1) for i in s.facts),
             "主题": s.theme} for s in outline.sections]


def outline_from_rows(rows: list[dict[str, str]], title: str, fact_count: int) -> Outline:
    """An outline from edited rows; raises ValueError (Chinese) on a bad fact number or empty heading."""
    by_name = {name: role for role, name in ROLE_NAMES.items()}
    sections = []
    for number, row in enumerate(rows, 1):
        role = by_name.get(str(row.get("部分", "")).strip(), Role.ACHIEVEMENT)
        heading = str(row.get("标题") or "").strip()
        if not heading:
            raise ValueError(f"提纲第 {number} 行的标题为空")
        facts = []
        for piece in re.split(r"[，,、\s]+", str(row.get("事实") or "").strip()):
            if not piece:
                continue
            if not piece.isdigit() or not 1 <= int(piece) <= fact_count:
                raise ValueError(f"提纲第 {number} 行的事实序号“{piece}”无效（应为 1～{fact_count}）")
            facts.append(int(piece) - 1)
        sections.append(OutlineSection(role, heading, str(row.get("主题") or "custom"), facts))
    return Outline(title, sections)
