"""The draft session shared by the page and the CLI, the cleanup of stale collections, and the
model writer's own logic — with in-process fakes (no HTTP, no real vectors)."""
from __future__ import annotations

from pathlib import Path

from core.config import LLMConfig, load_settings
from history import HistoryStore
from rag.draft import draft_report
from rag.index import Index
from rag.model_writer import LLMWriter
from rag.offline import OfflineWriter
from rag.outline import DraftOptions
from rag.retrieve import Retriever
from rag.revise import revise
from rag.session import DraftSession
from report import to_text
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
    session.accept(revise(session.current, 0, "精简"))
    assert session.undo() and session.redo() and not session.redo()
    notes = [version.note for version in store.versions("ws-test", draft_id)]
    assert notes == ["起草", "修改：精简", "撤销", "重做"]
    other = DraftSession(store, "ws-test")
    assert other.open(draft_id) == FACTS
    assert to_text(other.current) == to_text(session.current)
    assert other.draft.flags and other.draft.repairs == draft.repairs and other.draft.usage.calls == draft.usage.calls
    assert DraftSession(store, "someone-else").history.drafts("someone-else") == []
    other.delete(draft_id)
    assert other.draft is None and store.drafts("ws-test") == []


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
