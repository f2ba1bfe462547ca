"""Shared fixtures: tests never touch the user's data directory, and never download a model."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, Settings, load_settings

CORPUS = PROJECT_ROOT / "corpus"
SAMPLES = sorted(CORPUS.glob("*.txt"))


if "mutmut" in sys.modules:
    # mutmut's fork server imports this file once: load jieba's dictionary and the pinyin readings
    # here, so that each forked mutant run does not spend its time budget loading them again.
    from eval.proofread import proofread

    proofread("推动推动工作")


SLOW_FIXTURES = {"retriever", "indexed_settings", "server", "app"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need the real index, a server, the page or a CLI subprocess are marked ``slow``
    (mutation testing leaves them out: each mutant would rebuild the index or start processes)."""
    for item in items:
        source = getattr(getattr(item, "function", None), "__code__", None)
        calls_cli = source is not None and "run_module" in source.co_names
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or calls_cli:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the data directory at a temporary folder so tests never see real state."""
    monkeypatch.setenv("REPORT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    for name in ("LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                 "OPENAI_MODEL", "CHROMA_HOST", "EMBED_MODEL", "EMBED_BASE_URL", "E5_ENGINE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True, scope="session")
def _no_chroma_default_embedder() -> None:
    """Fail loudly if Chroma's own ONNX embedder (which downloads a model) is ever used."""
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2 as onnx

    def refuse(*_args, **_kwargs):
        raise AssertionError("Chroma's default embedding function was invoked")

    patcher = pytest.MonkeyPatch()
    patcher.setattr(onnx.ONNXMiniLM_L6_V2, "__call__", refuse)
    patcher.setattr(onnx.ONNXMiniLM_L6_V2, "_download_model_if_not_exists", refuse)
    yield
    patcher.undo()


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data directory holds an index of the sample corpus (built once a session)."""
    root = tmp_path_factory.mktemp("indexed")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = load_settings({}).with_paths(data_dir=root / "data", corpus_dir=corpus)
    from rag.index import Index

    Index(settings).sync()
    return settings


@pytest.fixture(scope="session")
def retriever(indexed_settings: Settings):
    """A retriever over the indexed sample corpus."""
    from rag.index import Index
    from rag.retrieve import Retriever

    return Retriever(Index(indexed_settings))


@pytest.fixture()
def server():
    """A local OpenAI-compatible server (tests/fake_openai.py) on a free port."""
    from tests.fake_openai import FakeOpenAIServer

    with FakeOpenAIServer() as state:
        yield state


def sample(prefix: str) -> Path:
    """The sample report whose file name starts with ``prefix``."""
    return next(path for path in SAMPLES if path.name.startswith(prefix))


def run_module(module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m module args`` from the project root, capturing its text output."""
    return subprocess.run([sys.executable, "-m", module, *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
