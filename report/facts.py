"""The secretary's bullet facts and the numbers in a text: shared by drafting and evaluation."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from report.numbering import cn_to_int

_BULLET = re.compile(r"^\s*(?:[-•·*＊●◆▪►]|\d{1,2}[.．、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}[、.．])\s*")
_ARABIC = re.compile(r"(?<![\d.])(\d+(?:[.,]\d+)*)(?:\s*(%|％))?")
_CN_QUANTITY = re.compile(r"(?<!第)([一二三四五六七八九十百千万两]{2,6})(?=[次名人个项场篇期家批余多万元条件份届年月天])")
_CN_VALUE = re.compile(r"^[一二三四五六七八九十]+$")
MAX_FACT_CHARS = 20000


@dataclass(frozen=True)
class Fact:
    """One line of the user's facts, without its bullet."""

    text: str
    numbers: frozenset[str] = field(default_factory=frozenset)


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


def parse_facts(text: str) -> list[Fact]:
    """Split free text into facts, one a line; bullets ("-", "•", "1.", "（1）", "一、") are dropped."""
    facts = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        body = _BULLET.sub("", line, count=1).strip()
        if body:
            facts.append(Fact(body, frozenset(value for value, _ in numbers_in(body))))
    return facts
