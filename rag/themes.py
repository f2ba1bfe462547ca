"""The themes of a branch work report (rag/themes.yaml): headings, lead sentences and topic keywords."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from report import Role

THEMES_FILE = Path(__file__).with_name("themes.yaml")
DEFAULT_THEME = "service"  # a fact with no topic word is most often the branch's central work


@dataclass(frozen=True)
class Theme:
    """A theme of the genre: its role, default heading, lead sentence and keywords."""

    id: str
    role: Role
    heading: str
    lead: str
    keywords: tuple[str, ...]


@lru_cache(maxsize=1)
def load_themes() -> tuple[Theme, ...]:
    """The themes of rag/themes.yaml, in order."""
    raw = yaml.safe_load(THEMES_FILE.read_text(encoding="utf-8"))
    return tuple(Theme(t["id"], Role(t["role"]), t["heading"], t["lead"], tuple(t["keywords"])) for t in raw)


def topical_themes() -> tuple[Theme, ...]:
    """The themes a fact can be about (those with keywords), in order."""
    return tuple(theme for theme in load_themes() if theme.keywords)


def find_theme(theme_id: str) -> Theme | None:
    """The theme with ``theme_id``, or None (a section the secretary added to the outline)."""
    return next((theme for theme in load_themes() if theme.id == theme_id), None)


def theme_by_id(theme_id: str) -> Theme:
    """The theme with ``theme_id`` (one of rag/themes.yaml)."""
    theme = find_theme(theme_id)
    if theme is None:
        raise KeyError(theme_id)
    return theme


def keyword_score(text: str, theme: Theme) -> int:
    """How strongly ``text`` speaks of ``theme``: total length of its keywords found."""
    return sum(len(word) for word in theme.keywords if word in text)
