"""The branch's routine duties: how often the facts (or the report) say each meeting was held,
against the minimum the checklist gives for it (《中国共产党支部工作条例（试行）》). It warns only."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eval.checks import Document, Location, Outcome, check
from report.facts import Fact
from report.numbering import cn_to_int

_COUNT = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:次|场|期|堂|讲|轮)"
_EVERY = {"每月": 12, "每个月": 12, "每季度": 4, "每个季度": 4, "每半年": 2, "每年": 1}
_STOP = "。；;，,、\n"


@dataclass(frozen=True)
class Duty:
    """One routine duty: its name, the words that name it, the yearly minimum and the rule in words."""

    name: str
    words: tuple[str, ...]
    minimum: int
    rule: str
    optional: str = ""


@dataclass(frozen=True)
class Tally:
    """What the text says of a duty: the largest count found, or that it is mentioned without one."""

    duty: Duty
    count: int | None
    mentioned: bool


def _number(text: str) -> int:
    return int(text) if text.isdigit() else cn_to_int(text.replace("两", "二"))


def tally(text: str, duty: Duty) -> Tally:
    """The count of ``duty`` in ``text``: "党员大会4次", "4次党员大会", "每月召开支委会" (12)."""
    words = "|".join(re.escape(word) for word in sorted(duty.words, key=len, reverse=True))
    counts, mentioned = [], False
    for match in re.finditer(words, text):
        mentioned = True
        after = re.match(rf"[^{_STOP}]{{0,8}}?{_COUNT}", text[match.end():])
        before = re.search(rf"{_COUNT}[^{_STOP}]{{0,4}}$", text[max(0, match.start() - 12):match.start()])
        clause_start = max(text.rfind(mark, 0, match.start()) for mark in _STOP)
        every = [n for word, n in _EVERY.items() if word in text[clause_start + 1:match.start()]]
        for found in (after, before):
            if found:
                counts.append(_number(found.group(1)))
        counts.extend(every)
    if mentioned and not counts and duty.minimum == 1:
        counts.append(1)  # a yearly duty that is said to have been held
    return Tally(duty, max(counts) if counts else None, mentioned)


def describe(item: Tally) -> tuple[bool, str]:
    """Whether a duty meets its rule, and a line saying so."""
    duty = item.duty
    if item.count is not None and item.count >= duty.minimum:
        return True, f"{duty.name}：{item.count} 次，达到“{duty.rule}”（至少 {duty.minimum} 次）"
    if item.count is not None:
        return False, f"{duty.name}：只写了 {item.count} 次，少于“{duty.rule}”要求的 {duty.minimum} 次"
    if item.mentioned:
        return False, f"{duty.name}：提到了但没有写次数（{duty.rule}）"
    return False, f"{duty.name}：未提及（{duty.rule}）{duty.optional}"


@check("routine")
def check_routine(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Item by item: which duties meet the rule, which fall short (with the number found), which are not mentioned."""
    duties = [Duty(d["name"], tuple(d["words"]), int(d["min"]), d["rule"], d.get("optional", ""))
              for d in params.get("duties", [])]
    text = "\n".join(fact.text for fact in facts) if facts else doc.text
    where = "事实" if facts else "报告"
    results = [describe(tally(text, duty)) for duty in duties]
    locations = [Location(f"{where} · {params.get('source', '')}", line) for _, line in results]
    short = sum(not ok for ok, _ in results)
    if short:
        return Outcome(False, f"{len(duties)} 项组织生活中有 {short} 项未见达到基本要求，请核对", locations)
    return Outcome(True, f"{len(duties)} 项组织生活都达到基本要求", locations)
