"""Assign roles by meaning: which blocks name problems, next steps or a closing resolve.

Headings are read as noun phrases (存在的问题, 工作打算) versus deeds (着力解决…问题, 创新工作思路);
paragraphs by their intent (report/intent.py) and whether they announce what follows. The word
lists are data, in the ``headings`` part of intent.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from report.intent import INTENT_FILE, read_intent
from report.model import Role

_YEAR = re.compile(r"(20\d\d)\s*年")
_NEXT_LEAD = re.compile(r"^(下一步|明年|来年|今后|新的一年|新一年|20\d\d年)")


@dataclass(frozen=True)
class HeadingWords:
    """The heading word lists of intent.yaml, compiled."""

    future: str
    problem_nouns: re.Pattern
    plan_nouns: re.Pattern
    acting_verbs: re.Pattern
    joiners: re.Pattern
    announces: re.Pattern


@lru_cache(maxsize=1)
def heading_words() -> HeadingWords:
    raw = yaml.safe_load(INTENT_FILE.read_text(encoding="utf-8"))["headings"]
    return HeadingWords(raw["future"], re.compile(raw["problem_nouns"]), re.compile(raw["plan_nouns"]),
                        re.compile(raw["acting_verbs"]), re.compile(raw["joiners"]), re.compile(raw["announces"]))


@lru_cache(maxsize=16)
def _future(year: int | None) -> re.Pattern:
    pattern = heading_words().future
    return re.compile(pattern.replace("|{next}年", "") if year is None else pattern.replace("{next}", str(year + 1)))


def report_year(text: str) -> int | None:
    """The first year named in the text (the year the report covers), if any."""
    found = _YEAR.search(text)
    return int(found.group(1)) if found else None


def is_label(line: str) -> bool:
    """A short label line such as ``下一步打算：`` or ``存在的问题``."""
    return len(line) <= 20 and not re.search(r"[。；;]", line)


def _noun_phrase(part: str, nouns: re.Pattern) -> bool:
    """``part`` ends in one of ``nouns`` and no verb acts on it (a 的 before it makes it a noun phrase again)."""
    found = nouns.search(part)
    if not found:
        return False
    before = part[:found.start()]
    return not heading_words().acting_verbs.search(before) or before.endswith("的")


def heading_role(heading: str, year: int | None = None) -> Role | None:
    """PROBLEMS or NEXT_STEPS when a heading names them, else None (a heading of work done)."""
    title = heading.strip().rstrip("。：:；;！!，,")
    words = heading_words()
    if _future(year).search(title):
        return Role.NEXT_STEPS
    if re.search(r"[，,]", title):
        return None
    parts = [part for part in words.joiners.split(title) if part]
    if any(_noun_phrase(part, words.problem_nouns) for part in parts):
        return Role.PROBLEMS
    if any(_noun_phrase(part, words.plan_nouns) for part in parts):
        return Role.NEXT_STEPS
    return None


def unnumbered_block_role(line: str, year: int | None = None) -> Role | None:
    """The role of an unnumbered paragraph that starts a problems or next-steps block."""
    role = heading_role(line, year) if is_label(line) else None
    if role is not None or not heading_words().announces.search(line):
        return role
    # A concession (尽管取得了成效，但仍存在以下问题) announces what its cues of problems or plans say.
    scores = read_intent(line[:120], year).scores
    if scores[Role.PROBLEMS] > 0 and scores[Role.PROBLEMS] >= scores[Role.NEXT_STEPS]:
        return Role.PROBLEMS
    return Role.NEXT_STEPS if scores[Role.NEXT_STEPS] > 0 else None


def numbered_section_role(heading: str, intro: str, year: int | None) -> Role:
    """The role of a numbered top-level section from its heading and the start of its text."""
    role = heading_role(heading, year)
    if role is not None:
        return role
    start = intro[:120]
    if _NEXT_LEAD.match(start) and re.search(r"将|要|继续", start):
        later = report_year(start)
        if later is None or year is None or later > year:
            return Role.NEXT_STEPS
    return Role.ACHIEVEMENT
