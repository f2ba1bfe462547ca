"""Prompt templates live in prompts/*.md, loaded by name; ``${name}`` placeholders are filled here.

The templates are versioned as data: :func:`prompt_version` names the exact text of them all, and
every draft records it."""
from __future__ import annotations

import hashlib
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


@lru_cache(maxsize=1)
def prompt_version() -> str:
    """``prompts@`` and a short hash of every template's text: two drafts with the same version were
    written with the same prompts."""
    digest = hashlib.sha1()
    for path in sorted(PROMPTS_DIR.glob("*.md")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"prompts@{digest.hexdigest()[:10]}"
