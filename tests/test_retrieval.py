"""Chunking, incremental indexing, hybrid retrieval and the ``python -m rag`` CLI."""
from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from rag.chunks import chunk_report
from core.config import Settings, load_settings
from rag.corpus import describe_corpus
from report import ReportLoadError
from rag.index import Index
from rag.retrieve import Mode, Retriever
from report import Role, load_report
from tests.conftest import CORPUS, SAMPLES, run_module, sample


def test_chunks_follow_the_report_structure() -> None:
    chunks = chunk_report(load_report(sample("000")), "000.txt")
    assert chunks[0].role == Role.OPENING and chunks[-1].role == Role.CLOSING
    item = next(c for c in chunks if c.section.endswith("1.加强政治理论学习"))
    assert item.section.startswith("一、强化党建引领，注重自身建设 > ") and item.level == 2
    assert item.text.startswith("1.加强政治理论学习。") and item.text.endswith("坚持党史学习教育常态化长效化。")
    lengths = {len(c.text) for c in chunks}
    assert len(lengths) > 10, "chunks are the model's units, not fixed-size windows"


def test_every_sample_chunk_has_metadata_roles() -> None:
    roles = Counter(c.role for path in SAMPLES for c in chunk_report(load_report(path), path.name))
    assert roles[Role.PROBLEMS] >= 3 and roles[Role.NEXT_STEPS] >= 8 and roles[Role.ACHIEVEMENT] > 50


def test_hybrid_search_finds_the_labelled_section(retriever: Retriever) -> None:
    hits = retriever.search("选派突击队支援防汛救灾", k=5)
    assert hits[0].report.startswith("004") and "三是扛稳政治责任" in hits[0].section
    assert {"report", "section", "role", "text", "score"} <= set(hits[0].to_dict())


def test_role_filter_returns_only_that_role(retriever: Retriever) -> None:
    hits = retriever.search("工作中存在的不足和差距", k=5, role="problems")
    assert hits and all(hit.role == "problems" for hit in hits)
    assert any(hit.report.startswith("003") for hit in hits)


def test_diversity_limits_one_report_while_others_remain(retriever: Retriever) -> None:
    hits = retriever.search("强化支部建设 注重强基固本 落实党内组织生活 夯实党建基础工作", k=5)
    assert max(Counter(hit.report for hit in hits).values()) <= 2
    undiversified = retriever.search("强化支部建设 注重强基固本 落实党内组织生活 夯实党建基础工作", k=5, per_report=5)
    assert Counter(hit.report for hit in undiversified).most_common(1)[0][1] >= 3


@pytest.mark.parametrize("mode", list(Mode))
def test_every_mode_answers(retriever: Retriever, mode: Mode) -> None:
    hits = retriever.search("三会一课", k=3, mode=mode)
    assert len(hits) == 3


def test_blank_query_returns_nothing(retriever: Retriever) -> None:
    assert retriever.search("   ") == []


def small_corpus(root: Path) -> Settings:
    corpus = root / "corpus"
    corpus.mkdir()
    for prefix in ("002", "004"):
        shutil.copy(sample(prefix), corpus)
    return load_settings({}).with_paths(data_dir=root / "data", corpus_dir=corpus)


def test_indexing_is_incremental(tmp_path: Path) -> None:
    settings = small_corpus(tmp_path)
    index = Index(settings)
    first = index.sync()
    assert len(first.added) == 2 and first.embedded_chunks == index.count()

    again = index.sync()
    assert again.embedded_chunks == 0 and len(again.unchanged) == 2 and not again.changed

    changed = sample("004").name
    path = settings.corpus_dir / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n全体党员表示，将继续努力。\n", encoding="utf-8")
    (settings.corpus_dir / sample("002").name).unlink()
    result = Index(settings).sync()
    assert result.updated == [changed] and result.removed == [sample("002").name]
    assert set(Index(settings).indexed_reports()) == {changed}


def test_unreadable_corpus_file_is_reported_not_fatal(tmp_path: Path) -> None:
    settings = small_corpus(tmp_path)
    (settings.corpus_dir / "broken.txt").write_bytes(b"\x00\x01\x02")
    result = Index(settings).sync()
    assert any("broken.txt" in error for error in result.errors) and len(result.added) == 2


def test_corpus_listing_parses_a_file_again_only_when_it_changes(tmp_path: Path) -> None:
    settings = small_corpus(tmp_path)
    first, _ = describe_corpus(settings.corpus_dir)
    again, _ = describe_corpus(settings.corpus_dir)
    assert [a is b for a, b in zip(first, again)] == [True, True]  # the page reruns often
    path = settings.corpus_dir / first[0].name
    path.write_text(path.read_text(encoding="utf-8") + "\n全体党员表示，将继续努力。\n", encoding="utf-8")
    changed, _ = describe_corpus(settings.corpus_dir)
    assert changed[0] is not first[0] and changed[0].digest != first[0].digest and changed[1] is first[1]


def test_cli_index_and_search_json(indexed_settings: Settings) -> None:
    env = {**os.environ, "REPORT_DATA_DIR": str(indexed_settings.data_dir),
           "REPORT_CORPUS_DIR": str(indexed_settings.corpus_dir)}
    indexed = run_module("rag", "index", env=env)
    assert indexed.returncode == 0 and "未变 5" in indexed.stdout
    found = run_module("rag", "search", "存在的问题和不足", "-k", "3", "--role", "problems", "--json", env=env)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert len(hits) == 3 and all(hit["role"] == "problems" for hit in hits)
    assert all({"report", "section", "role", "text", "score"} <= set(hit) for hit in hits)
    blank = run_module("rag", "search", " ", env=env)
    assert blank.returncode == 2 and "查询内容为空" in blank.stderr


def test_an_upload_never_silently_replaces_a_report(tmp_path: Path) -> None:
    from rag.corpus import MAX_UPLOAD_MB, NameClashError, add_file

    text = (CORPUS / sorted(p.name for p in CORPUS.glob("*.txt"))[0]).read_bytes()
    first = add_file(tmp_path, "报告.txt", text)
    with pytest.raises(NameClashError, match="已有 报告.txt"):
        add_file(tmp_path, "报告.txt", text + "补充。".encode())
    both = add_file(tmp_path, "报告.txt", text + "补充。".encode(), replace=False)
    assert both.name == "报告（2）.txt" and first.read_bytes() == text
    assert add_file(tmp_path, "报告.txt", text + "替换。".encode(), replace=True) == first
    assert first.read_bytes().endswith("替换。".encode())
    with pytest.raises(ReportLoadError, match=f"超过 {MAX_UPLOAD_MB} MB"):
        add_file(tmp_path, "大.txt", text * (MAX_UPLOAD_MB * 1024 * 1024 // len(text) + 1))
