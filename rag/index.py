"""Keep the Chroma index in step with the corpus folder, incrementally by content hash."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from rag.chunks import Chunk, chunk_report
from core.config import Settings
from rag.corpus import CorpusMissingError, content_digest, corpus_paths, parse_corpus_bytes
from rag.embed import Embedder, make_embedder
from rag.keyword import tokenize
from rag.store import add_batched, drop_stale_collections, get_collection, make_client
from report import ReportLoadError


# Bump when chunking, embedding input or stored metadata change: every report is then re-indexed.
INDEX_FORMAT = "3"


@dataclass
class SyncResult:
    """What one sync did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    embedded_chunks: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the index content changed."""
        return bool(self.added or self.updated or self.removed)


def chunk_metadata(chunk: Chunk, digest: str) -> dict[str, Any]:
    """Chroma metadata of a chunk, including its BM25 words so keyword search needs no re-cut."""
    return {
        "report": chunk.report,
        "report_hash": digest,
        "section": chunk.section,
        "role": chunk.role.value,
        "level": chunk.level,
        "position": chunk.position,
        "tokens": " ".join(tokenize(f"{chunk.section}\n{chunk.text}")),
    }


class Index:
    """The chunk collection of one corpus, with its embedder."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, client: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.client = client or make_client(settings)
        self.collection = get_collection(self.client, self.embedder.name)
        self.dropped = [] if settings.chroma_host else drop_stale_collections(self.client, self.embedder.name)
        self.version = 0

    def indexed_reports(self) -> dict[str, str]:
        """Report name → content hash, as stored in the index."""
        metadatas = self.collection.get(include=["metadatas"])["metadatas"] or []
        return {meta["report"]: meta["report_hash"] for meta in metadatas}

    def count(self) -> int:
        """Number of chunks in the index."""
        return self.collection.count()

    def add_chunks(self, chunks: list[Chunk], digest: str) -> None:
        """Embed and store chunks of one report."""
        if not chunks:
            return
        vectors = self.embedder.embed_passages([chunk.embed_text for chunk in chunks])
        add_batched(
            self.collection, self.client,
            ids=[chunk.id for chunk in chunks],
            embeddings=[vector.tolist() for vector in vectors],
            documents=[chunk.text for chunk in chunks],
            metadatas=[chunk_metadata(chunk, digest) for chunk in chunks],
        )

    def rebuild(self, progress: Callable[[str], None] | None = None) -> SyncResult:
        """Drop every chunk and index the corpus again (cached embeddings make this quick)."""
        self.client.delete_collection(self.collection.name)
        self.collection = get_collection(self.client, self.embedder.name)
        self.version += 1
        return self.sync(progress)

    def remove_report(self, name: str) -> None:
        """Drop every chunk of a report."""
        self.collection.delete(where={"report": name})

    def sync(self, progress: Callable[[str], None] | None = None) -> SyncResult:
        """Bring the index in line with the corpus folder: embed only new or changed reports.

        A corpus folder that does not exist is an error, never "every report was removed"."""
        if not self.settings.corpus_dir.is_dir():
            raise CorpusMissingError(f"语料目录不存在：{self.settings.corpus_dir}（请检查 REPORT_CORPUS_DIR），索引未改动")
        started = time.perf_counter()
        result = SyncResult()
        stored = self.indexed_reports()
        present: set[str] = set()
        for path in corpus_paths(self.settings.corpus_dir):
            present.add(path.name)
            try:
                data = path.read_bytes()
                digest = f"{INDEX_FORMAT}:{content_digest(data)}"
                if stored.get(path.name) == digest:  # unchanged: not even parsed again
                    result.unchanged.append(path.name)
                    continue
                corpus_file = parse_corpus_bytes(path.name, data)
            except (ReportLoadError, OSError) as error:
                result.errors.append(str(error) if isinstance(error, ReportLoadError) else f"{path.name}：{error}")
                continue
            if progress:
                progress(f"索引 {path.name}")
            chunks = chunk_report(corpus_file.report, path.name)
            if path.name in stored:
                self.remove_report(path.name)
                result.updated.append(path.name)
            else:
                result.added.append(path.name)
            self.add_chunks(chunks, digest)
            result.embedded_chunks += len(chunks)
        for name in sorted(set(stored) - present):
            self.remove_report(name)
            result.removed.append(name)
        if result.changed:
            self.version += 1
        result.seconds = time.perf_counter() - started
        return result
