"""Drafting: facts → themes → outline → section by section (retrieve, prompt, write, parse)."""
from __future__ import annotations

import copy
import queue
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Generator, Protocol

from core.llm import LLMError, drain
from core.prompts import prompt_version
from rag.continuity import PreviousPlan, match_plans, open_prompts, plan_items
from rag.jobs import SectionJob, Usage, Written
from rag.outline import DraftOptions, Outline, OutlineSection, plan_outline
from rag.progress import Progress, SilentProgress
from report import Report, Role, Section, parse_text, section_text, to_text
from rag.placement import year_warning
from report.facts import MAX_FACT_CHARS, Fact, FactSheet, parse_facts, read_fact_sheet
from report.numbering import Style, format_marker
from report.parse import strip_markdown

if TYPE_CHECKING:
    from rag.retrieve import Hit, Retriever
    from rag.verify import CopyGuard, Flag

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

    def write(self, job: SectionJob) -> Generator[str, None, Written]:
        """Yield text as it is written (for progress); return the finished part."""
        ...


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
    flags: dict[str, list[Flag]] = field(default_factory=dict)  # by part key, as sources
    usage: Usage = field(default_factory=Usage)
    repairs: int = 0  # repair calls made
    echoes: int = 0  # lines echoed from the prompt that were dropped
    prompt_version: str = field(default_factory=prompt_version)
    previous_plans: list[PreviousPlan] = field(default_factory=list)  # last year's plans, addressed or open

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: title, parts with text, role, sources and flags; model usage and repairs."""
        parts = []
        if self.report.opening:
            parts.append(self._part("opening", "opening", "开篇", "\n".join(self.report.opening)))
        for index, section in enumerate(self.report.sections):
            parts.append(self._part(str(index), section.role.value, section.title, section_text(section)))
        if self.report.closing:
            parts.append(self._part("closing", "closing", "结尾", "\n".join(self.report.closing)))
        placements = self.outline.placements if self.outline else []
        return {"title": self.report.title, "engine": self.engine, "offline": self.offline,
                "prompt_version": None if self.offline else self.prompt_version,
                "facts": [fact.text for fact in self.facts],
                "placements": [{"fact": fact.text, **p.to_dict()} for fact, p in zip(self.facts, placements)],
                "warnings": self.warnings, "sections": parts,
                "flags": sum(len(flags) for flags in self.flags.values()),
                "usage": {**asdict(self.usage), "repair_calls": self.repairs, "echoed_lines_removed": self.echoes},
                "previous_plans": [plan.to_dict() for plan in self.previous_plans],
                "text": to_text(self.report)}

    def meta(self) -> dict[str, Any]:
        """What drafting recorded besides text and sources, for the history: flags, usage, repairs, prompt version."""
        return {"flags": {key: [flag.to_dict() for flag in flags] for key, flags in self.flags.items()},
                "usage": asdict(self.usage), "repairs": self.repairs, "echoes": self.echoes,
                "prompt_version": self.prompt_version,
                "outline": self.outline.to_dict() if self.outline else None,
                "previous_plans": [plan.to_dict() for plan in self.previous_plans]}

    def _part(self, key: str, role: str, heading: str, text: str) -> dict[str, Any]:
        return {"key": key, "role": role, "heading": heading, "text": text,
                "sources": [asdict(s) for s in self.sources.get(key, [])],
                "flags": [flag.to_dict() for flag in self.flags.get(key, [])]}


def sources_to_json(sources: dict[str, list[Source]]) -> dict[str, list[dict[str, str]]]:
    """Sources as plain dicts, for saving."""
    return {key: [asdict(source) for source in items] for key, items in sources.items()}


def restore_draft(text: str, sources: dict[str, list[dict[str, str]]], facts_text: str, options: dict[str, Any],
                  engine: str, offline: bool, meta: dict[str, Any] | None = None) -> Draft:
    """A draft rebuilt from its saved text and metadata (with its outline, when one was saved)."""
    from rag.verify import Flag

    known = {name for name in DraftOptions.__dataclass_fields__}
    meta = meta or {}
    draft = Draft(parse_text(text), None, parse_facts(facts_text), DraftOptions(**{k: v for k, v in options.items() if k in known}),
                  engine, offline, {key: [Source(**item) for item in items] for key, items in sources.items()})
    draft.flags = {key: [Flag.from_dict(item) for item in items] for key, items in meta.get("flags", {}).items()}
    draft.usage = Usage(**meta.get("usage", {}))
    draft.repairs, draft.echoes = meta.get("repairs", 0), meta.get("echoes", 0)
    draft.prompt_version = meta.get("prompt_version", draft.prompt_version)
    draft.outline = Outline.from_dict(meta["outline"]) if meta.get("outline") else None
    draft.previous_plans = [PreviousPlan.from_dict(item) for item in meta.get("previous_plans", [])]
    return draft


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


def item_style(section: Section) -> Style:
    """The numbering style of the section's items (default 1.)."""
    styles = [child.marker.style for child in section.children if child.marker]
    return styles[0] if styles else Style.ARABIC


def append_items(section: Section, texts: list[str]) -> Section:
    """A copy of the section with one numbered item a text after its items, in their style."""
    new = copy.deepcopy(section)
    style = item_style(section)
    for text in texts:
        number = sum(1 for child in new.children if child.marker and child.marker.style == style) + 1
        new.children.append(section_from_text("", f"{format_marker(style, number)}{text}", section.role))
    return new


@dataclass
class _Outcome:
    """What became of one part: written, or failed with whatever text arrived."""

    written: Written | None = None
    error: LLMError | None = None
    partial: str = ""


def draft_report(
    facts_text: str,
    options: DraftOptions,
    retriever: Retriever,
    writer: Writer,
    progress: Progress | None = None,
    outline: Outline | None = None,
    previous: Report | None = None,
) -> Draft:
    """Draft a whole report, up to ``writer.concurrency`` parts at once, in the outline's order.
    With last year's report (``previous``), its plans are matched with the facts; each open one is left
    as a 【待补充】 prompt in the part it belongs to.

    Raises DraftInputError on bad facts, DraftError (with every part that was written, and the parts
    that failed marked 【待补充】) when a model call fails."""
    progress = progress or SilentProgress()
    started = time.perf_counter()
    sheet = read_sheet(facts_text)
    facts = sheet.facts
    if outline is None:
        progress.stage("归类事实")
        outline = plan_outline(facts, options)
    progress.stage("生成提纲")
    draft = Draft(Report(title=outline.title), outline, facts, options, writer.label, writer.offline,
                  warnings=fact_notes(sheet, options.year_number))
    if previous is not None:
        draft.previous_plans = match_plans(plan_items(previous), facts, options.year_number)
    prompts = open_prompts(draft.previous_plans, outline, facts)
    jobs = _jobs(outline, facts, options, retriever, None if writer.offline else retriever.copy_guard())
    noted = len(writer.warnings)
    waited = time.perf_counter()
    outcomes = _run(jobs, writer, progress, max(1, getattr(writer, "concurrency", 1)))
    if not writer.offline:
        draft.llm_seconds = time.perf_counter() - waited
    failed = []
    for number, (job, outcome) in enumerate(zip(jobs, outcomes)):
        name = job.heading_line or job.part.heading
        if outcome.written is not None:
            _attach(draft, job, outcome.written, prompts.get(number, []))
            continue
        failed.append(f"“{name}”：{outcome.error}")
        partial = clean_answer(outcome.partial, job.heading_line) if outcome.partial else ""
        _attach(draft, job, Written(partial + ("\n" if partial else "") + f"【待补充：本部分起草中断（{outcome.error}），请重新起草或补写】"))
    draft.warnings.extend(writer.warnings[noted:])
    draft.seconds = time.perf_counter() - started
    if failed:
        draft.warnings.extend(f"{item}，已保留写出的部分" for item in failed)
        raise DraftError(f"有 {len(failed)} 个部分未写完：" + "；".join(failed), draft)
    return draft


def _jobs(outline: Outline, facts: list[Fact], options: DraftOptions, retriever: Retriever,
          guard: CopyGuard | None) -> list[SectionJob]:
    """One job per part of the outline, with its exemplars retrieved and its 一、二、 number."""
    summary = outline_summary(outline)
    achievements = tuple(facts[i] for part in outline.with_role(Role.ACHIEVEMENT) for i in part.facts if 0 <= i < len(facts))
    jobs, number = [], 0
    for part in outline.sections:
        part_facts = [facts[i] for i in part.facts if 0 <= i < len(facts)]
        hits = retriever.search(exemplar_query(part, part_facts), k=EXEMPLARS_PER_SECTION, role=part.role.value)
        numbered = part.role not in (Role.OPENING, Role.CLOSING)
        number += numbered
        jobs.append(SectionJob(part, number if numbered else 0, part_facts, hits, options, summary,
                               () if numbered else achievements, tuple(facts), guard))
    return jobs


def _write_one(writer: Writer, job: SectionJob, emit: Callable[[str], None]) -> _Outcome:
    """Run the writer on one job, passing each streamed piece to ``emit``."""
    pieces: list[str] = []
    try:
        return _Outcome(written=drain(writer.write(job), lambda piece: (pieces.append(piece), emit(piece))))
    except LLMError as error:
        return _Outcome(error=error, partial=error.partial or "".join(pieces))


def _run(jobs: list[SectionJob], writer: Writer, progress: Progress, workers: int) -> list[_Outcome]:
    """Every job's outcome, in order. Parts run on a pool of ``workers`` threads; their events come back
    through a queue so that ``progress`` is only ever called from this thread (a page's widgets)."""
    total = len(jobs)
    if workers == 1:
        outcomes = []
        for index, job in enumerate(jobs, 1):
            progress.section_start(index, total, job.heading_line or job.part.heading)
            outcomes.append(_write_one(writer, job, lambda piece, i=index: progress.token(i, piece)))
            progress.section_end(index, total)
        return outcomes
    events: queue.Queue = queue.Queue()

    def task(index: int, job: SectionJob) -> _Outcome:
        events.put(("start", index, job.heading_line or job.part.heading))
        try:
            return _write_one(writer, job, lambda piece: events.put(("token", index, piece)))
        finally:
            events.put(("end", index, ""))

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="draft") as pool:
        futures = [pool.submit(task, index, job) for index, job in enumerate(jobs, 1)]
        ended = 0
        while ended < total:
            kind, index, payload = events.get()
            if kind == "start":
                progress.section_start(index, total, payload)
            elif kind == "token":
                progress.token(index, payload)
            else:
                ended += 1
                progress.section_end(index, total)
        return [future.result() for future in futures]


def _attach(draft: Draft, job: SectionJob, written: Written, prompts: list[str] = ()) -> None:
    """Add one written part to the draft's report, with its sources, flags and usage; ``prompts`` (for
    the secretary to fill in) become its last items."""
    sources = [Source.from_hit(hit) for hit in job.exemplars]
    lines = [line for line in written.text.splitlines() if line.strip()]
    if job.part.role == Role.OPENING:
        key = "opening"
        draft.report.opening = lines
    elif job.part.role == Role.CLOSING:
        key = "closing"
        draft.report.closing = lines
    else:
        key = str(len(draft.report.sections))
        section = section_from_text("\n".join(lines), job.heading_line, job.part.role)
        draft.report.sections.append(append_items(section, list(prompts)) if prompts else section)
    draft.sources[key] = sources
    if written.flags:
        draft.flags[key] = list(written.flags)
    draft.usage.add(written.usage)
    draft.repairs += written.repairs
    draft.echoes += written.echoes


def example_facts() -> str:
    """The example facts behind the page's "载入示例" button."""
    from core.config import PROJECT_ROOT

    return (PROJECT_ROOT / "examples" / "facts.txt").read_text(encoding="utf-8")
