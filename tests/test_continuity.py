"""Last year's report: its plans are read with the report model, matched with this year's facts, and the
open ones are left as 【待补充】 prompts in the part they belong to — never written as done."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from history import HistoryStore
from rag.continuity import PreviousPlan, coverage, match_plans, open_prompt, open_prompts, plan_items
from rag.draft import draft_report, example_facts
from rag.offline import OfflineWriter
from rag.outline import DraftOptions, plan_outline
from rag.session import DraftSession
from report import Role, load_report, parse_text, to_text
from report.facts import parse_facts
from tests.test_session import hashed_retriever

PREVIOUS = PROJECT_ROOT / "examples" / "previous_report.txt"
OPTIONS = DraftOptions(unit="机关第一党支部", year="2024")


def test_plans_are_the_items_of_the_next_steps_sections_in_every_marker_style() -> None:
    assert plan_items(load_report(PREVIOUS))[:2] == ["持续深化理论武装，落实“第一议题”制度，集中学习习近平新时代中国特色社会主义思想",
                                                   "做好发展党员工作，把优秀青年吸收进党组织"]
    inline = parse_text("2023年工作总结\n一、主要工作\n1.学习。\n二、下一步打算。一是夯基础。落实三会一课制度。二是抓规范。健全支委班子。\n")
    assert plan_items(inline) == ["夯基础，落实三会一课制度", "抓规范，健全支委班子"]
    paragraphs = parse_text("2023年工作总结\n一、主要工作\n1.学习。\n二、明年工作打算\n建立党员积分管理制度；按季度考核。\n")
    assert plan_items(paragraphs) == ["建立党员积分管理制度"]
    assert plan_items(parse_text("2023年工作总结\n一、主要工作\n1.学习。\n")) == []


def test_a_plan_counts_as_carried_out_only_by_work_done_this_year() -> None:
    assert coverage("开展“我为群众办实事”志愿服务", "开展“我为群众办实事”志愿服务8次") == 1.0
    assert coverage("加强党风廉政建设", "发展预备党员2名") == 0.0
    assert coverage("持续加强", "全年开展工作") == 0.0  # nothing but generic words: no evidence either way
    facts = parse_facts("开展“我为群众办实事”志愿服务8次\n明年计划开展“我为群众办实事”志愿服务\n"
                        "“我为群众办实事”志愿服务开展得还不够经常")
    found = match_plans(["开展“我为群众办实事”志愿服务"], facts, 2024)
    assert found == [PreviousPlan("开展“我为群众办实事”志愿服务", "addressed", ["开展“我为群众办实事”志愿服务8次"])]
    assert match_plans(["开展“我为群众办实事”志愿服务"], facts[1:], 2024)[0].status == "open", \
        "a plan for next year or a shortcoming shows nothing done"


def test_an_open_plan_goes_to_the_part_of_its_theme() -> None:
    facts = parse_facts(example_facts())
    outline = plan_outline(facts, OPTIONS)
    plans = [PreviousPlan("做好发展党员工作，把优秀青年吸收进党组织", "open"),
             PreviousPlan("开展“我为群众办实事”志愿服务", "addressed", ["…"])]
    offered = open_prompts(plans, outline, facts)
    assert list(offered.values()) == [[open_prompt(plans[0])]]
    (part,) = offered
    assert outline.sections[part].theme == "organisation" and outline.sections[part].role == Role.ACHIEVEMENT


def test_a_draft_with_last_years_report_carries_its_plans_and_asks_about_the_open_ones(tmp_path: Path) -> None:
    retriever = hashed_retriever(tmp_path)
    draft = draft_report(example_facts(), OPTIONS, retriever, OfflineWriter(), previous=load_report(PREVIOUS))
    plans = draft.to_dict()["previous_plans"]
    assert [plan["status"] for plan in plans] == ["addressed", "open", "addressed", "open", "open"]
    assert plans[0]["facts"] == ["落实“第一议题”制度，集中学习习近平新时代中国特色社会主义思想18次，开展专题研讨3次"]
    text = to_text(draft.report)
    for plan in plans:
        asked = f"【待补充：去年计划“{plan['plan']}”"
        assert (asked in text) == (plan["status"] == "open"), "only open plans are asked about, each once"
    organisation = next(s for s in draft.report.sections if s.title.startswith("二、"))
    assert [child.marker.text for child in organisation.children] == ["1.", "2.", "3.", "4."]
    prompt = organisation.children[2]
    assert (prompt.heading + prompt.body).startswith("【待补充：去年计划“做好发展党员工作")
    assert to_text(parse_text(text)) == text, "the prompts survive a round trip"
    session = DraftSession(HistoryStore(tmp_path / "history.sqlite"), "ws-prev")
    session.open(session.start(draft, example_facts()))
    assert session.draft.previous_plans == draft.previous_plans, "kept with the saved draft"
    without = draft_report(example_facts(), OPTIONS, retriever, OfflineWriter())
    assert without.previous_plans == [] and "去年计划" not in to_text(without.report)


def test_the_cli_reads_last_years_report(indexed_settings, tmp_path: Path) -> None:
    from tests.conftest import run_module
    from tests.test_drafting import cli_env

    env = cli_env(indexed_settings)
    out = tmp_path / "draft.json"
    facts = str(PROJECT_ROOT / "examples" / "facts.txt")
    drafted = run_module("rag", "draft", facts, "--year", "2024", "--previous", str(PREVIOUS), "--json", "--out", str(out), env=env)
    assert drafted.returncode == 0, drafted.stderr
    assert "去年计划（已落实）：开展“我为群众办实事”志愿服务" in drafted.stderr and "未见落实" in drafted.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [plan["status"] for plan in result["previous_plans"]] == ["addressed", "open", "addressed", "open", "open"]
    missing = run_module("rag", "draft", facts, "--previous", str(tmp_path / "nope.txt"), env=env)
    assert missing.returncode == 2 and "去年的报告无法读取" in missing.stderr
    none = tmp_path / "no_plans.txt"
    none.write_text("2023年工作总结\n一、主要工作\n1.组织学习。\n", encoding="utf-8")
    plain = run_module("rag", "draft", facts, "--previous", str(none), env=env)
    assert plain.returncode == 0 and "没有找到“下一步打算”部分" in plain.stderr


@pytest.mark.parametrize("style", ["arabic", "shi"])
def test_prompts_follow_the_item_style(tmp_path: Path, style: str) -> None:
    options = DraftOptions(unit="机关第一党支部", year="2024", style=style)
    draft = draft_report(example_facts(), options, hashed_retriever(tmp_path), OfflineWriter(), previous=load_report(PREVIOUS))
    organisation = next(s for s in draft.report.sections if s.title.startswith("二、"))
    markers = [child.marker.text for child in organisation.children]
    assert markers == (["1.", "2.", "3.", "4."] if style == "arabic" else ["一是", "二是", "三是", "四是"])
