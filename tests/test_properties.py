"""Property-based tests (hypothesis, derandomized so that CI sees the same examples every run):
reports in every marker style round-trip through text, Markdown and .docx; generated facts are never
lost by placement and drafting; the scorer never crashes and always gives the same answer."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from eval.checklist import load_checklist
from eval.score import score_report
from rag.draft import DraftInputError, draft_report, read_facts
from rag.offline import OfflineWriter, sentence
from rag.outline import DraftOptions
from report import parse_markdown, parse_text, to_markdown, to_text
from report.docx import to_docx
from report.load import docx_text
from report.numbering import Style, format_marker

# Under mutation testing (mutmut sets MUTANT_UNDER_TEST) a failing example is enough: no shrinking.
MUTATING = bool(os.environ.get("MUTANT_UNDER_TEST"))
PROPERTY = settings(derandomize=True, deadline=None, max_examples=30 if MUTATING else 60,
                    phases=(Phase.explicit, Phase.reuse, Phase.generate) if MUTATING else tuple(Phase),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Words without numerals or marker characters, so that a generated sentence is never read as a marker.
WORDS = ["支部", "党员", "组织", "学习", "开展", "活动", "建设", "加强", "落实", "制度", "群众", "服务", "教育",
         "工作", "推进", "作风", "纪律", "阵地", "品牌", "志愿", "理论", "思想", "政治", "基层", "队伍"]
PUNCT = ["，", "、", "；", "：", "“", "”", "（", "）"]
SPACES = ["", " ", "\u3000", "\t", "  "]
ITEM_STYLES = [Style.PAREN_CN, Style.ARABIC, Style.PAREN_ARABIC]


@st.composite
def phrase(draw, low: int = 2, high: int = 8) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=low, max_size=high))
    cut = draw(st.sampled_from(PUNCT))
    middle = len(words) // 2
    return "".join(words[:middle]) + (cut if middle and cut not in "“”（）" else "") + "".join(words[middle:])


@st.composite
def report_text(draw) -> tuple[str, int, int]:
    """A report as a secretary or a model might type it; returns (text, sections, items)."""
    pad = lambda: draw(st.sampled_from(SPACES))  # noqa: E731 — odd whitespace around lines
    lines = [pad() + "机关第一党支部2024年度工作总结"]
    lines.append(pad() + "2024年，" + draw(phrase()) + "。现将有关情况总结如下：")
    sections = draw(st.integers(1, 5))
    items_total = 0
    for number in range(1, sections + 1):
        heading = draw(phrase(2, 4))
        style = draw(st.sampled_from(ITEM_STYLES + [Style.SHI]))
        items = draw(st.integers(2, 4) if style == Style.SHI else st.integers(0, 4))
        items_total += items
        if style == Style.SHI:  # inline 一是…；二是… on the heading's line (one 一是 alone is no list)
            inline = "".join(f"{format_marker(Style.SHI, i)}{draw(phrase())}；" for i in range(1, items + 1))
            lines.append(f"{pad()}{format_marker(Style.CN, number)}{heading}。{inline}")
            continue
        lines.append(f"{pad()}{format_marker(Style.CN, number)}{heading}")
        if draw(st.booleans()):
            lines.append(pad() + draw(phrase()) + "。")
        for item in range(1, items + 1):
            lines.append(f"{pad()}{format_marker(style, item)}{pad()}{draw(phrase())}。")
        if draw(st.booleans()):
            lines.append("")
    lines.append(pad() + "新的一年，" + draw(phrase()) + "。")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines), sections, items_total


@PROPERTY
@given(report_text())
def test_reports_round_trip_through_text_markdown_and_docx(generated: tuple[str, int, int]) -> None:
    text, sections, items = generated
    report = parse_text(text)
    assert len(report.sections) == sections
    assert sum(len(section.children) for section in report.sections) == items
    once = to_text(report)
    assert to_text(parse_text(once)) == once
    assert to_text(parse_markdown(to_markdown(report))) == once
    assert to_text(parse_text(docx_text(to_docx(report), "x.docx"))) == once


@pytest.fixture(scope="module")
def hashed(tmp_path_factory):
    from tests.test_session import hashed_retriever

    return hashed_retriever(tmp_path_factory.mktemp("prop"))


@PROPERTY
@given(st.lists(st.tuples(phrase(2, 6), st.integers(1, 999), st.sampled_from(["次", "名", "人次", "项", "篇"]),
                          st.sampled_from(["", "存在问题：", "下一步：", "明年计划", "还不够", "将"])),
                min_size=1, max_size=25))
def test_no_fact_is_ever_lost_by_placement_and_drafting(hashed, rows) -> None:
    facts = "\n".join(f"{prefix}{words}{count}{unit}" for words, count, unit, prefix in rows)
    try:
        kept = read_facts(facts)
    except DraftInputError:
        return
    draft = draft_report(facts, DraftOptions(year="2024"), hashed, OfflineWriter())
    placed = sorted(i for part in draft.outline.sections for i in part.facts)
    assert placed == list(range(len(kept))), "every fact is placed exactly once"
    text = to_text(draft.report)
    for fact in kept:
        assert sentence(fact.text).rstrip("。！？") in text


CHECKLIST = load_checklist()


@PROPERTY
@given(st.lists(st.sampled_from(WORDS + PUNCT + SPACES + ["\n", "一、", "（一）", "1.", "一是", "XX", "*", "12次",
                                                           "2024年", "三会一课", "两个唯护", "荣获全国先进基层党组织"]),
                max_size=150).map("".join))
def test_the_scorer_never_crashes_and_is_deterministic(text: str) -> None:
    first = score_report(parse_text(text), CHECKLIST, read_facts("开展主题党日12次"))
    second = score_report(parse_text(text), CHECKLIST, read_facts("开展主题党日12次"))
    assert [(i.id, i.status, i.reason) for i in first.items] == [(i.id, i.status, i.reason) for i in second.items]
    assert all(item.status != "error" and "检查出错" not in item.reason for item in first.items)
    assert 0 <= first.score <= 100
