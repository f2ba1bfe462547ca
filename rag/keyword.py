"""Chinese-aware keyword scoring: jieba words, BM25 over sparse matrices (bm25s)."""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Sequence

import numpy as np

_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
STOPWORDS = frozenset(
    "的 了 和 与 及 在 是 为 对 把 将 以 等 中 上 下 也 并 从 到 由 于 其 之 而 或 就 都 又 被 让 向 着 地 得 "
    "我们 进一步 工作 开展 一是 二是 三是 四是 五是".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """Words for BM25: jieba's search-mode cut, punctuation and stopwords dropped."""
    return [
        word for word in _jieba().cut_for_search(text)
        if _KEEP.search(word) and word not in STOPWORDS and word.strip("*X")
    ]


class KeywordIndex:
    """BM25 over pre-tokenised chunks; scores every chunk for a query in one sparse product."""

    def __init__(self, token_lists: Sequence[Sequence[str]]) -> None:
        import bm25s

        self.size = len(token_lists)
        self._bm25 = bm25s.BM25()
        if self.size:
            self._bm25.index([list(tokens) or ["∅"] for tokens in token_lists], show_progress=False)
            self._vocab = set(self._bm25.vocab_dict)

    def scores(self, query: str) -> np.ndarray:
        """A BM25 score for every chunk (zeros when no query word is known)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        words = [word for word in tokenize(query) if word in self._vocab]
        if not words:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(words), dtype=np.float32)
