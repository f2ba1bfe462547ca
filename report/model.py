"""The report model shared by retrieval, drafting, evaluation, the app and export."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterator

from report.numbering import Marker


class Role(str, Enum):
    """What a block of a report does, assigned by meaning rather than position."""

    OPENING = "opening"
    ACHIEVEMENT = "achievement"
    PROBLEMS = "problems"
    NEXT_STEPS = "next_steps"
    CLOSING = "closing"


ROLE_LABELS: dict[Role, str] = {
    Role.OPENING: "开篇概述",
    Role.ACHIEVEMENT: "工作成效",
    Role.PROBLEMS: "存在问题",
    Role.NEXT_STEPS: "下一步打算",
    Role.CLOSING: "结尾",
}


@dataclass
class Section:
    """A numbered (or labelled) block: its own line, free paragraphs and sub-items.

    ``heading`` and ``body`` are the exact text of the block's line after the marker:
    ``heading`` is the title sentence (may be empty), ``body`` the rest of the line before
    any inline items. ``inline`` children (一是… inside the parent's line) are rendered on
    the parent's line; the others on lines of their own.
    """

    marker: Marker | None
    heading: str
    body: str = ""
    role: Role = Role.ACHIEVEMENT
    inline: bool = False
    paragraphs: list[str] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The heading for display: marker plus heading without end punctuation."""
        prefix = self.marker.text if self.marker else ""
        text = self.heading.rstrip("。：:；;，, ")
        if not text and self.marker is None:
            text = ROLE_LABELS[self.role]
        return prefix + text

    def walk(self, depth: int = 1) -> Iterator[tuple[int, "Section"]]:
        """Yield (depth, section) for this section and every descendant in order."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class Report:
    """A whole report: optional title, opening paragraphs, sections, closing paragraphs."""

    title: str = ""
    opening: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[int, Section]]:
        """Every section at every depth, in document order."""
        for section in self.sections:
            yield from section.walk()

    def roles(self) -> set[Role]:
        """The roles present in the report."""
        found = {section.role for section in self.sections}
        if self.opening:
            found.add(Role.OPENING)
        if self.closing:
            found.add(Role.CLOSING)
        return found

    def sections_with_role(self, role: Role) -> list[Section]:
        """Top-level sections with ``role``."""
        return [section for section in self.sections if section.role == role]
