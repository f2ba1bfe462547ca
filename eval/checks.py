"""Deterministic checks, registered by name. Each returns an :class:`Outcome` with locations."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from eval.proofread import DATA, DOUBLED, FORMULATION, WRONG_CHARACTER, Lexicon, Slip, load_lexicon, proofread
from report import Report, Role, to_text
from report.facts import Fact
from report.fidelity import Invented, allowed_numbers, invented_honours, invented_numbers, missing_facts
from report.numbering import Style, match_marker
from report.render import located_lines
from report.roles import numbered_section_role, report_year

EXCERPT_CHARS = 24


@dataclass(frozen=True)
class Location:
    """Where a finding stands: the section's heading path and a short excerpt; for a finding that can
    be corrected, also the whole line, the text found and the suggested correction."""

    section: str
    excerpt: str
    line: str = ""
    found: str = ""
    fix: str = ""


@dataclass
class Outcome:
    """A check's verdict before severity is applied: passed True/False, or None when skipped."""

    passed: bool | None
    reason: str
    locations: list[Location] = field(default_factory=list)
    todo_only: bool = False


@dataclass
class Document:
    """A draft as the checks see it: the model, its text and its located lines, and the chat client
    the caller configured for checks that need a model (None: read from the environment)."""

    report: Report
    chat: Any = None

    @cached_property
    def text(self) -> str:
        return to_text(self.report)

    @cached_property
    def lines(self) -> list[tuple[str, str]]:
        return located_lines(self.report)

    def proofread(self, lexicon: Lexicon) -> list[tuple[str, str, list[Slip]]]:
        """Each line with the proofreader's findings, computed once for a lexicon."""
        cache = self.__dict__.setdefault("_proofread", {})
        if id(lexicon) not in cache:  # lexicons are loaded once (lru_cache), so one id per file
            cache[id(lexicon)] = [(section, line, proofread(line, lexicon)) for section, line in self.lines]
        return cache[id(lexicon)]

    def find(self, pattern: re.Pattern[str]) -> list[tuple[Location, re.Match[str]]]:
        """Every match of ``pattern`` line by line, with its location."""
        return [(excerpt_at(section, line, match.start(), match.end()), match)
                for section, line in self.lines for match in pattern.finditer(line)]


def excerpt(line: str, start: int, end: int) -> str:
    """The span ``start:end`` of ``line`` with a little context, “…” where the line was cut."""
    left = max(0, start - EXCERPT_CHARS // 2)
    right = min(len(line), end + EXCERPT_CHARS // 2)
    return ("…" if left else "") + line[left:right] + ("…" if right < len(line) else "")


def excerpt_at(section: str, line: str, start: int, end: int) -> Location:
    """A location whose excerpt shows the span ``start:end`` of ``line`` with a little context."""
    return Location(section, excerpt(line, start, end))


def verdict(findings: list[Location], failed: str, passed: str) -> Outcome:
    """Fail with ``failed`` (``{n}`` is the number of findings) when there are findings, else pass."""
    if findings:
        return Outcome(False, failed.format(n=len(findings)), findings)
    return Outcome(True, passed)


def correction(section: str, line: str, start: int, end: int, fix: str, why: str = "") -> Location:
    """A finding that can be corrected: ``line[start:end]`` should read ``fix``, with the reason."""
    found = line[start:end]
    because = f"（{why}）" if why else ""
    return Location(section, f"“{found}”→“{fix}”{because}：{excerpt(line, start, end)}", line, found, fix)


def head_location(section: str, line: str) -> Location:
    """A location showing the start of ``line``."""
    return excerpt_at(section, line, 0, min(len(line), EXCERPT_CHARS))


Check = Callable[[Document, dict[str, Any], "list[Fact] | None"], Outcome]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check under ``name``."""
    def register(function: Check) -> Check:  # pragma: no mutate — runs at import, before any mutant is active
        CHECKS[name] = function  # pragma: no mutate
        return function  # pragma: no mutate
    return register  # pragma: no mutate


@check("opening")
def check_opening(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """An overview paragraph stands before the first numbered section."""
    opening = "".join(doc.report.opening)
    minimum = int(params.get("min_chars", 30))
    if not doc.report.opening:
        return Outcome(False, "第一个编号章节之前没有开篇概述段落")
    location = [head_location("开篇", doc.report.opening[0])]
    if len(opening) < minimum:
        return Outcome(False, f"开篇概述只有 {len(opening)} 字，少于 {minimum} 字", location)
    return Outcome(True, f"有开篇概述（{len(opening)} 字）", location)


@check("achievement_sections")
def check_achievements(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Themes are numbered achievement sections; （一）-level sub-headings count as themes too (003)."""
    minimum = int(params.get("min_sections", 3))
    top = [s for s in doc.report.sections if s.role == Role.ACHIEVEMENT and s.marker is not None]
    sub = [c for s in top for c in s.children if c.marker is not None and c.marker.style == Style.PAREN_CN]
    found = top if len(top) >= len(sub) else sub
    locations = [Location(s.title, s.heading[:EXCERPT_CHARS] or s.body[:EXCERPT_CHARS]) for s in found]
    if len(found) < minimum:
        return Outcome(False, f"只有 {len(found)} 个工作成效章节，至少需要 {minimum} 个", locations)
    detail = f"（{len(top)} 个一级章节下分 {len(sub)} 个主题）" if found is sub else ""
    return Outcome(True, f"有 {len(found)} 个工作成效主题{detail}", locations)


HEADING_STYLES = (Style.CN, Style.PAREN_CN)


def role_present(doc: Document, role: Role, label: str, hint: str) -> Outcome:
    """Passes when some block has ``role`` (by the model's reading of meaning), also a sub-heading such
    as “（三）存在的不足” inside a combined section."""
    year = report_year(doc.text)
    found = [s for s in doc.report.sections if s.role == role]
    found += [s for depth, s in doc.report.walk()
              if depth <= 2 and s not in found and s.heading and s.marker and s.marker.style in HEADING_STYLES
              and numbered_section_role(s.heading, "", year) == role]
    if not found:
        return Outcome(False, f"没有找到{label}部分（{hint}）")
    return Outcome(True, f"有{label}部分：{found[0].title}",
                   [Location(s.title, (s.heading + s.body)[:EXCERPT_CHARS]) for s in found])


@check("problems")
def check_problems(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    return role_present(doc, Role.PROBLEMS, "存在问题", "如“存在的问题和不足”“差距和短板”")


@check("next_steps")
def check_next_steps(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    return role_present(doc, Role.NEXT_STEPS, "下一步打算", "如“下一步工作打算”“明年工作思路”")


@check("numbering")
def check_numbering(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Numbers run 1, 2, 3 … in one style among siblings, never repeating an ancestor's style."""
    problems: list[Location] = []

    def siblings(sections: list, where: str, ancestors: set[Style]) -> None:
        numbered = [s for s in sections if s.marker is not None]
        styles = {s.marker.style for s in numbered}
        if len(styles) > 1:
            problems.append(Location(where, "同级混用编号：" + "、".join(s.marker.text for s in numbered[:6])))
        for section in numbered:
            if section.marker.style in ancestors:
                problems.append(Location(section.title, f"编号“{section.marker.text}”与上级同级，层级混乱"))
        for style in styles:
            values = [s.marker.number for s in numbered if s.marker.style == style]
            expected = list(range(1, len(values) + 1))
            if values != expected:
                shown = "、".join(s.marker.text for s in numbered if s.marker.style == style)
                kind = "重号" if len(set(values)) < len(values) else "跳号或顺序错误"
                problems.append(Location(where, f"{kind}：{shown}"))
        for section in sections:
            here = ancestors | ({section.marker.style} if section.marker else set())
            siblings(section.children, section.title, here)

    siblings(doc.report.sections, "全文一级标题", set())
    return verdict(problems, "编号有 {n} 处问题", "各级编号连续、一致")


def _lexicon(params: dict[str, Any]) -> Lexicon:
    """The lexicon a check's params name (a file under eval/data/, or an absolute path, which a join
    with eval/data/ leaves as it is), the default one otherwise."""
    return load_lexicon(DATA / (params.get("lexicon") or "lexicon.yaml"))


def slip_locations(doc: Document, params: dict[str, Any], kinds: set[str]) -> list[Location]:
    """Located, correctable findings of the proofreader of the given kinds (proofread once a document)."""
    found = []
    for section, line, slips in doc.proofread(_lexicon(params)):
        for slip in slips:
            if slip.kind in kinds:
                found.append(correction(section, line, slip.start, slip.end, slip.fix, slip.why))
    return found


@check("formulations")
def check_formulations(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Fixed formulations of the lexicon: known wrong variants, a dropped character, parts out of order,
    and any one-character slip in a long formulation."""
    findings = slip_locations(doc, params, {FORMULATION})
    return verdict(findings, "有 {n} 处规范表述不准确", "未发现不规范的政治表述")


@check("campaign_year")
def check_campaign_year(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """A campaign called this year's in a report of another year (e.g. 2024 and 党史学习教育)."""
    year = report_year(doc.text)
    if year is None:
        return Outcome(None, "报告未写明年度，跳过")
    campaigns: dict[str, int] = params.get("campaigns", {})
    words = "|".join(re.escape(word) for word in params.get("this_year_words", []))
    findings, seen = [], set()
    for name in sorted(campaigns, key=len, reverse=True):  # 主题教育 inside a longer name counts once
        pattern = re.compile(rf"(?:{words})[^。；]{{0,20}}{re.escape(name)}")
        for location, _ in doc.find(pattern):
            if (location.section, location.excerpt) in seen:
                continue
            seen.add((location.section, location.excerpt))
            if campaigns[name] != year:
                findings.append(Location(location.section, f"“{name}”是 {campaigns[name]} 年的集中教育，"
                                                           f"本报告为 {year} 年：{location.excerpt}"))
    return verdict(findings, "有 {n} 处集中教育活动与报告年度不符", f"集中教育活动的年度与报告（{year} 年）相符")


@check("masks")
def check_masks(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Leftover masks and placeholders (errors) and 【待补充】 (to-dos), each located."""
    errors: list[Location] = []
    todos: list[Location] = []
    for spec in params.get("patterns", []):
        for location, match in doc.find(re.compile(spec["pattern"])):
            target = errors if spec.get("error", True) else todos
            target.append(Location(location.section, f"{spec.get('label', match.group(0))}：{location.excerpt}"))
    if errors:
        return Outcome(False, f"有 {len(errors)} 处脱敏符号或占位符残留" + (f"，另有 {len(todos)} 处待补充" if todos else ""),
                       errors + todos)
    if todos:
        return Outcome(False, f"有 {len(todos)} 处【待补充】需要补写", todos, todo_only=True)
    return Outcome(True, "无脱敏符号或占位符残留")


@check("typos")
def check_typos(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Characters that sound or look like the right ones inside a lexicon term, doubled characters and
    words that segmentation shows to be slips, and the checklist's own confusion list."""
    findings = slip_locations(doc, params, {WRONG_CHARACTER, DOUBLED})
    confusions: dict[str, str] = params.get("confusions") or {}
    if confusions:
        pattern = re.compile("|".join(re.escape(wrong) for wrong in sorted(confusions, key=len, reverse=True)))
        for section, line in doc.lines:
            for match in pattern.finditer(line):
                findings.append(correction(section, line, match.start(), match.end(), confusions[match.group(0)]))
    return verdict(findings, "发现 {n} 处疑似错别字或多字", "未发现错别字或多字")


_COUNTED = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


@check("length")
def check_length(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """The body's character count lies within the configured range."""
    size = len(_COUNTED.findall(doc.text))
    low, high = int(params.get("min_chars", 1500)), int(params.get("max_chars", 15000))
    if size < low:
        return Outcome(False, f"正文 {size} 字，少于 {low} 字")
    if size > high:
        return Outcome(False, f"正文 {size} 字，超过 {high} 字")
    return Outcome(True, f"正文 {size} 字，在 {low}–{high} 字之间")


_NO_FACTS = "未提供用户事实（--facts），跳过"


@check("fact_coverage")
def check_fact_coverage(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Every given fact appears in the draft (its numbers and most of its character pairs)."""
    if facts is None:
        return Outcome(None, _NO_FACTS)
    missing = missing_facts(facts, doc.text, float(params.get("min_share", 0.6)))
    if missing:
        return Outcome(False, f"{len(facts)} 条事实中有 {len(missing)} 条未写入报告",
                       [Location("事实", fact.text[:40]) for fact in missing])
    return Outcome(True, f"{len(facts)} 条事实都已写入报告")


def _unsupported(doc: Document, find: Callable[[str], list[Invented]], what: str) -> list[Location]:
    """Each thing ``find`` reports in a line of the draft, located."""
    located: list[Location] = []
    for section, line in doc.lines:
        for item in find(line):
            location = excerpt_at(section, line, item.offset, item.offset + len(item.value))
            located.append(Location(location.section, f"“{item.value}”{what}：{location.excerpt}"))
    return located


@check("invented_numbers")
def check_invented_numbers(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Every number in the draft comes from the facts (markers and the report year aside)."""
    if facts is None:
        return Outcome(None, _NO_FACTS)
    allowed = allowed_numbers(facts, doc.text)
    invented = _unsupported(doc, lambda line: invented_numbers([line], facts, allowed), "不在事实中")
    return verdict(invented, "有 {n} 个数字不在用户事实中", "报告中的数字都来自用户事实")


@check("invented_honours")
def check_invented_honours(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Every honour or title the draft claims (荣获…、…先进基层党组织、…表彰) is named in a fact."""
    if facts is None:
        return Outcome(None, _NO_FACTS)
    invented = _unsupported(doc, lambda line: invented_honours([line], facts), "事实中没有这项荣誉")
    return verdict(invented, "有 {n} 项荣誉或称号不在用户事实中", "报告中的荣誉称号都来自用户事实")


@check("llm_judge")
def check_llm_judge(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """The optional rubric-based LLM judge: the caller's chat client (the page passes the one its
    settings and secrets configure), else one from the environment; skipped without a model."""
    from eval.judge import judge

    chat = doc.chat
    if chat is None:
        from core.config import load_settings
        from core.llm import OpenAIChat

        settings = load_settings()
        chat = OpenAIChat(settings.llm) if settings.llm.configured else None
    if chat is None:
        return Outcome(None, "未配置大模型接口（LLM_BASE_URL / LLM_MODEL），跳过大模型评审")
    return judge(doc.text, params, chat)


# Checks kept in modules of their own register themselves on import.
from eval import routine, wording  # noqa: E402,F401
