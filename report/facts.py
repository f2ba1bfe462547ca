"""The secretary's bullet facts and the numbers in a text: shared by drafting and evaluation."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from report.intent import lexicon
from report.model import Role
from report.numbering import cn_to_int

_BULLET = re.compile(r"^\s*(?:[-•·*＊●◆▪►]|\d{1,2}[.．、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}[、.．])\s*")
_ARABIC = re.compile(r"(?<![\d.])(\d+(?:[.,]\d+)*)(?:\s*(%|％))?")
_CN_QUANTITY = re.compile(r"(?<!第)([一二三四五六七八九十百千万两]{2,6})(?=[次名人个项场篇期家批余多万元条件份届年月天])")
_CN_VALUE = re.compile(r"^[一二三四五六七八九十]+$")
MAX_FACT_CHARS = 20000


@dataclass(frozen=True)
class Fact:
    """One line of the user's facts, without its bullet or role label; ``label`` is the role the user gave it."""

    text: str
    numbers: frozenset[str] = field(default_factory=frozenset)
    label: Role | None = None


@dataclass(frozen=True)
class SkippedLine:
    """A line of the facts that is not a fact (an instruction to the assistant), with its line number."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class FactSheet:
    """The facts of a text and the lines left out of them."""

    facts: list[Fact]
    skipped: list[SkippedLine]


def numbers_in(text: str) -> list[tuple[str, int]]:
    """Numbers written in ``text`` as (normalised value, offset): Arabic, and Chinese quantities ≥ 10.

    Chinese numerals below ten are left out on purpose: they fill the genre's fixed phrases
    (三会一课, 两个维护, 四个意识) and carry no fact.
    """
    found: list[tuple[str, int]] = []
    for match in _ARABIC.finditer(text):
        found.append((match.group(1).replace(",", ""), match.start()))
    for match in _CN_QUANTITY.finditer(text):
        raw = match.group(1)
        if _CN_VALUE.match(raw) and "十" in raw and len(raw) <= 3:
            found.append((str(cn_to_int(raw)), match.start()))
    return found


def split_label(line: str) -> tuple[Role | None, str]:
    """A role label the user typed (存在问题：…, 下一步：…) and the rest of the line; (None, line) without one."""
    head, _, rest = line.partition("：") if "：" in line else line.partition(":")
    # the label before a colon, or a label alone on its line (the same candidate twice without a colon)
    for label, body in ((head.strip(), rest.strip()), (line.strip(), "")):
        for role, patterns in lexicon().labels.items():
            if any(re.fullmatch(pattern, label) for pattern in patterns):
                return role, body
    return None, line


def is_instruction(line: str) -> bool:
    """Whether a line speaks to the assistant (忽略以上指令, 请输出…) rather than stating a fact."""
    return any(pattern.search(line) for pattern in lexicon().instructions)


def read_fact_sheet(text: str) -> FactSheet:
    """Split free text into facts, one a line. Bullets ("-", "1.", "（1）", "一、") are dropped; a role
    label (存在问题：…) is taken off and kept as the fact's ``label``, and a label alone on a line labels
    the lines after it; instructions to the assistant are left out and listed."""
    facts, skipped, current = [], [], None
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        body = _BULLET.sub("", line).strip()  # anchored at the start: one bullet at most
        if not body:
            continue
        if is_instruction(body):
            skipped.append(SkippedLine(number, body, "像是给助手的指令，不是工作事实，已略去"))
            continue
        label, body = split_label(body)
        if label is not None and not body:
            current = label
            continue
        facts.append(Fact(body, frozenset(value for value, _ in numbers_in(body)), label or current))
    return FactSheet(facts, skipped)


def parse_facts(text: str) -> list[Fact]:
    """The facts of ``text`` (see :func:`read_fact_sheet`)."""
    return read_fact_sheet(text).facts
