"""What a sentence is for — achievement, shortcoming or plan — from the cue families of intent.yaml."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from report.model import Role

INTENT_FILE = Path(__file__).with_name("intent.yaml")
FACT_ROLES = (Role.ACHIEVEMENT, Role.PROBLEMS, Role.NEXT_STEPS)
_HIDDEN = "□"


@dataclass(frozen=True)
class Family:
    """A family of cues: one role, one weight, counted once however many patterns match."""

    name: str
    role: Role
    weight: float
    why: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """The contents of intent.yaml."""

    hide: tuple[re.Pattern, ...]
    prior: float
    families: tuple[Family, ...]
    low_confidence: float
    labels: dict[Role, tuple[str, ...]]
    instructions: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Reading:
    """A sentence's role, how sure the reading is (0–1), the cue families that decided it, each role's score."""

    role: Role
    confidence: float
    cues: tuple[str, ...]
    scores: dict[Role, float]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """intent.yaml, loaded once."""
    raw = yaml.safe_load(INTENT_FILE.read_text(encoding="utf-8"))
    families = tuple(Family(f["name"], Role(f["role"]), float(f["weight"]), f["why"], tuple(f["patterns"]))
                     for f in raw["families"])
    return Lexicon(tuple(re.compile(p) for p in raw["hide"]), float(raw["prior"]), families,
                   float(raw["low_confidence"]), {Role(role): tuple(words) for role, words in raw["labels"].items()},
                   tuple(re.compile(p) for p in raw["instructions"]))


@lru_cache(maxsize=16)
def _compiled(year: int | None) -> tuple[tuple[Family, tuple[re.Pattern, ...]], ...]:
    """Each family with its patterns compiled for ``year`` (patterns needing a year are dropped without one)."""
    compiled = []
    for family in lexicon().families:
        patterns = []
        for pattern in family.patterns:
            if "{year}" in pattern or "{next}" in pattern:
                if year is None:
                    continue
                pattern = pattern.replace("{year}", str(year)).replace("{next}", str(year + 1))
            patterns.append(re.compile(pattern))
        compiled.append((family, tuple(patterns)))
    return tuple(compiled)


def hide_quoted(text: str) -> str:
    """``text`` with titles and quotations blanked out (same length)."""
    for pattern in lexicon().hide:
        text = pattern.sub(lambda m: _HIDDEN * len(m.group(0)), text)
    return text


def read_intent(text: str, year: int | None = None) -> Reading:
    """The role a secretary would give ``text``: scores of the matching cue families, softmax confidence."""
    scores = {role: 0.0 for role in FACT_ROLES}
    scores[Role.ACHIEVEMENT] = lexicon().prior
    cues = []
    rest = hide_quoted(text.strip())
    for family, patterns in _compiled(year):
        matched = False
        for pattern in patterns:
            if pattern.search(rest):
                matched = True
                rest = pattern.sub(lambda m: _HIDDEN * len(m.group(0)), rest)
        if matched:
            scores[family.role] += family.weight
            cues.append(family.name)
    total = sum(math.exp(score) for score in scores.values())
    # On a tie the cues of a problem or a plan win: the prior only decides when nothing else does.
    role = max(FACT_ROLES, key=lambda r: (scores[r], r != Role.ACHIEVEMENT))
    return Reading(role, math.exp(scores[role]) / total, tuple(cues), scores)


def family_why(name: str) -> str:
    """The plain-language reason behind a cue family."""
    return next((family.why for family in lexicon().families if family.name == name), name)
