"""The report model: parsing, rendering, roles and file loading."""
from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from report import ReportLoadError, Role, load_report, parse_markdown, parse_text, to_markdown, to_text
from report.numbering import Style, cn_to_int, format_marker, int_to_cn, match_marker
from tests.conftest import SAMPLES, sample


def squeeze(text: str) -> list[str]:
    """Lines without surrounding whitespace, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_sample_round_trips_through_text_and_markdown(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    report = load_report(path)
    assert squeeze(to_text(report)) == squeeze(source)
    assert squeeze(to_text(parse_markdown(to_markdown(report)))) == squeeze(source)


EXPECTED_ROLES = {
    "000": {Role.OPENING, Role.ACHIEVEMENT, Role.CLOSING},
    "001": {Role.OPENING, Role.ACHIEVEMENT, Role.CLOSING},
    "002": {Role.OPENING, Role.ACHIEVEMENT, Role.NEXT_STEPS, Role.CLOSING},
    "003": {Role.OPENING, Role.ACHIEVEMENT, Role.PROBLEMS, Role.NEXT_STEPS, Role.CLOSING},
    "004": {Role.OPENING, Role.ACHIEVEMENT, Role.PROBLEMS, Role.NEXT_STEPS},
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED_ROLES))
def test_roles_found_in_each_sample(prefix: str) -> None:
    assert load_report(sample(prefix)).roles() == EXPECTED_ROLES[prefix]


def test_achievement_section_counts_and_item_styles() -> None:
    counts = {p: len(load_report(sample(p)).sections_with_role(Role.ACHIEVEMENT)) for p in EXPECTED_ROLES}
    assert counts == {"000": 5, "001": 3, "002": 3, "003": 2, "004": 4}
    first = load_report(sample("000")).sections[0]
    assert [child.marker.style for child in first.children] == [Style.ARABIC, Style.ARABIC]
    third = load_report(sample("003")).sections[0]
    assert [child.marker.text for child in third.children] == ["（一）", "（二）", "（三）"]


def test_heading_and_body_on_one_line_parse_into_heading_and_inline_items() -> None:
    section = load_report(sample("004")).sections[0]
    assert section.marker.text == "一、"
    assert section.heading == "强化政治建设，铸牢“旗帜鲜明讲政治”的政治忠诚。"
    assert [child.marker.text for child in section.children] == ["一是", "二是", "三是"]
    assert all(child.inline for child in section.children)
    assert section.children[0].heading == "强化理论武装。"


def test_problems_and_next_steps_by_meaning_not_position() -> None:
    report = load_report(sample("003"))
    problems = report.sections_with_role(Role.PROBLEMS)[0]
    assert problems.marker is None and problems.body.startswith("尽管取得了一定的成绩")
    next_steps = report.sections_with_role(Role.NEXT_STEPS)[0]
    assert next_steps.marker.text == "三、" and len(next_steps.children) == 5
    labelled = load_report(sample("002")).sections_with_role(Role.NEXT_STEPS)[0]
    assert labelled.heading == "下一步打算：" and len(labelled.children) == 3
    assert load_report(sample("002")).closing[0].startswith("今后")


def test_title_line_is_recognised_and_rendered() -> None:
    report = parse_text("XX党支部2024年度工作总结\n2024年，支部坚持学习。\n一、加强学习\n1.组织学习。全年学习。\n")
    assert report.title == "XX党支部2024年度工作总结"
    assert report.opening == ["2024年，支部坚持学习。"]
    assert to_markdown(report).startswith("# XX党支部2024年度工作总结")


def test_empty_text_gives_empty_report() -> None:
    report = parse_text("   \n\n")
    assert report.sections == [] and report.opening == [] and report.title == ""


@pytest.mark.parametrize("number", [1, 2, 9, 10, 11, 19, 20, 21, 99])
def test_chinese_numerals_round_trip(number: int) -> None:
    assert cn_to_int(int_to_cn(number)) == number


def test_chinese_numerals_are_written_as_the_genre_writes_them() -> None:
    assert [int_to_cn(n) for n in (1, 10, 11, 20, 21, 99)] == ["一", "十", "十一", "二十", "二十一", "九十九"]
    for number in (0, 100):
        with pytest.raises(ValueError, match=f"^numeral out of range: {number}$"):
            int_to_cn(number)


@pytest.mark.parametrize("line, style, number", [
    ("一、强化党建", Style.CN, 1), ("（十二）打造中心", Style.PAREN_CN, 12), ("3.提升能力", Style.ARABIC, 3),
    ("（2）细化措施", Style.PAREN_ARABIC, 2), ("五是深入开展", Style.SHI, 5), ("12．规范", Style.ARABIC, 12),
])
def test_markers(line: str, style: Style, number: int) -> None:
    marker = match_marker(line)
    assert marker is not None and (marker.style, marker.number) == (style, number)
    assert format_marker(style, number) in (marker.text, marker.text.replace("．", "."))


@pytest.mark.parametrize("line", ["2021年是建党100周年", "1.5万元经费", "一是否可行", "十分重要"])
def test_not_markers(line: str) -> None:
    assert match_marker(line) is None


@pytest.fixture()
def sample_text() -> str:
    return sample("002").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_loads_chinese_encodings_and_crlf(tmp_path: Path, sample_text: str, encoding: str) -> None:
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(sample_text.replace("\n", "\r\n").encode(encoding, errors="replace"))
    report = load_report(path)
    assert len(report.sections) == 4 and report.opening[0].startswith("*是省委省政府")


def test_loads_docx(tmp_path: Path, sample_text: str) -> None:
    document = docx.Document()
    for line in sample_text.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(path)
    assert squeeze(to_text(load_report(path))) == squeeze(sample_text)


@pytest.mark.parametrize("name, data, words", [
    ("empty.txt", b"", "为空"),
    ("blank.txt", b"  \n\r\n ", "为空"),
    ("image.txt", bytes(range(256)) * 8, "二进制"),
    ("broken.docx", b"not a zip", "docx"),
    ("table.xlsx", b"PK\x03\x04", "不支持"),
])
def test_bad_files_raise_clear_error_naming_the_file(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportLoadError) as error:
        load_report(path)
    assert name in str(error.value) and words in str(error.value)


def test_docx_bytes_of_another_kind_are_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    path = tmp_path / "zip.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ReportLoadError, match="zip.docx"):
        load_report(path)



def test_markdown_export_escapes_html_and_reads_back() -> None:
    from report import parse_markdown, to_markdown

    report = parse_text("报告\n开篇<script>alert(1)</script>段落。\n一、加强学习\n1.学习<b>要点</b>。")
    markdown = to_markdown(report)
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "开篇\\<script\\>alert(1)\\</script\\>段落。" in markdown.split("\n\n")
    assert to_text(parse_markdown(markdown)) == to_text(report)


def test_utf16_files_with_a_byte_order_mark_are_read() -> None:
    from report import read_text

    text = "支部工作总结\n一、加强学习\n1.组织学习12次。"
    for encoding in ("utf-16", "utf-16-be"):
        data = text.encode(encoding)
        data = data if data.startswith((b"\xff\xfe", b"\xfe\xff")) else b"\xfe\xff" + data
        assert read_text(data, "notepad.txt").strip() == text


def test_a_docx_that_unpacks_to_hundreds_of_megabytes_or_holds_garbage_xml_fails_clearly(tmp_path) -> None:
    import io
    import zipfile

    from report import read_text

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b"a" * (60 * 1024 * 1024) + b"/>")
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(ReportLoadError) as error:
        read_text(bomb.getvalue(), "bomb.docx")
    assert str(error.value) == "bomb.docx：解压后过大（60 MB，上限 50 MB），不像是一份报告"
    from report.load import MAX_UNPACKED_BYTES

    edge = io.BytesIO()  # exactly at the limit: not refused for its size (then it is no valid .docx)
    with zipfile.ZipFile(edge, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"a" * MAX_UNPACKED_BYTES)
    with pytest.raises(ReportLoadError, match="不是有效的 .docx 文件（KeyError）"):
        read_text(edge.getvalue(), "edge.docx")
    garbage = io.BytesIO()
    with zipfile.ZipFile(garbage, "w") as archive:
        archive.writestr("[Content_Types].xml", "this is not xml <<<")
    with pytest.raises(ReportLoadError, match=r"^garbage.docx：不是有效的 .docx 文件（\w+）$"):
        read_text(garbage.getvalue(), "garbage.docx")
    with pytest.raises(ReportLoadError) as missing:
        load_report(tmp_path / "gone.txt")
    assert str(missing.value) == "gone.txt：无法读取（No such file or directory）"


MESSY_LINES = ["### 一、强化理论武装", "一、强化理论武装", "**二、夯实组织基础**", "## 三、存在问题", "（一）三会一课",
               "1. 召开支委会12次", "2.召开党员大会4次", "1.集中学习。2.专题研讨。", "一是落实制度；二是规范程序。",
               "（1）按时交纳党费", "支部组织学习18次。", "", "   ", "新的一年，支部将继续努力。", "四、下一步打算",
               "1.加强学习", "#### 五、其他", "一年来，支部坚持学习。", "现将有关情况总结如下：", "十一、补充"]


@pytest.mark.parametrize("seed", range(300))
def test_messy_text_is_stable_through_text_and_markdown(seed: int) -> None:
    """Model-like text (numbered runs, stray ###, bold headings, repeated headings): parse → render → parse
    changes nothing the first time, through text and through Markdown."""
    import random

    rng = random.Random(seed)
    text = "\n".join(rng.choice(MESSY_LINES) for _ in range(rng.randint(1, 25)))
    once = to_text(parse_text(text))
    assert to_text(parse_text(once)) == once
    assert to_text(parse_markdown(to_markdown(parse_text(text)))) == once


def test_markdown_rendering_exactly() -> None:
    report = parse_text("XX支部工作总结\n一年来，支部扎实工作。\n一、强化理论武装\n（一）学习制度\n1.加强学习。组织学习18次。\n"
                        "2.研讨交流。\n（1）专题党课\n二、存在问题。主要是学得不深。\n三、下一步打算！\n新的一年，继续努力。")
    assert to_markdown(report).split("\n\n") == [
        "# XX支部工作总结", "一年来，支部扎实工作。", "## 一、强化理论武装", "### （一）学习制度",
        "**1.加强学习。**组织学习18次。", "2.研讨交流。", "（1）专题党课", "**二、存在问题。**主要是学得不深。",
        "三、下一步打算！", "新的一年，继续努力。\n"]
    assert to_markdown(parse_text("一、甲？\n二、乙；\n1.丙")).split("\n\n")[:2] == ["一、甲？", "二、乙；"]
    # a heading ending a sentence is a line, not a Markdown heading; below （一） nothing is a heading
    assert to_markdown(parse_text("一、甲。\n（一）乙\n1.丙\n")).split("\n\n") == ["一、甲。", "### （一）乙", "1.丙\n"]


def test_report_parts_are_opening_each_section_and_closing_with_their_text() -> None:
    from report import report_parts

    report = parse_text("2024年工作总结\n开篇一句。\n开篇二句。\n一、学习\n1.组织学习18次。\n二、下一步打算。一是夯基础。二是抓规范。\n"
                        "新的一年，支部将继续努力。\n让我们携手奋进。\n")
    parts = report_parts(report)
    assert parts == [("opening", "开篇", "开篇一句。\n开篇二句。"), ("0", "一、学习", "一、学习\n1.组织学习18次。"),
                     ("1", "二、下一步打算", "二、下一步打算。一是夯基础。二是抓规范。"),
                     ("closing", "结尾", "新的一年，支部将继续努力。\n让我们携手奋进。")]
    bare = parse_text("一、学习\n1.组织学习。\n")
    assert [key for key, _, _ in report_parts(bare)] == ["0"], "no opening or closing part when there is none"


def test_read_text_says_exactly_what_is_wrong_with_a_file() -> None:
    from report import read_text
    from report.load import MAX_BYTES

    cases = [(b"a" * (MAX_BYTES + 1), "big.txt", f"big.txt：文件过大（{(MAX_BYTES + 1) // 1024} KB，上限 5 MB）"),
             (b"x", "report.pdf", "report.pdf：不支持的文件类型 .pdf，请使用 .txt、.md 或 .docx"),
             (b" \r\n\t", "empty.txt", "empty.txt：文件为空，没有可读取的报告内容"),
             (b"ab\x00cd", "scan.txt", "scan.txt：不是文本文件（含二进制内容），请上传 .txt、.md 或 .docx 报告"),
             (b"\xff\xfe\x00", "broken.txt", "broken.txt：UTF-16 文本有损坏（truncated data）"),
             (b"\x81\x30\x81", "odd.txt", "odd.txt：无法识别文件编码或不是文本文件（支持 UTF-8、GBK/GB18030）")]
    for data, name, message in cases:
        with pytest.raises(ReportLoadError) as error:
            read_text(data, name)
        assert str(error.value) == message
    assert read_text(b"a" * MAX_BYTES, "edge.txt") == "a" * MAX_BYTES, "exactly at the limit is read"
    assert read_text("\ufeff一、学习\r\n1.集中学习。\r二、组织\n".encode("utf-8"), "UPPER.TXT") == "一、学习\n1.集中学习。\n二、组织\n"
    assert read_text("一、学习".encode("utf-16"), "win.txt") == "一、学习"
    assert read_text("一、学习".encode("utf-16-be").join([b"\xfe\xff", b""]), "be") == "一、学习"
    assert read_text("一、学习".encode("gb18030"), "gbk.md") == "一、学习"


def test_text_with_one_control_character_in_a_hundred_is_not_text() -> None:
    from report.load import _looks_like_text

    assert _looks_like_text("   ") and _looks_like_text("甲\r\n\t乙")
    assert not _looks_like_text("\x07" + "甲" * 99), "1 in 100 is too many"
    assert _looks_like_text("\x07" + "甲" * 100), "1 in 101 is tolerated"
    assert _looks_like_text("甲" * 20000 + "\x07" * 500), "only the first 20,000 characters are looked at"
    assert not _looks_like_text("\ue000" * 5 + "甲" * 10) and not _looks_like_text("\x01" * 3)
    assert not _looks_like_text("\u0378" * 5 + "甲" * 10), "unassigned code points"
    assert not _looks_like_text("\ud800" * 5 + "甲" * 10), "lone surrogates"
    assert _looks_like_text("甲\r" * 50) and _looks_like_text("甲\n" * 50) and _looks_like_text("甲\t" * 50)
    assert not _looks_like_text("\x07" * 200 + "甲" * 19801), "1 in 100 of the first 20,000, whatever follows"


def test_a_nul_anywhere_makes_a_file_binary() -> None:
    from report import read_text

    with pytest.raises(ReportLoadError, match="不是文本文件（含二进制内容）"):
        read_text("支部工作总结\n".encode("utf-8") * 2000 + b"\x00", "r.txt")


def test_a_markdown_file_unescapes_what_the_export_escaped_and_a_text_file_does_not() -> None:
    from report.load import parse_file_text

    text = "# 工作总结\n\n## 一、学习\n\n学习\\<试行\\>条例。\n"
    for name in ("R.MD", "r.md"):
        assert "学习<试行>条例。" in to_text(parse_file_text(text, name)), name
    assert "学习\\<试行\\>条例。" in to_text(parse_file_text(text, "r.txt"))


def test_a_markdown_file_is_read_as_markdown_whatever_the_case_of_its_name() -> None:
    from report.load import parse_file_text

    text = "# 2024年工作总结\n\n## 一、学习\n\n1. 集中学习。\n"
    assert parse_file_text(text, "R.MD").title == "2024年工作总结"
    assert parse_file_text(text, "r.md").sections[0].title == "一、学习"


# --- exact structure at the parser's edges ----------------------------------------------------------

def _outline(text: str) -> list[tuple[str, str, list[str], list[str]]]:
    return [(s.title, s.role.value, s.paragraphs, [c.title for c in s.children]) for s in parse_text(text).sections]


def test_a_lead_in_follows_a_heading_that_stands_alone_and_only_then() -> None:
    assert _outline("一、下一步打算\n下一步，支部将着力抓好以下工作：\n1.加强学习。") == [
        ("一、下一步打算", "next_steps", ["下一步，支部将着力抓好以下工作："], ["1.加强学习"])]
    opened = ("下一步，支部将着力抓好以下工作", "next_steps", [], ["1.加强学习"])
    # a heading with its own text, or its own inline items, is complete: the next block starts anew
    assert _outline("一、加强学习\n组织学习12次。\n二、存在问题。主要是学得不深。\n下一步，支部将着力抓好以下工作：\n1.加强学习。") == [
        ("一、加强学习", "achievement", ["组织学习12次。"], []), ("二、存在问题", "problems", [], []), opened]
    assert _outline("一、加强学习\n组织学习12次。\n二、存在问题：一是学得不深；二是用得不够。\n"
                    "下一步，支部将着力抓好以下工作：\n1.加强学习。")[1:] == [
        ("二、存在问题", "problems", [], ["一是学得不深", "二是用得不够"]), opened]


def test_a_title_is_a_short_first_line_above_the_report() -> None:
    assert parse_text("XX支部工作总结\n一、学习").title == "XX支部工作总结"
    assert parse_text("XX支部工作总结").title == "", "a single line is not a title"
    assert parse_text("支部工作扎实。\n一、学习").title == "", "a sentence is not a title"
    assert parse_text("甲" * 38 + "总结\n一、学习").title == "甲" * 38 + "总结", "40 characters still fit"
    assert parse_text("甲" * 39 + "总结\n一、学习").title == ""


def test_a_heading_sentence_is_at_most_45_characters() -> None:
    section = parse_text("一、" + "甲" * 44 + "。乙").sections[0]
    assert (section.heading, section.body) == ("甲" * 44 + "。", "乙")
    section = parse_text("一、" + "甲" * 45 + "。乙").sections[0]
    assert (section.heading, section.body) == ("", "甲" * 45 + "。乙")


def test_inline_items_start_at_one_and_are_shi_items() -> None:
    section = parse_text("一、加强学习。三是甲。一是乙。二是丙。").sections[0]
    assert section.body == "三是甲。"
    assert [(c.marker.style, c.marker.number, c.heading) for c in section.children] == [
        (Style.SHI, 1, "乙。"), (Style.SHI, 2, "丙。")]


def test_every_line_is_located_by_its_part_and_heading_path() -> None:
    from report.render import located_lines

    assert located_lines(parse_text("XX支部工作总结\n开篇一句。\n一、学习\n1.组织学习。\n新的一年，支部将继续努力。")) == [
        ("标题", "XX支部工作总结"), ("开篇", "开篇一句。"), ("一、学习", "一、学习"),
        ("一、学习 > 1.组织学习", "1.组织学习。"), ("结尾", "新的一年，支部将继续努力。")]
    assert located_lines(parse_text("开篇一句。\n一、学习\n1.组织学习。"))[:2] == [("开篇", "开篇一句。"), ("一、学习", "一、学习")]
