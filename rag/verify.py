"""Verify what a model wrote for one part of the report, and settle what a repair did not fix.

Checks, against the secretary's facts and the corpus the exemplars came from: numbers and honours
the facts do not contain, facts of the part that are missing, masks (XX, *), spans copied from a
corpus report, lines echoed from the prompt, headings nested inside the part and an answer cut off
by a length limit. Every finding becomes a :class:`Flag` (what, where, why) that travels with the
draft; the text itself never carries flag markup.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterable

from report.facts import Fact
from report.fidelity import allowed_numbers, invented_honours, invented_numbers, missing_facts, normalise
from report.numbering import Style, format_marker, match_marker
from report.parse import plain_line

COPY_CHARS = 15  # a span this long (characters, punctuation aside) shared with a corpus report is a copy …
OWN_CHARS = 10  # … when this many of its characters lie outside the genre's fixed formulations
_SENTENCE = re.compile(r"[^。！？；]*[。！？；]?")
MASK = re.compile(r"\*+|＊+|X{2,}|×{2,}|(?<![A-Za-z])X(?=[\u4e00-\u9fff])|某某")
TODO = "【待补充】"
_DEMOTE = {Style.CN: Style.PAREN_CN, Style.PAREN_CN: Style.ARABIC, Style.ARABIC: Style.PAREN_ARABIC}
ECHO_CHARS, ECHO_SHARE = 8, 0.6  # spans of 8+ characters from the instructions covering most of a line: an echo
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」")
_MARKERS = re.compile(r"[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]")
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_ECHO_PREFIX = re.compile(r"^(?:【范文\d*】|<<<|>>>|范文片段|用户事实|修改意见|直接输出|要求：|编号：)")

KINDS = {
    "number": "事实中没有的数字",
    "honour": "事实中没有的荣誉",
    "missing_fact": "遗漏的事实",
    "copied": "与范文雷同",
    "mask": "脱敏符号",
    "structure": "标题层级",
    "tidy": "格式整理",
    "empty": "内容缺失",
    "cut_off": "输出被截断",
}


@dataclass(frozen=True)
class Flag:
    """A finding in one part: its kind, the text concerned, why, and what was done about it."""

    kind: str
    excerpt: str
    why: str
    action: str = "保留，请核实"

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def to_dict(self) -> dict[str, str]:
        return {**asdict(self), "label": self.label}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> "Flag":
        return cls(data["kind"], data["excerpt"], data["why"], data.get("action", "保留，请核实"))

    def open_in(self, text: str, facts: list[Fact]) -> bool:
        """Whether the flag still applies to the part's current ``text``: an invented number, honour or a
        mask while it is still there, a missing fact while still missing; what was done (a copy removed,
        a heading demoted, a cut sentence trimmed) stays on record."""
        if self.kind in ("number", "honour", "mask"):
            return self.excerpt in text
        if self.kind == "missing_fact":
            return bool(missing_facts([f for f in facts if f.text == self.excerpt] or [Fact(self.excerpt)], text))
        return True

    @property
    def instruction(self) -> str:
        """What the model is asked to do about it in the repair call."""
        return {
            "number": f"删除事实中没有的数字“{self.excerpt}”（或改为事实中的数字）",
            "honour": f"删除事实中没有的荣誉“{self.excerpt}”",
            "missing_fact": f"补上这条事实：{self.excerpt}",
            "copied": f"改写与范文雷同的句子：{self.excerpt}",
            "mask": f"删除脱敏符号“{self.excerpt}”，缺少的内容写“【待补充】”",
            "structure": f"调整结构：{self.why}（不要另起“一、二、三”级标题；开篇、结尾写成段落）",
        }.get(self.kind, self.why)


class CopyGuard:
    """Finds spans of :data:`COPY_CHARS` or more characters shared with any corpus text.

    Fixed formulations (the proofreader's lexicon) are every report's to use: a shared span counts as
    a copy only when at least :data:`OWN_CHARS` of its characters lie outside them."""

    def __init__(self, corpus: Iterable[str], formulations: Iterable[str] = (), size: int = COPY_CHARS) -> None:
        self.size = size
        terms = sorted({normalise(t)[0] for t in formulations if len(normalise(t)[0]) >= 4}, key=len, reverse=True)
        self.formulations = re.compile("|".join(re.escape(t) for t in terms)) if terms else None
        self._grams: set[str] = set()
        for text in corpus:
            self._grams |= self._shingles(normalise(text)[0])

    def _shingles(self, chars: str) -> set[str]:
        return {chars[i:i + self.size] for i in range(len(chars) - self.size + 1)}

    def copied(self, text: str, allowed: Iterable[str] = ()) -> list[str]:
        """The copied spans of ``text`` (as written), longest first; spans also in ``allowed`` (the facts) are not copies."""
        chars, offsets = normalise(text)
        own = set().union(*(self._shingles(normalise(a)[0]) for a in allowed)) if allowed else set()
        fixed = [False] * len(chars)
        for match in self.formulations.finditer(chars) if self.formulations else ():
            fixed[match.start():match.end()] = [True] * (match.end() - match.start())
        spans: list[tuple[int, int]] = []
        for i in range(len(chars) - self.size + 1):
            gram = chars[i:i + self.size]
            if gram not in self._grams or gram in own:
                continue
            if spans and i <= spans[-1][1]:
                spans[-1] = (spans[-1][0], i + self.size)
            else:
                spans.append((i, i + self.size))
        found = [text[offsets[a]:offsets[b - 1] + 1] for a, b in spans if fixed[a:b].count(False) >= OWN_CHARS]
        return sorted(found, key=len, reverse=True)


def drop_echoes(lines: list[str], prompt: str, fixed: re.Pattern[str] | None = None) -> tuple[list[str], int]:
    """Lines that repeat the prompt's own instructions or labels are left out; returns (kept, how many
    dropped). A line is an echo when it starts with a prompt label, or when most of its own words —
    quoted model phrases (“现将有关情况总结如下：”) and fixed formulations (``fixed``) aside, which a
    report should use — lie in spans of :data:`ECHO_CHARS` or more from the instructions: a small
    model mashes rule lines together or cuts them short."""
    def own(text: str) -> str:
        text = _QUOTED.sub("|", text)
        chars = normalise(text)[0] if "|" not in text else "|".join(normalise(p)[0] for p in text.split("|"))
        return fixed.sub("|", chars) if fixed else chars

    said = "|".join(own(line) for line in prompt.splitlines())
    grams = {said[i:i + ECHO_CHARS] for i in range(len(said) - ECHO_CHARS + 1)}
    kept = []
    for line in lines:
        marker = match_marker(line)
        chars = own(line[len(marker.text):] if marker else line)
        words = len(chars) - chars.count("|")
        covered = [False] * len(chars)
        for i in range(len(chars) - ECHO_CHARS + 1):
            if "|" not in chars[i:i + ECHO_CHARS] and chars[i:i + ECHO_CHARS] in grams:
                covered[i:i + ECHO_CHARS] = [True] * ECHO_CHARS
        if not (_ECHO_PREFIX.match(line) or (words >= ECHO_CHARS and sum(covered) >= ECHO_SHARE * words)):
            kept.append(line)
    return kept, len(lines) - len(kept)


_LEVELS = (Style.CN, Style.PAREN_CN, Style.ARABIC, Style.PAREN_ARABIC)


def contain(lines: list[str], numbered: bool) -> tuple[list[str], list[Flag]]:
    """Keep the model's structure inside its part and tidy what is safe to tidy. In a numbered section
    its own 一、 headings move one level down (一、→（一）, （一）→1.); in the opening or closing every
    marker is dropped. Lines with nothing but markers, and repeated lines, are dropped; numbering is
    made consecutive at each level. Returns the lines and a flag for each kind of change."""
    flags: list[Flag] = []
    lines = [plain_line(line) for line in lines]
    content = [line for line in lines if _WORDS.search(_MARKERS.sub("", line))]
    if len(content) < len(lines):
        flags.append(Flag("tidy", "", f"删去 {len(lines) - len(content)} 行只有编号或数字、没有文字的行", "已删去"))
    unique = distinct(content)
    if len(unique) < len(content):
        flags.append(Flag("tidy", "", f"删去 {len(content) - len(unique)} 行重复的内容", "已删去"))
    markers = [match_marker(line) for line in unique]
    if not numbered:
        if any(markers):
            flags.append(Flag("structure", "", "开篇和结尾应为成段文字，模型写成了编号条目，已去掉编号", "已去掉编号"))
        return [line for line in map(_unmarked, unique) if line], flags
    out = []
    if any(m is not None and m.style == Style.CN for m in markers):
        flags.append(Flag("structure", "", "模型在本部分内另起了“一、二、三”级标题，已降为下一级编号", "已降级"))
        for line, marker in zip(unique, markers):
            if marker is not None and marker.style in _DEMOTE:
                line = format_marker(_DEMOTE[marker.style], marker.number) + line[len(marker.text):].lstrip()
            out.append(line)
    else:
        out = unique
    renumbered, changed = _consecutive(out)
    if changed:
        flags.append(Flag("tidy", "", "条目编号不连续，已按顺序重新编号", "已重新编号"))
    return renumbered, flags


def distinct(lines: list[str]) -> list[str]:
    """The lines without repeats (a repeat: the same words, marker and punctuation aside)."""
    seen: set[str] = set()
    unique = []
    for line in lines:
        marker = match_marker(line)
        key = normalise(line[len(marker.text):] if marker else line)[0]
        if key not in seen:
            unique.append(line)
        seen.add(key)
    return unique


def _unmarked(line: str) -> str:
    """A line with every leading marker (and the Markdown that follows one) taken off: a paragraph."""
    marker = match_marker(line)
    while marker is not None:
        line = plain_line(line[len(marker.text):])
        marker = match_marker(line)
    return line


def _consecutive(lines: list[str]) -> tuple[list[str], bool]:
    """Lines with each level's numbers counted 1, 2, 3 … afresh under each item of a higher level."""
    counters = {style: 0 for style in _LEVELS}
    out, changed = [], False
    for line in lines:
        marker = match_marker(line)
        if marker is not None and marker.style in counters:
            depth = _LEVELS.index(marker.style)
            counters[marker.style] += 1
            for deeper in _LEVELS[depth + 1:]:
                counters[deeper] = 0
            if marker.number != counters[marker.style]:
                line = format_marker(marker.style, counters[marker.style]) + line[len(marker.text):]
                changed = True
        out.append(line)
    return out, changed


@dataclass(frozen=True)
class Evidence:
    """What one part is checked against."""

    facts: list[Fact]  # the facts assigned to this part (each must appear)
    all_facts: list[Fact]  # every fact of the report (numbers and honours may come from any)
    guard: CopyGuard | None
    year: int | None = None


def verify(text: str, evidence: Evidence) -> list[Flag]:
    """Every finding in ``text`` (one part, without its heading line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    flags: list[Flag] = []
    allowed = allowed_numbers(evidence.all_facts, text)
    if evidence.year:
        allowed |= {str(evidence.year), str(evidence.year + 1)}
    for item in invented_numbers(lines, evidence.all_facts, allowed):
        flags.append(Flag("number", item.value, f"数字“{item.value}”不在用户事实中：{_around(item.line, item.offset)}"))
    for item in invented_honours(lines, evidence.all_facts):
        flags.append(Flag("honour", item.value, f"荣誉“{item.value}”不在用户事实中：{_around(item.line, item.offset)}"))
    for fact in missing_facts(evidence.facts, text):
        flags.append(Flag("missing_fact", fact.text, "本部分的事实没有写进正文"))
    fact_text = "\n".join(fact.text for fact in evidence.all_facts)
    for match in MASK.finditer(text):
        if match.group(0) not in fact_text:
            flags.append(Flag("mask", match.group(0), f"残留脱敏符号：{_around(text, match.start())}"))
    if evidence.guard is not None:
        for span in evidence.guard.copied(text, [fact.text for fact in evidence.all_facts]):
            flags.append(Flag("copied", span, f"与语料库中的报告雷同（{len(normalise(span)[0])} 字相同）"))
    return list({(flag.kind, flag.excerpt): flag for flag in flags}.values())


def _around(line: str, offset: int, width: int = 14) -> str:
    start = max(0, offset - width)
    return ("…" if start else "") + line[start:offset + width] + ("…" if offset + width < len(line) else "")


def settle(text: str, flags: list[Flag]) -> tuple[str, list[Flag]]:
    """What a repair left: copied sentences are removed and masks become 【待补充】 (both safe to do);
    everything else stays in the text and is flagged."""
    settled: list[Flag] = []
    for flag in flags:
        if flag.kind == "copied":  # an overlapping copy may have gone with an earlier one's sentence
            while flag.excerpt in text:
                text = _remove_sentences(text, flag.excerpt)
            short = flag.excerpt if len(flag.excerpt) <= 60 else flag.excerpt[:60] + "…"
            settled.append(Flag(flag.kind, short, flag.why, "已删除雷同的句子"))
        elif flag.kind == "mask" and flag.excerpt in text:
            text = text.replace(flag.excerpt, TODO)
            settled.append(Flag(flag.kind, flag.excerpt, flag.why, f"已改为{TODO}"))
        else:
            settled.append(flag)
    return "\n".join(distinct(text.split("\n"))), settled


def _remove_sentences(text: str, span: str) -> str:
    """``text`` without the sentences that hold (any part of) ``span``; a line left empty goes too."""
    start = text.index(span)
    end = start + len(span)
    out, position = [], 0
    for line in text.split("\n"):
        kept = []
        for sentence in _SENTENCE.findall(line):
            if sentence and not (position < end and position + len(sentence) > start):
                kept.append(sentence)
            position += len(sentence)
        position += 1
        marker = match_marker(line)
        rest = "".join(kept)
        if marker and not rest.startswith(marker.text):
            rest = marker.text + rest if rest else ""
        if rest.strip() and rest.strip() != (marker.text if marker else ""):
            out.append(rest)
    return "\n".join(out)


def trim_cut(text: str) -> str:
    """An answer cut off mid-sentence, without its unfinished last sentence."""
    end = max(text.rfind(mark) for mark in "。！？；")
    return text[: end + 1] if end >= 0 else text


def marked(text: str, excerpts: Iterable[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, flagged) runs, flagged where one of ``excerpts`` stands: for a page to
    highlight. Joined, the pieces are the text unchanged."""
    spans = sorted({(m.start(), m.start() + len(e)) for e in excerpts if e for m in re.finditer(re.escape(e), text)})
    runs: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start < position:
            start = position
        if start >= end:
            continue
        if start > position:
            runs.append((text[position:start], False))
        runs.append((text[start:end], True))
        position = end
    if position < len(text):
        runs.append((text[position:], False))
    return runs
