"""The .docx export (official layout) and the history store."""
from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from history import HistoryStore
from report import load_report, parse_text, read_text, to_text
from report.docx import Fonts, to_docx
from tests.conftest import SAMPLES, sample


def east_asian_font(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_docx_round_trips_through_the_parser(path: Path) -> None:
    report = load_report(path)
    data = to_docx(report)
    assert to_text(parse_text(read_text(data, "x.docx"))) == to_text(report)


def test_docx_layout_follows_the_official_format() -> None:
    report = load_report(sample("003"))
    report.title = "省直机关后勤服务中心2021年工作总结"
    document = docx.Document(io.BytesIO(to_docx(report)))
    page = document.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 1) for m in (page.top_margin, page.bottom_margin, page.left_margin, page.right_margin)] == \
        [3.7, 3.5, 2.8, 2.6]
    title = document.paragraphs[0]
    assert title.alignment == 1 and title.runs[0].bold is False and title.runs[0].font.size == Pt(22)
    assert east_asian_font(title.runs[0]) == Fonts().title and title.runs[0].font.name == "Times New Roman"
    assert title.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:hint")) == "eastAsia"
    assert title.paragraph_format.line_spacing == Pt(36) and title.paragraph_format.space_after == Pt(16)
    assert title.paragraph_format.first_line_indent is None
    heading1 = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert east_asian_font(heading1.runs[0]) == "黑体" and heading1.runs[0].font.size == Pt(16)
    heading2 = next(p for p in document.paragraphs if p.text.startswith("（一）"))
    assert east_asian_font(heading2.runs[0]) == "楷体_GB2312"
    assert east_asian_font(heading2.runs[1]) == "仿宋_GB2312", "the body after a run-in heading is 仿宋"
    body = document.paragraphs[1]
    assert east_asian_font(body.runs[0]) == "仿宋_GB2312" and body.paragraph_format.first_line_indent == Pt(32)
    assert body.paragraph_format.line_spacing == Pt(28.95) and body.paragraph_format.space_after == Pt(0)
    assert body.paragraph_format.space_before == Pt(0) and body.paragraph_format.line_spacing_rule == 4  # EXACTLY
    assert body.runs[0].font.size == Pt(16) and body.runs[0].font.name == "Times New Roman"
    listed = docx.Document(io.BytesIO(to_docx(parse_text("一、甲\n1.加强学习。组织学习18次。\n2.\n（1）党课。"))))
    items = [p for p in listed.paragraphs if re.match(r"\d+[.．]|（\d+）", p.text)]
    assert len(items) == 3 and all(run.bold is False and east_asian_font(run) == "仿宋_GB2312"
                                   for p in items for run in p.runs), "item markers in the body face, never bold"
    assert heading1.runs[0].bold is False
    arabic = docx.Document(io.BytesIO(to_docx(parse_text("1.加强学习。组织学习18次。\n2.夯实基础。\n"))))
    first = next(p for p in arabic.paragraphs if p.text.startswith("1."))
    assert east_asian_font(first.runs[0]) == "仿宋_GB2312", "a report numbered 1. at the top has no 黑体 headings"


def test_docx_has_the_grid_of_22_lines_of_28_characters() -> None:
    document = docx.Document(io.BytesIO(to_docx(parse_text("机关第一党支部2024年度工作总结\n一、甲\n1.加强学习。"))))
    page = document.sections[0]
    grid = page._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    line_pitch = int(grid.get(qn("w:linePitch"))) / 20  # twips → pt
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.name == "Times New Roman"
    properties = [child.tag.split("}")[1] for child in normal.element.rPr]
    assert properties.index("spacing") < properties.index("sz"), "run properties in the schema's order"
    char_pitch = normal.font.size.pt + int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    text_height = page.page_height.pt - page.top_margin.pt - page.bottom_margin.pt
    text_width = page.page_width.pt - page.left_margin.pt - page.right_margin.pt
    assert int(text_height // line_pitch) == 22 and int(text_height // (line_pitch + 0.5)) == 21, "exactly 22 lines"
    assert int(text_width // char_pitch) == 28 and int(text_width // (char_pitch + 0.1)) == 27, "exactly 28 characters"
    body = document.paragraphs[-1]
    assert body.paragraph_format.line_spacing.pt == line_pitch, "body lines follow the grid's pitch"
    title = document.paragraphs[0]._p.pPr
    assert title.find(qn("w:snapToGrid")).get(qn("w:val")) == "0" and title.index(title.find(qn("w:snapToGrid"))) < \
        title.index(title.find(qn("w:spacing"))), "the title keeps its 36 pt lines, its properties in order"


def test_docx_has_page_numbers_at_the_outer_side_and_a_signature_block() -> None:
    report = load_report(sample("002"))
    document = docx.Document(io.BytesIO(to_docx(report, unit="机关第一党支部")))
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = document.sections[0].footer.paragraphs[0], document.sections[0].even_page_footer.paragraphs[0]
    for footer, align in ((odd, 2), (even, 0)):
        xml = footer._p.xml
        assert footer.alignment == align and 'w:instr="PAGE"' in xml
        assert "".join(text.text for text in footer._p.iter(qn("w:t"))) == "— 1 —", "the number inside its dashes"
        field = footer._p.find(qn("w:fldSimple"))
        assert field is not None and field.find(qn("w:r")) is not None, "the number is the PAGE field's own run"
        runs = list(footer._p.iter(qn("w:r")))
        assert len(runs) == 3 and all(run.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "28" for run in runs)
    unit, date = document.paragraphs[-2], document.paragraphs[-1]
    assert (unit.text, date.text) == ("机关第一党支部", "【待补充：成文日期】") and unit.alignment == date.alignment == 2
    assert unit.paragraph_format.right_indent == date.paragraph_format.right_indent == Pt(64)
    assert unit.paragraph_format.space_before == Pt(28.95) and date.paragraph_format.space_before == Pt(0)
    assert unit.paragraph_format.first_line_indent is None and unit.runs[0].font.size == Pt(16)
    assert east_asian_font(unit.runs[0]) == "仿宋_GB2312"
    dated = docx.Document(io.BytesIO(to_docx(report, unit="", date="2025年1月10日")))
    assert [p.text for p in dated.paragraphs[-2:]] == ["【待补充：单位名称】", "2025年1月10日"]
    plain = docx.Document(io.BytesIO(to_docx(report)))
    assert "【待补充：成文日期】" not in [p.text for p in plain.paragraphs], "no signature unless asked for"


def test_a_long_title_breaks_between_words_and_reads_back_whole() -> None:
    from report.docx import TITLE_CHARS, title_lines

    title = "中共某某市机关事务管理局第一党支部2024年度党建工作和党风廉政建设工作总结"
    lines = title_lines(title)
    assert "".join(lines) == title and len(lines) > 1 and all(len(line) <= TITLE_CHARS for line in lines)
    import jieba

    ends = set()
    position = 0
    for word in jieba.lcut(title):
        position += len(word)
        ends.add(position)
    breaks = [sum(len(line) for line in lines[:i]) for i in range(1, len(lines))]
    assert set(breaks) <= ends, "every break falls between words"
    assert title_lines("党支部工作总结") == ["党支部工作总结"]
    report = load_report(sample("002"))
    report.title = title
    data = to_docx(report)
    assert docx.Document(io.BytesIO(data)).paragraphs[0]._p.xml.count("<w:br/>") == len(lines) - 1
    assert read_text(data, "x.docx").splitlines()[0] == title


@pytest.mark.parametrize("title, lines", [
    ("某某县机关第一党支部二〇二四年度工作总结", ["某某县机关第一党支部二〇二四年度工作总结"]),  # 20: one line
    ("中国共产党某某省某某厅机关第一党支部工作报告", ["中国共产党某某省某某厅", "机关第一党支部工作报告"]),  # halves
    ("中共某某市某某区某某街道某某社区第一党支部委员会2024年度工作总结",
     ["中共某某市某某区某某街道某某社区", "第一党支部委员会2024年度工作总结"]),  # the word end nearest the middle
    ("某" * 26, ["某" * 12, "某" * 14]),
    ("A" * 25, ["A" * 20, "A" * 5]),  # one long word: cut at the line's width
    ("中共某某市某某区某某街道某某社区第一党支部委员会2024年度党建工作和党风廉政建设工作总结",  # three lines: the
     ["中共某某市某某区某某街道某某社区第一", "党支部委员会2024年度党建", "工作和党风廉政建设工作总结"]),  # first as full as fits
    ("某某大学马克思主义学院第一党支部2025年度工作总结和2026年工作打算",  # the second half exactly 20
     ["某某大学马克思主义学院第一党支部", "2025年度工作总结和2026年工作打算"]),
    ("中共某某市某某区某某街道第二党支部委员会2024年度党建工作和党风廉政建设工作总结",  # a word ends at exactly 20
     ["中共某某市某某区某某街道第二党支部委员会", "2024年度党建工作", "和党风廉政建设工作总结"]),
    ("某某市某某区某某街道教工第一党支部2024年度履行全面从严治党主体责任情况报告",  # no two-line split: the first
     ["某某市某某区某某街道教工第一党支部", "2024年度履行全面", "从严治党主体责任情况报告"]),  # takes what fits whole
])
def test_title_lines_break_at_the_word_end_nearest_the_middle(title: str, lines: list[str]) -> None:
    from report.docx import title_lines

    assert title_lines(title) == lines


def test_history_saves_versions_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    store = HistoryStore(path)
    draft_id = store.create("ws1", "草稿", "离线模式", True, "- 事实", {"year": "2024"}, "正文一", {"0": []})
    store.add_version("ws1", draft_id, "正文二", {}, "修改：精简")
    reopened = HistoryStore(path)
    assert [v.text for v in reopened.versions("ws1", draft_id)] == ["正文一", "正文二"]
    assert reopened.drafts("ws1")[0].versions == 2 and reopened.drafts("ws2") == []
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(KeyError):
        reopened.latest("ws2", draft_id)
    with pytest.raises(ValueError):
        reopened.rename("ws1", draft_id, "  ")
    reopened.rename("ws1", draft_id, "新标题")
    assert reopened.get("ws1", draft_id).title == "新标题"
    reopened.delete("ws1", draft_id)
    assert reopened.drafts("ws1") == []


def test_named_workspaces_are_listed_with_their_drafts_and_names_are_unique(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    assert store.named_workspaces() == [] and store.workspace_name("ws-a") == ""
    store.name_workspace("ws-a", "  机关第一 党支部 ")
    store.create("ws-a", "草稿", "离线", True, "事实", {}, "正文\n", {})
    store.create("ws-unnamed", "别人的草稿", "离线", True, "事实", {}, "正文\n", {})
    store.name_workspace("ws-b", "后勤党支部")
    listed = store.named_workspaces()
    assert [(w.code, w.name, w.drafts) for w in listed] == [("ws-b", "后勤党支部", 0), ("ws-a", "机关第一 党支部", 1)]
    with pytest.raises(ValueError, match="已有名为"):
        store.name_workspace("ws-b", "机关第一 党支部")
    with pytest.raises(ValueError, match="不能为空"):
        store.name_workspace("ws-b", "   ")
    with pytest.raises(ValueError, match="最多"):
        store.name_workspace("ws-b", "支" * 31)
    store.name_workspace("ws-a", "机关第一党支部")  # renaming keeps the code and its drafts
    assert store.workspace_name("ws-a") == "机关第一党支部" and len(store.named_workspaces()) == 2
    store.add_version("ws-a", 1, "正文二\n", {}, "修改")
    assert store.named_workspaces()[0].code == "ws-a"  # most recently used first
