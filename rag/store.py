"""Chroma access: embedded ``PersistentClient`` by default, ``HttpClient`` when a host is set.

Collections are created without an embedding function and vectors are always passed in,
so Chroma's default ONNX embedder (which downloads a model) is never created or called.
"""
from __future__ import annotations

from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from rag.config import Settings


def make_client(settings: Settings) -> Any:
    """A Chroma client for the configured mode."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def get_collection(client: Any, embedder_name: str) -> Any:
    """The chunk collection for one embedder (vectors of different models never mix)."""
    return client.get_or_create_collection(
        name=f"chunks-{embedder_name}"[:63],
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
    )


def add_batched(collection: Any, client: Any, **columns: list[Any]) -> None:
    """``collection.add`` in batches no larger than the server accepts."""
    total = len(columns["ids"])
    step = max(1, min(client.get_max_batch_size(), 5000))
    for start in range(0, total, step):
        collection.add(**{name: values[start:start + step] for name, values in columns.items()})
