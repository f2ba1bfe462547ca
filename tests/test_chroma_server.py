"""Server mode: the same index and search code against a real ``chroma run`` on localhost."""
from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

from core.config import load_settings
from rag.index import Index
from rag.retrieve import Retriever
from tests.conftest import sample
from tests.servers import free_port, running


def test_index_and_search_through_a_chroma_server(tmp_path: Path) -> None:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chroma CLI ships with the chromadb package"
    port = free_port()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sample("004"), corpus)
    settings = replace(
        load_settings({}).with_paths(data_dir=tmp_path / "data", corpus_dir=corpus),
        chroma_host="127.0.0.1", chroma_port=port,
    )
    command = [chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", tmp_path / "chroma.log"):
        index = Index(settings)
        assert type(index.client).__name__ != "PersistentClient"
        result = index.sync()
        assert result.added == [sample("004").name] and index.count() == result.embedded_chunks
        hits = Retriever(index).search("选派突击队支援防汛救灾", k=3)
        assert "三是扛稳政治责任" in hits[0].section
        assert Index(settings).sync().embedded_chunks == 0
    assert not (tmp_path / "data" / "chroma").exists(), "server mode must not create a local store"
