"""Group facts into themes and plan an editable outline (stage 1 and 2 of drafting)."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from rag.placement import Placement, place
from rag.themes import load_themes, theme_by_id
from report import ROLE_LABELS, Role
from report.facts import Fact

STYLES = {"arabic": "一、 标题下用 1. 2. 3. 条目", "shi": "一、 标题下用 一是、二是、三是 条目"}


def parse_year(text: str) -> str:
    """A report year as typed (2024 or 2024年) checked to be four digits; "" stays "". ValueError (Chinese) otherwise."""
    digits = text.strip().rstrip("年").strip()
    if digits and not (digits.isdigit() and len(digits) == 4 and 1990 <= int(digits) <= 2100):
        raise ValueError(f"年度应为四位年份（如 2024），而不是“{text.strip()[:20]}”")
    return digits


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

    @property
    def year_number(self) -> int | None:
        """The report's year as a number, if one was given."""
        digits = self.year.rstrip("年").strip()
        return int(digits) if digits.isdigit() and len(digits) == 4 else None


@dataclass
class OutlineSection:
    """One planned part: its role, heading, theme and the facts (by index) it will use."""

    role: Role
    heading: str
    theme: str
    facts: list[int] = field(default_factory=list)


ROLE_THEMES = {Role.PROBLEMS: "problems", Role.NEXT_STEPS: "plans"}


@dataclass
class Outline:
    """The plan of a report, for the caller to inspect and edit before drafting; ``placements`` say
    why each fact (by index) went where it did."""

    title: str
    sections: list[OutlineSection]
    placements: list[Placement] = field(default_factory=list)

    def with_role(self, role: Role) -> list[OutlineSection]:
        """Planned sections of ``role``, in order."""
        return [section for section in self.sections if section.role == role]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view, saved with a draft so that reopening it restores the outline."""
        return {"title": self.title,
                "sections": [{"role": s.role.value, "heading": s.heading, "theme": s.theme, "facts": list(s.facts)}
                             for s in self.sections],
                "placements": [placement.to_dict() for placement in self.placements]}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "Outline":
        """The outline :meth:`to_dict` wrote."""
        sections = [OutlineSection(Role(s["role"]), s["heading"], s["theme"], list(s["facts"])) for s in data["sections"]]
        return cls(str(data["title"]), sections, [Placement.from_dict(p) for p in data.get("placements", [])])


def plan_outline(facts: list[Fact], options: DraftOptions) -> Outline:
    """Opening, one achievement section per theme that has facts, problems, next steps, closing.

    Each fact is placed by its meaning (rag/placement.py); a problem or plan whose section is
    switched off is kept among the achievements of its theme — no fact is ever dropped.
    """
    year = options.year_number
    placements = [place(fact, year) for fact in facts]
    wanted = {Role.PROBLEMS: options.include_problems, Role.NEXT_STEPS: options.include_next_steps}
    groups: dict[str, list[int]] = {}
    for index, placement in enumerate(placements):
        key = ROLE_THEMES[placement.role] if wanted.get(placement.role, False) else placement.theme
        groups.setdefault(key, []).append(index)
    sections = [OutlineSection(Role.OPENING, "开篇概述", "opening")]
    for theme in load_themes():
        if theme.role == Role.ACHIEVEMENT and theme.id in groups:
            sections.append(OutlineSection(Role.ACHIEVEMENT, theme.heading, theme.id, groups[theme.id]))
    for role, include in wanted.items():
        if include:
            theme = theme_by_id(ROLE_THEMES[role])
            sections.append(OutlineSection(role, theme.heading, theme.id, groups.get(theme.id, [])))
    sections.append(OutlineSection(Role.CLOSING, "结束语", "closing"))
    return Outline(report_title(options), sections, placements)


def report_title(options: DraftOptions) -> str:
    """E.g. 机关第一党支部2024年度工作总结."""
    year = options.year.rstrip("年")
    if not year:
        return f"{options.unit}{options.kind}"
    if options.kind.startswith("年度"):
        return f"{options.unit}{year}{options.kind}"
    return f"{options.unit}{year}年{options.kind}"



BODY_ROLES = (Role.ACHIEVEMENT, Role.PROBLEMS, Role.NEXT_STEPS)


def part_label(index: int, section: OutlineSection) -> str:
    """How a part is named where a fact is moved to it: its row number and heading."""
    return f"{index + 1}. {section.heading}"


def outline_rows(outline: Outline) -> list[dict[str, str]]:
    """The parts of the outline as table rows for editing: part, heading (and the hidden theme)."""
    return [{"部分": ROLE_LABELS[s.role], "标题": s.heading, "主题": s.theme} for s in outline.sections]


def placement_note(placement: Placement | None) -> str:
    """How sure a placement is, in words for the outline table."""
    if placement is None:
        return ""
    if placement.labelled:
        return "按所填标签"
    if placement.unsure:
        return f"请确认（把握 {placement.confidence:.0%}）：{placement.reasons[0]}"
    return f"把握 {placement.confidence:.0%}"


def fact_rows(outline: Outline, facts: list[Fact]) -> list[dict[str, str]]:
    """One row a fact: its number, text, the part it goes to and how sure that is."""
    where = {index: part_label(number, section) for number, section in enumerate(outline.sections)
             for index in section.facts}
    return [{"序号": str(index + 1), "事实": fact.text, "归入": where.get(index, ""),
             "把握": placement_note(outline.placements[index] if index < len(outline.placements) else None)}
            for index, fact in enumerate(facts)]


def part_choices(part_rows: list[dict[str, str]]) -> list[str]:
    """The parts a fact may be moved to (body parts only), as labels."""
    sections = _sections_from_rows(part_rows)
    return [part_label(number, section) for number, section in enumerate(sections) if section.role in BODY_ROLES]


def _text(value: object) -> str:
    """A table cell as text: an emptied cell is "", never "None"."""
    return "" if value is None else str(value).strip()


def _sections_from_rows(part_rows: list[dict[str, str]]) -> list[OutlineSection]:
    by_name = {name: role for role, name in ROLE_LABELS.items()}
    sections = []
    for number, row in enumerate(part_rows, 1):
        heading = _text(row.get("标题"))
        if not heading:
            raise ValueError(f"提纲第 {number} 行的标题为空")
        role = by_name.get(_text(row.get("部分")), Role.ACHIEVEMENT)
        sections.append(OutlineSection(role, heading, _text(row.get("主题")) or "custom"))
    return sections


def _target(choice: str, sections: list[OutlineSection]) -> int | None:
    """The part a fact's "归入" cell names: by its exact label, else its heading (rows were removed),
    else its number (the heading was edited)."""
    labels = [part_label(number, section) for number, section in enumerate(sections)]
    if choice in labels:
        return labels.index(choice)
    found = re.match(r"\s*(\d+)\.\s*(.*)", choice)
    if not found:
        return None
    headings = [section.heading for section in sections]
    if found.group(2) in headings:
        return headings.index(found.group(2))
    number = int(found.group(1)) - 1
    return number if 0 <= number < len(sections) else None


def current_choice(choice: str, part_rows: list[dict[str, str]]) -> str | None:
    """The label a fact's "归入" value stands for after the parts were edited (see :func:`_target`)."""
    sections = _sections_from_rows(part_rows)
    number = _target(choice, sections)
    return None if number is None else part_label(number, sections[number])


def outline_from_tables(part_rows: list[dict[str, str]], fact_table: list[dict[str, str]], title: str,
                        placements: list[Placement]) -> Outline:
    """An outline from the edited parts and facts tables; ValueError (Chinese) on an empty heading or a
    fact that goes to no body part."""
    sections = _sections_from_rows(part_rows)
    for index, row in enumerate(fact_table):
        number = _target(_text(row.get("归入")), sections)
        if number is None or sections[number].role not in BODY_ROLES:
            raise ValueError(f"第 {index + 1} 条事实“{_text(row.get('事实'))[:20]}”没有归入正文的某一部分，请在“归入”一栏选择")
        sections[number].facts.append(index)
    return Outline(title, sections, placements)


@dataclass
class OutlinePlan:
    """An outline being edited on the page: its parts table, each fact's row (with the part it goes
    to), the facts it was planned from, and the notes about them. Each plan has its own id, so the
    widgets of a new plan never receive the values of an old one's."""

    title: str
    parts: list[dict[str, str]]
    facts: list[dict[str, str]]
    facts_text: str
    placements: list[Placement]
    notes: list[str]
    plan: str = field(default_factory=lambda: secrets.token_hex(4))

    @classmethod
    def of(cls, facts: list[Fact], options: DraftOptions, facts_text: str, notes: list[str]) -> "OutlinePlan":
        """A new plan of the facts."""
        return cls.edit(plan_outline(facts, options), facts, facts_text, notes)

    @classmethod
    def edit(cls, outline: Outline, facts: list[Fact], facts_text: str, notes: list[str] = ()) -> "OutlinePlan":
        """A plan to edit ``outline`` (a new one, or the one a saved draft was written from)."""
        return cls(outline.title, outline_rows(outline), fact_rows(outline, facts), facts_text, outline.placements,
                   list(notes))

    def choices(self) -> dict[str, str]:
        """Each fact's "归入" box (by widget key) set to the part the plan puts it in."""
        return {self.key(index): row["归入"] for index, row in enumerate(self.facts)}

    @property
    def editor_key(self) -> str:
        return f"outline_editor_{self.plan}"

    def key(self, index: int) -> str:
        """The widget key of fact ``index``'s "归入" box."""
        return f"place_{self.plan}_{index}"

    def unsure(self) -> list[dict[str, str]]:
        return [row for row in self.facts if row["把握"].startswith("请确认")]

    def outline(self, part_rows: list[dict[str, str]], choices: dict[int, str]) -> Outline:
        """The outline as edited: the parts table and each fact's chosen part (ValueError in Chinese)."""
        table = [{**row, "归入": choices.get(index, "")} for index, row in enumerate(self.facts)]
        return outline_from_tables(part_rows, table, self.title, self.placements)
