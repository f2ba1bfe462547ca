"""Revise one chosen section; every other section stays byte-identical. Undo/redo of versions.

Offline, the operations that need no language model are done honestly (adding facts, condensing,
changing the item numbering); the others say clearly that they need an LLM.
"""
from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field

from rag.draft import append_items, clean_answer, item_style, section_from_text
from core.llm import LLMError, OpenAIChat
from rag.offline import item_text
from core.prompts import render_prompt
from report import Report, Section, parse_text, report_parts, section_text
from rag.verify import Evidence, Flag, contain, verify
from report.facts import Fact, numbers_in, parse_facts
from report.numbering import CHINESE_STYLES, MAX_CHINESE, Style, format_marker, int_to_cn

OFFLINE_OPERATIONS = "补充事实（如“补充以下事实：…”）、精简、改为一是二是格式、改为1.2.格式"
_ADD = re.compile(r"^(?:请)?(?:补充|增加|添加|加入)(?:以下|如下)?(?:事实|内容|情况)?[：:，,\s]*(.+)$", re.S)
_CONDENSE = re.compile(r"精简|压缩|简化|删繁就简|缩短")
_TO_SHI = re.compile(r"一是|二是")
_TO_ARABIC = re.compile(r"1[.．、]\s*2|数字编号|阿拉伯")


class RevisionError(ValueError):
    """The instruction cannot be carried out (offline, or bad section number); message in Chinese."""


@dataclass
class Revision:
    """A proposed change to one section."""

    before: Report
    after: Report
    index: int
    instruction: str
    note: str
    flags: list[Flag] = field(default_factory=list)  # what verification found in a model's rewrite

    @property
    def old_text(self) -> str:
        """The chosen section before the change."""
        return section_text(self.before.sections[self.index])

    @property
    def new_text(self) -> str:
        """The chosen section after the change."""
        return section_text(self.after.sections[self.index])


def _replace(report: Report, index: int, section: Section) -> Report:
    """A new report sharing every other section object, with ``section`` at ``index``."""
    sections = list(report.sections)
    sections[index] = section
    return Report(report.title, list(report.opening), sections, list(report.closing))


def add_facts(section: Section, facts: list[Fact]) -> Section:
    """The section with new numbered items, one a fact, after the existing ones."""
    style = item_style(section)
    number = sum(1 for c in section.children if c.marker and c.marker.style == style) + len(facts)
    if style in CHINESE_STYLES and number > MAX_CHINESE:
        raise RevisionError(f"本节将有 {number} 条，超过“一是…九十九是”的范围，请先改为1.2.格式")
    new = append_items(section, [item_text(fact) for fact in facts])
    new.paragraphs = [p for p in new.paragraphs if not p.startswith("【待补充")]
    return new


_CONNECTIVES = re.compile(r"^(?:同时|此外|另外|与此同时|在此基础上|总之|总的来说|一方面|另一方面|其次|再次|最后|此外还)[，,]")
_SENTENCES = re.compile(r"[^。！？；]+[。！？；]?")
_FIGURE = re.compile(r"\d")


def _shorter(text: str, keep_first: bool) -> tuple[str, int, int]:
    """``text`` with its connective openers dropped and, after the first sentence (kept when
    ``keep_first``), only the sentences that carry figures; returns (text, sentences dropped, openers dropped)."""
    sentences = [sentence for sentence in _SENTENCES.findall(text) if sentence.strip()]
    kept, dropped, openers = [], 0, 0
    for index, sentence in enumerate(sentences):
        if (index == 0 and keep_first) or _FIGURE.search(sentence):
            shortened = _CONNECTIVES.sub("", sentence)
            openers += shortened != sentence
            kept.append(shortened)
        else:
            dropped += 1
    return "".join(kept), dropped, openers


def condense(section: Section) -> tuple[Section, str]:
    """Every item keeps its title sentence, its first sentence and every sentence with a figure;
    connective openers (同时，此外，…) go; the section's lead keeps its first sentence. Says what went."""
    new = copy.deepcopy(section)
    dropped = openers = 0
    lead = [p for p in new.paragraphs if p.strip()]
    if lead:
        first, gone, cut = _shorter(lead[0], keep_first=True)
        new.paragraphs = [first]
        dropped += gone + sum(len(_SENTENCES.findall(p)) for p in lead[1:])
        openers += cut
    for _, node in new.walk():
        if node is new:
            continue
        node.body, gone, cut = _shorter(node.body, keep_first=True)
        dropped, openers = dropped + gone, openers + cut
        for paragraph in node.paragraphs:
            shortened, gone, cut = _shorter(paragraph, keep_first=False)
            dropped, openers = dropped + gone, openers + cut
            node.body += shortened
        node.paragraphs = []
    note = f"已精简：删去 {dropped} 句不含数字的展开句" + (f"、{openers} 处连接语" if openers else "") + \
        "；每条保留标题句、首句和所有含数字的句子"
    return new, note


SHI_AT_MOST = 6  # “一是…六是” still reads as a list; “九是” does not


def renumber(section: Section, style: Style) -> Section:
    """The section with its items numbered in ``style``, each on a line of its own."""
    new = copy.deepcopy(section)
    items = sum(1 for child in new.children if child.marker)
    if style == Style.SHI and items > SHI_AT_MOST:
        raise RevisionError(f"本节有 {items} 条，“一是…{int_to_cn(items)}是”读起来冗长（一是二是宜在六条以内）："
                            "请先精简或把条目归并为几组，或保留 1. 2. 格式")
    if style in CHINESE_STYLES and items > MAX_CHINESE:
        raise RevisionError(f"本节条目超过 {MAX_CHINESE} 条，不能改为一是二是格式")
    number = 0
    for child in new.children:
        if child.marker is not None:
            number += 1
            child.marker = type(child.marker)(style, number, format_marker(style, number))
            child.inline = False
    return new


def revise_offline(section: Section, instruction: str) -> tuple[Section, str]:
    """Carry out an instruction that needs no LLM."""
    added = _ADD.match(instruction.strip())
    if added:
        facts = parse_facts(re.sub(r"[；;]", "\n", added.group(1)))
        if not facts:
            raise RevisionError("请在指令中写出要补充的事实，例如：补充以下事实：组织党员义务植树2次")
        return add_facts(section, facts), f"补充了 {len(facts)} 条事实"
    if _CONDENSE.search(instruction):
        return condense(section)
    if _TO_SHI.search(instruction):
        return renumber(section, Style.SHI), "已改为“一是、二是”格式"
    if _TO_ARABIC.search(instruction):
        return renumber(section, Style.ARABIC), "已改为“1. 2.”格式"
    raise RevisionError(f"离线模式无法执行“{instruction}”：扩写、润色、调整语气等需要配置大模型。离线可用：{OFFLINE_OPERATIONS}")


def revise_with_llm(section: Section, instruction: str, chat: OpenAIChat,
                    facts: list[Fact]) -> tuple[Section, str, list[Flag]]:
    """Rewrite the section through the LLM; its heading line, marker and role are kept. The rewrite is
    verified: numbers and honours must come from the facts or the section as it was."""
    head = f"{section.marker.text if section.marker else ''}{section.heading}".rstrip("。：: ")
    prompt = render_prompt("revise_section", heading=head or "（无标题）", section=section_text(section),
                           instruction=instruction, facts="\n".join(f"- {fact.text}" for fact in facts) or "（未提供）")
    messages = [{"role": "system", "content": render_prompt("system")}, {"role": "user", "content": prompt}]
    body = clean_answer(chat.complete(messages), head)
    if not body.strip():
        raise LLMError("模型返回了空内容")
    if not head:
        head, _, body = body.partition("\n")
    lines, _ = contain(body.splitlines(), numbered=True)  # its tidying needs no flag: the diff shows it
    new = section_from_text("\n".join(lines), head, section.role)
    known = facts + [Fact(section_text(section), frozenset(v for v, _ in numbers_in(section_text(section))))]
    flags = [flag for flag in verify(section_text(new), Evidence([], known, None)) if flag.kind in ("number", "honour", "mask")]
    note = f"已由 {chat.name} 按要求改写" + (f"；核对发现 {len(flags)} 处问题，请核实" if flags else "")
    return new, note, flags


def revise(report: Report, index: int, instruction: str, chat: OpenAIChat | None = None,
           facts: list[Fact] | None = None) -> Revision:
    """Propose a new report in which only section ``index`` (0-based, top level) changed."""
    if not instruction or not instruction.strip():
        raise RevisionError("请填写修改要求")
    if not 0 <= index < len(report.sections):
        raise RevisionError(f"没有第 {index + 1} 个章节（共 {len(report.sections)} 个）")
    section = report.sections[index]
    exact = _ADD.match(instruction.strip()) or _TO_SHI.search(instruction) or _TO_ARABIC.search(instruction)
    flags: list[Flag] = []
    if chat is None or exact:
        new, note = revise_offline(section, instruction)
    else:
        new, note, flags = revise_with_llm(section, instruction, chat, facts or [])
    return Revision(report, _replace(report, index, new), index, instruction.strip(), note, flags)


def edit_part(report: Report, key: str, text: str) -> Report:
    """The report with one part (a key of :func:`report.report_parts`) replaced by the secretary's own
    text, read again by the one parser — as the report will be when it is reopened."""
    parts = report_parts(report)
    if key not in {part_key for part_key, _, _ in parts}:
        raise RevisionError("要编辑的部分不存在，请重新选择")
    if not text.strip():
        raise RevisionError("编辑后的内容为空；如不需要这一部分，请在提纲中删去后重新起草")
    lines = [report.title] if report.title else []
    lines += [text.strip() if part_key == key else part_text for part_key, _, part_text in parts]
    return parse_text("\n".join(lines))


@dataclass
class Versions:
    """Undo and redo across accepted revisions."""

    current: Report
    undo_stack: list[Report] = field(default_factory=list)
    redo_stack: list[Report] = field(default_factory=list)

    def accept(self, revision: Revision) -> None:
        """Make the revision current; the previous version can be restored by undo."""
        self.push(revision.after)

    def push(self, report: Report) -> None:
        """Make ``report`` current (a revision or a correction); undo restores the previous one."""
        self.undo_stack.append(self.current)
        self.current = report
        self.redo_stack.clear()

    def undo(self) -> bool:
        """Go back one version; False when there is none."""
        return self._move(self.undo_stack, self.redo_stack)

    def redo(self) -> bool:
        """Go forward again after an undo; False when there is nothing to redo."""
        return self._move(self.redo_stack, self.undo_stack)

    def _move(self, source: list[Report], target: list[Report]) -> bool:
        if not source:
            return False
        target.append(self.current)
        self.current = source.pop()
        return True


def sentence_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from ``old`` to ``new`` as (kind, text) runs of whole sentences — kind ``same``,
    ``removed`` or ``added`` — for a reader, not a developer's unified diff."""
    def sentences(text: str) -> list[str]:
        pieces: list[str] = []
        for line in text.split("\n"):
            pieces += [*_SENTENCES.findall(line), "\n"]  # a line's end is a token of its own
        return pieces

    before, after = sentences(old), sentences(new)
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(after[j1:j2])))
    return [run for run in runs if run[1]]
