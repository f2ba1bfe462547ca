"""The draft session shared by the page and the CLI, the cleanup of stale collections, and the
model writer's own logic — with in-process fakes (no HTTP, no real vectors)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import LLMConfig, load_settings
from history import HistoryStore
from rag.draft import draft_report
from rag.index import Index
from rag.model_writer import LLMWriter
from rag.offline import OfflineWriter
from rag.outline import DraftOptions, OutlinePlan, fact_rows
from rag.retrieve import Retriever
from rag.revise import RevisionError, revise
from rag.session import DraftSession
from report import section_text, to_text
from tests.conftest import CORPUS
from tests.fakes import FakeChat, HashEmbedder

FACTS = (Path(__file__).parent / "facts" / "numbers.txt").read_text(encoding="utf-8")
OPTIONS = DraftOptions(unit="机关第一党支部", year="2024")


def hashed_retriever(tmp_path: Path, name: str = "hash-test") -> Retriever:
    settings = load_settings({}).with_paths(data_dir=tmp_path / "data", corpus_dir=CORPUS)
    index = Index(settings, HashEmbedder(name))
    index.sync()
    return Retriever(index)


def test_session_saves_every_change_and_reopens_with_facts_and_flags(tmp_path: Path) -> None:
    retriever = hashed_retriever(tmp_path)
    store = HistoryStore(tmp_path / "history.sqlite")
    session = DraftSession(store, "ws-test")
    chat = FakeChat()
    chat.persona.invent_number = chat.persona.stubborn = True
    draft = draft_report(FACTS, OPTIONS, retriever, LLMWriter(chat))
    draft_id = session.start(draft, FACTS)
    first = session.current.sections[0].title
    session.accept(revise(session.current, 0, "精简"))
    assert session.undo() and session.redo() and not session.redo()
    notes = [version.note for version in store.versions("ws-test", draft_id)]
    assert notes == ["起草", f"修改“{first}”：精简", "撤销", "重做"]
    other = DraftSession(store, "ws-test")
    assert other.open(draft_id) == FACTS
    assert to_text(other.current) == to_text(session.current)
    assert other.draft.flags and other.draft.repairs == draft.repairs and other.draft.usage.calls == draft.usage.calls
    assert DraftSession(store, "someone-else").history.drafts("someone-else") == []
    other.delete(draft_id)
    assert other.draft is None and store.drafts("ws-test") == []


def test_hand_edits_and_restores_are_versions_and_a_reopened_draft_keeps_its_outline(tmp_path: Path) -> None:
    retriever = hashed_retriever(tmp_path)
    store = HistoryStore(tmp_path / "history.sqlite")
    session = DraftSession(store, "ws-edit")
    draft = draft_report(FACTS, OPTIONS, retriever, OfflineWriter())
    draft_id = session.start(draft, FACTS)
    drafted = to_text(session.current)
    section = session.current.sections[1]
    edited = section_text(section).replace(section.children[0].heading, "经手工改写的第一条", 1)
    assert section.children[0].heading and session.edit("1", edited)
    assert session.current.sections[1].children[0].heading.startswith("经手工改写的第一条")
    assert not session.edit("1", edited)  # the same text again is no new version
    assert session.edit("opening", "开篇一句。\n开篇第二句。") and session.current.opening == ["开篇一句。", "开篇第二句。"]
    with pytest.raises(RevisionError, match="为空"):
        session.edit("0", "  ")
    with pytest.raises(RevisionError, match="不存在"):
        session.edit("99", "一、某项工作")
    assert session.undo() and session.current.opening != ["开篇一句。", "开篇第二句。"]
    saved = store.versions("ws-edit", draft_id)
    assert [v.note for v in saved] == ["起草", f"手工编辑“{section.title}”", "手工编辑“开篇”", "撤销"]
    session.restore(saved[0], 1)
    assert to_text(session.current) == drafted and store.versions("ws-edit", draft_id)[-1].note == "恢复到第 1 版（起草）"
    reopened = DraftSession(store, "ws-edit")
    reopened.open(draft_id)
    assert reopened.draft.options == OPTIONS
    assert reopened.draft.outline.to_dict() == draft.outline.to_dict()
    plan = OutlinePlan.edit(reopened.draft.outline, reopened.draft.facts, FACTS)
    assert plan.parts == OutlinePlan.edit(draft.outline, draft.facts, FACTS).parts
    assert [row["归入"] for row in plan.facts] == [row["归入"] for row in fact_rows(draft.outline, draft.facts)]
    assert all(row["归入"] for row in plan.facts)


def test_collections_of_an_embedder_no_longer_used_are_dropped(tmp_path: Path) -> None:
    first = hashed_retriever(tmp_path, "hash-old")
    assert first.index.count() > 0
    second = hashed_retriever(tmp_path, "hash-new")
    assert second.index.dropped == ["chunks-hash-old"]
    names = [c.name for c in second.index.client.list_collections()]
    assert names == ["chunks-hash-new"]


def test_the_output_limit_fits_a_known_context_window(tmp_path: Path) -> None:
    retriever = hashed_retriever(tmp_path)
    small = FakeChat(LLMConfig(model="fake-chat", base_url="inproc://", context_tokens=1200))
    writer = LLMWriter(small)
    draft_report(FACTS, OPTIONS, retriever, writer)
    from core.tokens import count_tokens

    for request in small.requests:
        prompt = sum(count_tokens(m["content"]) for m in request["messages"]) + 4 * len(request["messages"])
        assert request["max_tokens"] <= max(64, 1200 - prompt - 32)
    assert any("已所剩无几" in warning for warning in writer.warnings)


def test_offline_and_model_writers_share_one_protocol(tmp_path: Path) -> None:
    retriever = hashed_retriever(tmp_path)
    offline = draft_report(FACTS, OPTIONS, retriever, OfflineWriter())
    model = draft_report(FACTS, OPTIONS, retriever, LLMWriter(FakeChat()))
    assert len(offline.report.sections) == len(model.report.sections)
    assert offline.usage.calls == 0 and model.usage.calls == len(model.outline.sections)
    assert offline.to_dict()["prompt_version"] is None and model.to_dict()["prompt_version"].startswith("prompts@")


def test_the_cli_saves_lists_and_revises_through_the_same_session(indexed_settings, tmp_path: Path) -> None:
    from tests.conftest import run_module
    from tests.test_drafting import cli_env

    env = cli_env(indexed_settings, REPORT_DATA_DIR=str(tmp_path / "data"))
    facts = str(Path(__file__).parent / "facts" / "numbers.txt")
    drafted = run_module("rag", "draft", facts, "--year", "2024", "--save", "cli-ws", env=env)
    assert drafted.returncode == 0 and "草稿编号 1" in drafted.stderr, drafted.stderr
    revised = run_module("rag", "revise", "--workspace", "cli-ws", "--saved", "1", "--section", "1",
                         "--instruction", "改为一是二是格式", env=env)
    assert revised.returncode == 0 and "新版本" in revised.stderr and "一是" in revised.stdout, revised.stderr
    listed = run_module("rag", "history", "cli-ws", env=env)
    assert "2 个版本" in listed.stdout and "起草" in listed.stdout and "：改为一是二是格式" in listed.stdout
    store = HistoryStore(tmp_path / "data" / "history.sqlite")
    session = DraftSession(store, "cli-ws")
    assert session.open(1) == Path(facts).read_text(encoding="utf-8") and "一是" in to_text(session.current)
    bad = run_module("rag", "revise", "--saved", "1", "--section", "1", "--instruction", "精简", env=env)
    assert bad.returncode == 2 and "--workspace" in bad.stderr
    missing = run_module("rag", "revise", "--workspace", "cli-ws", "--saved", "9", "--section", "1",
                         "--instruction", "精简", env=env)
    assert missing.returncode == 2 and "没有编号为 9 的草稿" in missing.stderr
    assert run_module("rag", "history", "x", env=env).returncode == 2


def test_settings_are_resolved_once_from_environment_secrets_and_page() -> None:
    from core.config import resolve_settings

    page = {"LLM_MODEL": "page-model", "LLM_BASE_URL": "http://page/v1", "LLM_API_KEY": "k", "CHROMA_HOST": "evil"}
    chosen = resolve_settings({"REPORT_DATA_DIR": "/tmp/x"}, {}, page)
    assert chosen.llm.model == "page-model" and chosen.llm.base_url == "http://page/v1" and not chosen.chroma_host
    assert str(chosen.data_dir) == "/tmp/x"
    deployed = resolve_settings({"LLM_MODEL": "env-model", "LLM_BASE_URL": "http://env/v1"}, {}, page)
    assert deployed.llm.model == "env-model" and deployed.llm.base_url == "http://env/v1" and deployed.llm.api_key == ""
    secret = resolve_settings({"LLM_MODEL": "env-model"}, {"LLM_MODEL": "secret-model"}, page)
    assert secret.llm.model == "secret-model"
