"""What a writer is given for one part of the report, and what it hands back."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.outline import DraftOptions, OutlineSection
from report import Role
from report.facts import Fact
from report.numbering import Style, format_marker

if TYPE_CHECKING:
    from rag.retrieve import Hit
    from rag.verify import CopyGuard, Flag


@dataclass(frozen=True)
class SectionJob:
    """Everything a writer needs for one part of the report."""

    part: OutlineSection
    number: int  # its 一、二、 number, 0 for opening and closing
    facts: list[Fact]
    exemplars: list[Hit]
    options: DraftOptions
    outline_text: str
    year_facts: tuple[Fact, ...] = ()  # for the opening and closing: the year's achievements, to summarise
    all_facts: tuple[Fact, ...] = ()  # every fact of the report: a model's numbers and honours must come from them
    guard: CopyGuard | None = None  # the corpus, for spans a model copied

    @property
    def numbered(self) -> bool:
        return self.part.role not in (Role.OPENING, Role.CLOSING)

    @property
    def heading_line(self) -> str:
        """The part's heading line as written in the report (一、…), empty for the opening and closing."""
        return f"{format_marker(Style.CN, self.number)}{self.part.heading}" if self.numbered else ""


@dataclass
class Usage:
    """Model calls and tokens of a part or a draft; ``estimated`` when some count came from tiktoken."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False

    def add(self, other: "Usage") -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.estimated = self.estimated or other.estimated


@dataclass
class Written:
    """One written part: its text (no heading line), flags, model usage, repair calls and echoed lines dropped."""

    text: str
    flags: list[Flag] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    repairs: int = 0
    echoes: int = 0
