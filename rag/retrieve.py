"""Hybrid retrieval: dense (Chroma) + keyword (BM25), fused by reciprocal rank, diversified."""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.fusion import diversify, fuse
from rag.index import Index
from rag.keyword import KeywordIndex

# Keyword ranks weigh more: BM25 over jieba words finds the genre's fixed terms better than the
# small e5 model; dense still rescues paraphrases. Chosen on the tune half of bench/queries.yaml
# (`python -m bench.retrieval` sweeps it; the test half is only reported).
KEYWORD_WEIGHT = 2.0
OVERFETCH = 2


MAX_QUERY_CHARS = 1000  # a query is a sentence or a heading; a page of text is not


def check_query(query: str) -> None:
    """ValueError (Chinese, naming the limit) for a query longer than MAX_QUERY_CHARS."""
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"检索内容过长（{len(query)} 字），上限 {MAX_QUERY_CHARS} 字")


class Mode(str, Enum):
    """Which rankings feed the result."""

    HYBRID = "hybrid"
    DENSE = "dense"
    KEYWORD = "keyword"


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk."""

    id: str
    report: str
    section: str
    role: str
    level: int
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


if TYPE_CHECKING:
    from rag.verify import CopyGuard


class Retriever:
    """Searches an :class:`Index`; the keyword side is rebuilt when the index changes."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._lock = threading.Lock()  # the page shares one retriever across sessions
        self._built_version = -1
        self._ids: list[str] = []
        self._rows: dict[str, tuple[str, dict[str, Any]]] = {}
        self._roles = np.zeros(0, dtype=object)
        self._keyword = KeywordIndex([])
        self._guard: tuple[int, CopyGuard] | None = None

    def refresh(self) -> None:
        """Reload chunk texts and BM25 words from the index if it changed."""
        with self._lock:
            if self._built_version != self.index.version:
                self._reload()

    def _reload(self) -> None:
        got = self.index.collection.get(include=["documents", "metadatas"])
        self._ids = list(got["ids"])
        self._rows = {i: (doc, meta) for i, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])}
        self._roles = np.array([meta["role"] for meta in got["metadatas"]], dtype=object)
        self._keyword = KeywordIndex([meta.get("tokens", "").split() for meta in got["metadatas"]])
        self._built_version = self.index.version

    def copy_guard(self) -> CopyGuard:
        """A guard against spans copied from any indexed report (built once per index version)."""
        from eval.proofread import load_lexicon
        from rag.verify import CopyGuard

        self.refresh()
        with self._lock:
            if self._guard is None or self._guard[0] != self._built_version:
                texts = [text for text, _ in self._rows.values()]
                self._guard = (self._built_version, CopyGuard(texts, load_lexicon().terms))
            return self._guard[1]

    def counts(self) -> tuple[int, int]:
        """(reports, chunks) in the index, from the table already loaded for search."""
        self.refresh()
        return len({meta["report"] for _, meta in self._rows.values()}), len(self._ids)

    def warm(self) -> None:
        """Load everything the first search needs (chunk table, word cutter, query embedder)."""
        self.search("党支部工作", k=1)

    def dense_ranking(self, query: str, depth: int, role: str | None) -> list[str]:
        """Chunk ids by cosine similarity to the query."""
        count = len(self._ids)
        if not count:
            return []
        vector = self.index.embedder.embed_query(query).tolist()
        if role:
            # Chroma's metadata filter is slow at scale; over-fetch unfiltered in proportion to the
            # role's share and filter here, falling back to the filter only when too few remain.
            matching = int(np.sum(self._roles == role))
            if not matching:
                return []
            found = self._query(vector, min(count, depth * OVERFETCH * count // matching))
            kept = [i for i in found if i in self._rows and self._rows[i][1]["role"] == role][:depth]
            if len(kept) >= min(depth, matching):
                return kept
        return self._query(vector, min(depth, count), {"role": role} if role else None)

    def _query(self, vector: list[float], size: int, where: dict[str, str] | None = None) -> list[str]:
        result = self.index.collection.query(query_embeddings=[vector], n_results=size, where=where, include=[])
        return list(result["ids"][0])

    def keyword_ranking(self, query: str, depth: int, role: str | None) -> list[str]:
        """Chunk ids by BM25 score (chunks without any query word are left out)."""
        scores = self._keyword.scores(query)
        if not len(scores):
            return []
        if role:
            scores = np.where(self._roles == role, scores, 0.0)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top])]
        return [self._ids[i] for i in top if scores[i] > 0]

    def search(
        self,
        query: str,
        k: int = 5,
        role: str | None = None,
        mode: Mode = Mode.HYBRID,
        per_report: int = 2,
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query``; at most ``per_report`` from one report while others remain.
        A query longer than MAX_QUERY_CHARS is a ValueError (Chinese) before any work is done."""
        check_query(query)
        if not query.strip() or k <= 0:
            return []
        self.refresh()
        depth = max(50, 5 * k)
        rankings: list[tuple[float, list[str]]] = []
        if mode in (Mode.HYBRID, Mode.DENSE):
            rankings.append((1.0, self.dense_ranking(query, depth, role)))
        if mode in (Mode.HYBRID, Mode.KEYWORD):
            rankings.append((KEYWORD_WEIGHT, self.keyword_ranking(query, depth, role)))
        fused = dict(fuse(rankings, self._rows))
        reports = {chunk_id: self._rows[chunk_id][1]["report"] for chunk_id in fused}
        return [self._hit(chunk_id, fused[chunk_id]) for chunk_id in diversify(list(fused), reports, k, per_report)]

    def _hit(self, chunk_id: str, score: float) -> Hit:
        text, meta = self._rows[chunk_id]
        return Hit(chunk_id, meta["report"], meta["section"], meta["role"], int(meta["level"]), text, round(score, 6))
