"""Drafting: facts → themes → outline → section by section (retrieve, prompt, write, parse)."""
from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from core.llm import LLMError
from rag.offline import SectionJob
from rag.outline import DraftOptions, Outline, OutlineSection, plan_outline
from rag.progress import Progress, SilentProgress
from report import Report, Role, Section, parse_text, section_text, to_text
from rag.placement import year_warning
from report.facts import MAX_FACT_CHARS, Fact, FactSheet, parse_facts, read_fact_sheet
from report.numbering import Style, format_marker
from report.parse import strip_markdown

if TYPE_CHECKING:
    from rag.retrieve import Hit, Retriever

MAX_FACTS = 200
MAX_CHARS_PER_FACT = 500
EXEMPLARS_PER_SECTION = 3


class DraftInputError(ValueError):
    """The facts cannot be drafted from (empty, too long …); the message says why, in Chinese."""


class Writer(Protocol):
    """Writes one part of a report: the offline engine or an LLM."""

    label: str
    offline: bool
    warnings: list[str]

    def write(self, job: SectionJob): ...


@dataclass(frozen=True)
class Source:
    """A corpus passage a part was written with."""

    report: str
    section: str
    role: str
    excerpt: str

    @classmethod
    def from_hit(cls, hit: Hit) -> "Source":
        return cls(hit.report, hit.section, hit.role, hit.text[:160])


@dataclass
class Draft:
    """A drafted report with its outline, facts, engine label and the sources of every part."""

    report: Report
    outline: Outline | None
    facts: list[Fact]
    options: DraftOptions
    engine: str
    offline: bool
    sources: dict[str, list[Source]] = field(default_factory=dict)  # "opening", "closing", "0", "1", …
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    llm_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: title, parts with text, role and sources."""
        parts = []
        if self.report.opening:
            parts.append({"key": "opening", "role": "opening", "heading": "开篇", "text": "\n".join(self.report.opening),
                          "sources": [asdict(s) for s in self.sources.get("opening", [])]})
        for index, section in enumerate(self.report.sections):
            parts.append({"key": str(index), "role": section.role.value, "heading": section.title,
                          "text": section_text(section), "sources": [asdict(s) for s in self.sources.get(str(index), [])]})
        if self.report.closing:
            parts.append({"key": "closing", "role": "closing", "heading": "结尾", "text": "\n".join(self.report.closing),
                          "sources": [asdict(s) for s in self.sources.get("closing", [])]})
        placements = self.outline.placements if self.outline else []
        return {"title": self.report.title, "engine": self.engine, "offline": self.offline,
                "facts": [fact.text for fact in self.facts],
                "placements": [{"fact": fact.text, **p.to_dict()} for fact, p in zip(self.facts, placements)],
                "warnings": self.warnings, "sections": parts,
                "text": to_text(self.report)}


def sources_to_json(sources: dict[str, list[Source]]) -> dict[str, list[dict[str, str]]]:
    """Sources as plain dicts, for saving."""
    return {key: [asdict(source) for source in items] for key, items in sources.items()}


def restore_draft(text: str, sources: dict[str, list[dict[str, str]]], facts_text: str, options: dict[str, Any],
                  engine: str, offline: bool) -> Draft:
    """A draft rebuilt from its saved text and metadata (the outline is not kept)."""
    known = {name for name in DraftOptions.__dataclass_fields__}
    return Draft(parse_text(text), None, parse_facts(facts_text), DraftOptions(**{k: v for k, v in options.items() if k in known}),
                 engine, offline, {key: [Source(**item) for item in items] for key, items in sources.items()})


class DraftError(RuntimeError):
    """Drafting stopped (e.g. the LLM failed after retries); ``draft`` holds what was written."""

    def __init__(self, message: str, draft: Draft) -> None:
        super().__init__(message)
        self.draft = draft


def read_sheet(text: str) -> FactSheet:
    """Validate and split the secretary's facts, with the lines left out of them."""
    if not text or not text.strip():
        raise DraftInputError("请先填写本年度的工作事实（一行一条）")
    if len(text) > MAX_FACT_CHARS:
        raise DraftInputError(f"事实内容过长（{len(text)} 字），上限 {MAX_FACT_CHARS} 字，请精简后再起草")
    sheet = read_fact_sheet(text)
    for number, fact in enumerate(sheet.facts, 1):
        if len(fact.text) > MAX_CHARS_PER_FACT:
            raise DraftInputError(f"第 {number} 条事实有 {len(fact.text)} 字，每条上限 {MAX_CHARS_PER_FACT} 字："
                                  "请一行写一件事，长段落拆成几条")
    if not sheet.facts:
        raise DraftInputError("没有可用的工作事实：" + "；".join(f"第 {s.line} 行{s.reason}" for s in sheet.skipped))
    if len(sheet.facts) > MAX_FACTS:
        raise DraftInputError(f"事实条数过多（{len(sheet.facts)} 条），上限 {MAX_FACTS} 条")
    return sheet


def read_facts(text: str) -> list[Fact]:
    """Validate and split the secretary's facts."""
    return read_sheet(text).facts


def fact_notes(sheet: FactSheet, year: int | None) -> list[str]:
    """What the secretary should know about the facts: lines left out, years that do not fit."""
    notes = [f"第 {line.line} 行“{line.text[:30]}”{line.reason}" for line in sheet.skipped]
    notes += [note for note in (year_warning(fact, year) for fact in sheet.facts) if note]
    return notes


def outline_summary(outline: Outline) -> str:
    """The achievement headings, one a line (for prompts and the opening)."""
    return "\n".join(s.heading for s in outline.sections if s.role == Role.ACHIEVEMENT)


def exemplar_query(part: OutlineSection, facts: list[Fact]) -> str:
    return (part.heading + " " + " ".join(fact.text for fact in facts))[:200]


def clean_answer(text: str, heading_line: str) -> str:
    """Strip code fences and Markdown, and a repeated heading line, from a model's answer."""
    text = re.sub(r"^```\w*\s*|```\s*$", "", text.strip(), flags=re.M)
    lines = [line.strip() for line in strip_markdown(text).splitlines() if line.strip()]
    if lines and heading_line:
        repeated = lines[0].lstrip("一二三四五六七八九十、").rstrip("。：:")
        if lines[0] == heading_line or (len(repeated) >= 4 and heading_line.endswith(repeated)):
            lines = lines[1:]
    return "\n".join(lines)


def section_from_text(text: str, heading_line: str, role: Role) -> Section:
    """Parse one written part into a section with the planned heading and role."""
    parsed = parse_text(f"{heading_line}\n{text}")
    section = parsed.sections[0]
    for extra in parsed.sections[1:]:
        section.paragraphs.extend(section_text(extra).splitlines())
    section.paragraphs.extend(parsed.closing)
    for _, node in section.walk():
        node.role = role
    return section


def draft_report(
    facts_text: str,
    options: DraftOptions,
    retriever: Retriever,
    writer: Writer,
    progress: Progress | None = None,
    outline: Outline | None = None,
) -> Draft:
    """Draft a whole report. Raises DraftInputError on bad facts, DraftError (with the partial draft) on LLM failure."""
    progress = progress or SilentProgress()
    started = time.perf_counter()
    sheet = read_sheet(facts_text)
    facts = sheet.facts
    if outline is None:
        progress.stage("归类事实")
        outline = plan_outline(facts, options)
    progress.stage("生成提纲")
    report = Report(title=outline.title)
    draft = Draft(report, outline, facts, options, writer.label, writer.offline, warnings=fact_notes(sheet, options.year_number))
    summary = outline_summary(outline)
    achievements = tuple(facts[i] for part in outline.with_role(Role.ACHIEVEMENT) for i in part.facts if 0 <= i < len(facts))
    number, total = 0, len(outline.sections)
    noted = len(writer.warnings)
    for index, part in enumerate(outline.sections, 1):
        part_facts = [facts[i] for i in part.facts if 0 <= i < len(facts)]
        hits = retriever.search(exemplar_query(part, part_facts), k=EXEMPLARS_PER_SECTION, role=part.role.value)
        numbered = part.role not in (Role.OPENING, Role.CLOSING)
        number += numbered
        job = SectionJob(part, number if numbered else 0, part_facts, hits, options, summary,
                         () if numbered else achievements)
        heading_line = f"{format_marker(Style.CN, number)}{part.heading}" if numbered else ""
        progress.section_start(index, total, heading_line or part.heading)
        pieces: list[str] = []
        waited = time.perf_counter()
        try:
            for piece in writer.write(job):
                pieces.append(piece)
                progress.token(piece)
        except LLMError as error:
            draft.llm_seconds += time.perf_counter() - waited
            partial = "".join(pieces) or error.partial
            if partial:
                _attach(draft, part, clean_answer(partial, heading_line), heading_line, hits)
            draft.warnings.append(f"“{heading_line or part.heading}”未写完：{error}")
            draft.seconds = time.perf_counter() - started
            raise DraftError(f"起草到“{heading_line or part.heading}”时出错：{error}", draft) from error
        draft.llm_seconds += time.perf_counter() - waited if not writer.offline else 0.0
        text = "".join(pieces) if writer.offline else clean_answer("".join(pieces), heading_line)
        _attach(draft, part, text, heading_line, hits)
        progress.section_end(index, total)
    draft.warnings.extend(writer.warnings[noted:])
    draft.seconds = time.perf_counter() - started
    return draft


def _attach(draft: Draft, part: OutlineSection, text: str, heading_line: str, hits: list[Hit]) -> None:
    """Add one written part to the draft's report, with its sources."""
    sources = [Source.from_hit(hit) for hit in hits]
    lines = [line for line in text.splitlines() if line.strip()]
    if part.role == Role.OPENING:
        draft.report.opening = lines
        draft.sources["opening"] = sources
    elif part.role == Role.CLOSING:
        draft.report.closing = lines
        draft.sources["closing"] = sources
    else:
        draft.sources[str(len(draft.report.sections))] = sources
        draft.report.sections.append(section_from_text("\n".join(lines), heading_line, part.role))


def example_facts() -> str:
    """The example facts behind the page's "载入示例" button."""
    from core.config import PROJECT_ROOT

    return (PROJECT_ROOT / "examples" / "facts.txt").read_text(encoding="utf-8")
