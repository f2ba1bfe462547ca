"""Fidelity to the secretary's facts: which numbers and honours a text may use, which facts it covers.

Shared by the evaluation checks (a whole report) and the verifier of model output (one section).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from report.facts import Fact, numbers_in
from report.numbering import match_marker
from report.roles import report_year

HONOURS_FILE = Path(__file__).with_name("honours.yaml")
_TEXT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_CLAUSE = re.compile(r"[^，。；！？,;!?\n]+")


def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` with only letters, digits and Chinese characters, and each kept character's offset."""
    offsets = [m.start() for m in _TEXT.finditer(text)]
    return "".join(text[i] for i in offsets), offsets


def bigrams(text: str) -> set[str]:
    """Pairs of neighbouring characters, punctuation and spaces left out."""
    chars = normalise(text)[0]
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def fact_covered(fact: Fact, text_bigrams: set[str], text_numbers: set[str], min_share: float) -> bool:
    """A fact is covered when its numbers appear and most of its character pairs do."""
    grams = bigrams(fact.text)
    share = len(grams & text_bigrams) / len(grams) if grams else 1.0
    return fact.numbers <= text_numbers and share >= min_share


def missing_facts(facts: list[Fact], text: str, min_share: float = 0.6) -> list[Fact]:
    """The facts that ``text`` does not cover."""
    grams = bigrams(text)
    numbers = {value for value, _ in numbers_in(text)}
    return [fact for fact in facts if not fact_covered(fact, grams, numbers, min_share)]


def allowed_numbers(facts: list[Fact], text: str) -> set[str]:
    """Numbers a text may use: those in the facts, the report year and the year after it.

    The report year comes from the facts, or from the text itself when the facts name none.
    """
    allowed = {number for fact in facts for number in fact.numbers}
    years = {int(n) for n in allowed if n.isdigit() and 1990 <= int(n) <= 2100}
    first = report_year(text)
    if not years and first is not None:
        years.add(first)
    allowed |= {str(year + step) for year in years for step in (0, 1)}
    return allowed


@dataclass(frozen=True)
class Invented:
    """Something in a line that the facts do not support: the value, where it starts, its line."""

    value: str
    offset: int
    line: str


def invented_numbers(lines: list[str], facts: list[Fact], allowed: set[str] | None = None) -> list[Invented]:
    """Numbers in ``lines`` that are not in the facts (a line's own numbering marker aside)."""
    allowed = allowed_numbers(facts, "\n".join(lines)) if allowed is None else allowed
    found: list[Invented] = []
    for line in lines:
        marker = match_marker(line)
        skip = len(marker.text) if marker else 0
        found += [Invented(value, offset, line) for value, offset in numbers_in(line)
                  if offset >= skip and value not in allowed]
    return found


@dataclass(frozen=True)
class HonourRules:
    """The honour lexicon (report/honours.yaml), compiled."""

    titles: re.Pattern[str]
    awards: re.Pattern[str]
    levels: str
    generic: re.Pattern[str]
    mentions: re.Pattern[str]


@lru_cache(maxsize=1)
def honour_rules() -> HonourRules:
    raw = yaml.safe_load(HONOURS_FILE.read_text(encoding="utf-8"))

    def alternatives(words: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    return HonourRules(alternatives(raw["titles"]), alternatives(raw["awards"]), raw["levels"],
                       alternatives(raw["generic"]), alternatives(raw["mentions"]))


def honour_claims(text: str) -> list[tuple[str, int]]:
    """Honours a text claims, as (claim, offset): what follows an award verb up to the clause's end,
    or a title with the level words just before it (全国先进基层党组织, 县委表彰). A clause that only
    mentions an honour (评选优秀共产党员、争创先进党支部) claims nothing."""
    rules = honour_rules()
    claims: list[tuple[str, int]] = []
    for clause in _CLAUSE.finditer(text):
        body = clause.group(0)
        if rules.mentions.search(body):
            continue
        award = rules.awards.search(body)
        if award:
            claim = rules.generic.sub("", body[award.end():]).strip("“”\"' ")
            if claim:
                claims.append((claim, clause.start() + award.end()))
                continue
        for title in rules.titles.finditer(body):
            start = title.start()
            while start > 0 and body[start - 1] in rules.levels:
                start -= 1
            claims.append((body[start:title.end()], clause.start() + start))
    return claims


def invented_honours(lines: list[str], facts: list[Fact]) -> list[Invented]:
    """Honour claims in ``lines`` that no single fact names (level words included)."""
    fact_texts = [normalise(fact.text)[0] for fact in facts]
    found: list[Invented] = []
    for line in lines:
        for claim, offset in honour_claims(line):
            key = normalise(claim)[0]
            if key and not any(key in fact for fact in fact_texts):
                found.append(Invented(claim, offset, line))
    return found
