"""The proofreader and the checks built on it: held-back labelled halves, the slips named in the
issue, clean prose left alone, usage, punctuation, masks, routine duties, and one-click corrections."""
from __future__ import annotations

import pytest

from bench import labelled
from bench.proofread import caught
from eval.checklist import load_checklist
from eval.proofread import apply_fix, proofread
from eval.score import score_report
from report import parse_text
from report.facts import parse_facts

CHECKLIST = load_checklist()


def item(text: str, item_id: str, facts: str | None = None):
    card = score_report(parse_text(text), CHECKLIST, parse_facts(facts) if facts is not None else None)
    return next(found for found in card.items if found.id == item_id)


def test_planted_slips_of_the_held_back_terms_are_found_and_clean_sentences_left_alone() -> None:
    slips = [row for row in labelled.load("slips") if labelled.split_of(row.fields["term"]) == "test"]
    found = [caught(r.fields["text"], r.fields["wrong"], r.fields["term"])[0] for r in slips]
    assert len(slips) >= 150 and sum(found) / len(found) >= 0.90
    clean = [row.fields["text"] for row in labelled.load("clean") if row.split == "test"]
    alarms = sum(bool(proofread(text)) for text in clean)
    assert len(clean) >= 150 and alarms / len(clean) <= 0.02


@pytest.mark.parametrize("wrong, right", [
    ("三会一棵", "三会一课"), ("主题党目", "主题党日"), ("组织生活汇", "组织生活会"), ("两个唯护", "两个维护"),
    ("先峰模范", "先锋模范"), ("谈心淡话", "谈心谈话"), ("入党积级分子", "入党积极分子"), ("自生建设", "自身建设"),
    ("质量质量", "质量"), ("社区社区", "社区"), ("推动动", "推动"), ("全面从治党", "全面从严治党"),
])
def test_slips_never_listed_anywhere_are_found_with_their_correction(wrong: str, right: str) -> None:
    text = f"支部坚持{wrong}，推动工作落实。"
    slips = proofread(text)
    assert slips and apply_fix(text, text, slips[0].found, slips[0].fix) == text.replace(wrong, right)


@pytest.mark.parametrize("sentence", ["把党建工作作为重要任务。", "对照检查查摆问题。", "坚持标准准确把握。",
                                      "坚持问题导向向纵深推进。", "XX省省直机关", "件件有着落。", "支部部署学习。"])
def test_word_joins_and_reduplications_are_not_slips(sentence: str) -> None:
    assert proofread(sentence) == []


def test_typos_and_formulations_checks_carry_corrections() -> None:
    text = "2024年工作总结\n支部坚持两个唯护，树牢四种意识。\n一、加强学习\n1.推动动学习。"
    typos, formulations = item(text, "typos"), item(text, "formulations")
    assert typos.status == formulations.status == "fail"
    assert {(l.found, l.fix) for l in typos.locations} == {("两个唯护", "两个维护"), ("推动动", "推动")}
    assert [(l.found, l.fix) for l in formulations.locations] == [("四种意识", "四个意识")]
    assert all(l.line and l.line in text for l in typos.locations)


def test_usage_punctuation_and_masks() -> None:
    text = ("2024年工作总结\n截止目前，支部认真的学习了全会精神,信仰永不退色。学习“两会精神“。\n"
            "一、加强学习\n1.开展x次活动，20xx年X月完成。")
    usage = {(l.found, l.fix) for l in item(text, "usage").locations}
    assert usage == {("截止", "截至"), ("认真的", "认真地"), ("退色", "褪色")}
    punctuation = item(text, "punctuation")
    assert punctuation.status == "warn" and {l.fix for l in punctuation.locations} >= {"精神，信仰", "“两会精神”"}
    masks = " ".join(l.excerpt for l in item(text, "masks").locations)
    assert "x次" in masks and "20xx" in masks and "X月" in masks


def test_routine_duties_are_read_from_the_facts() -> None:
    facts = ("全年召开支部党员大会4次、支委会12次，党小组会24次，讲党课3次\n每月开展主题党日活动\n"
             "支部书记讲党课1次\n召开专题组织生活会，开展民主评议党员")
    found = item("2024年工作总结\n一、学习\n1.学习。", "routine", facts)
    lines = {l.excerpt.split("：")[0]: l.excerpt for l in found.locations}
    assert found.status == "warn"
    assert "4 次，达到" in lines["支部党员大会"] and "12 次，达到" in lines["支委会"]
    assert "24 次" in lines["党小组会"] and "只写了 3 次" in lines["党课"]
    assert "12 次" in lines["主题党日"] and "达到" in lines["书记讲党课"]
    assert "达到" in lines["组织生活会"] and "达到" in lines["民主评议党员"]
    missing = item("2024年工作总结\n一、学习\n1.学习。", "routine", "开展读书活动")
    assert all("未提及" in l.excerpt for l in missing.locations)


def test_calibrated_samples_keep_their_verdicts_and_scoring_stays_deterministic() -> None:
    from report import load_report
    from tests.conftest import SAMPLES

    for path in SAMPLES:
        report = load_report(path)
        first = score_report(report, CHECKLIST)
        assert first == score_report(report, CHECKLIST)
        assert {i.id: i.status for i in first.items}["formulations"] == "pass"


def test_characters_without_a_reading_are_compared_by_shape_only() -> None:
    from eval.proofread import reading

    assert reading("兙") == ""  # one of the 68 CJK characters pypinyin has no reading for
    assert proofread("认真落实三会一兙制度，集体学习兡兡") is not None
