"""Prompt templates live in prompts/*.md, loaded by name; ``${name}`` placeholders are filled here."""
from __future__ import annotations

import re
from functools import lru_cache
from string import Template

from core.config import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
_HEADER = re.compile(r"\A\s*<!--.*?-->\s*", re.S)


@lru_cache(maxsize=None)
def load_prompt(name: str) -> Template:
    """The template ``prompts/<name>.md`` without its header comment."""
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"prompt template not found: {path}")
    return Template(_HEADER.sub("", path.read_text(encoding="utf-8"), count=1).strip())


def render_prompt(name: str, **variables: object) -> str:
    """Fill the template; a missing variable raises KeyError naming it."""
    return load_prompt(name).substitute({key: str(value) for key, value in variables.items()})
