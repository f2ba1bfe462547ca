"""Render a report as .docx laid out like an official document (党政机关公文格式, GB/T 9704 style).

Title 方正小标宋简体 二号 centred, not bold, broken (when longer than a line) between words; body
仿宋_GB2312 三号 with a two-character first-line indent; level-1 headings 黑体, level-2 楷体_GB2312,
item markers in the body face, never bold; A4 with the standard margins; 28 pt line spacing; page
numbers “— 1 —” in 4号 at the outer side of the footer; an optional signature block (unit, date).
Fonts are named for East Asian text; where one is not installed, Word/WPS/LibreOffice substitute a
similar face (with a fallback named for Latin text), so the document still opens and reads well.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from report.model import Report, Section
from report.numbering import Style
from report.render import section_line


@dataclass(frozen=True)
class Fonts:
    """Font faces by use (East Asian name, Latin fallback)."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    latin: str = "Times New Roman"


SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_PAGE_NUMBER = Pt(14)  # 4号
LINE = Pt(28)
TITLE_CHARS = 20  # characters of 二号 on one line of the 15.6 cm text width
TODO_DATE = "【待补充：成文日期】"


def _font(run, face: str, size: Pt, fonts: Fonts, bold: bool = False) -> None:
    run.font.name = fonts.latin
    run.font.size = size
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    families = properties.find(qn("w:rFonts"))
    if families is None:
        families = properties.makeelement(qn("w:rFonts"), {})
        properties.append(families)
    families.set(qn("w:eastAsia"), face)
    families.set(qn("w:hint"), "eastAsia")


def _paragraph(document, indent: bool = True, align=None):
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE
    layout.space_before = layout.space_after = Pt(0)
    if indent:
        layout.first_line_indent = Pt(32)  # two characters of 三号
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _heading_face(section: Section, depth: int, fonts: Fonts) -> str:
    if section.marker is None or depth == 1 and section.marker.style == Style.CN:
        return fonts.heading1
    if section.marker.style == Style.PAREN_CN:
        return fonts.heading2
    return fonts.body


def _section(document, section: Section, depth: int, fonts: Fonts) -> None:
    paragraph = _paragraph(document)
    marker = section.marker.text if section.marker else ""
    head = marker + section.heading
    rest = section_line(section)[len(head):]
    face = _heading_face(section, depth, fonts)
    if head:
        _font(paragraph.add_run(head), face, SIZE_BODY, fonts)
    if rest:
        _font(paragraph.add_run(rest), fonts.body, SIZE_BODY, fonts)
    for text in section.paragraphs:
        _font(_paragraph(document).add_run(text), fonts.body, SIZE_BODY, fonts)
    for child in section.children:
        if not child.inline:
            _section(document, child, depth + 1, fonts)


def title_lines(title: str) -> list[str]:
    """The title in lines of at most :data:`TITLE_CHARS`, broken between words (jieba), never inside one."""
    if len(title) <= TITLE_CHARS:
        return [title]
    import jieba

    ends, position = [], 0
    for word in jieba.lcut(title):
        position += len(word)
        ends.append(position)
    fitting = [end for end in ends[:-1] if end <= TITLE_CHARS and len(title) - end <= TITLE_CHARS]
    cut = min(fitting, key=lambda end: abs(end - len(title) / 2)) if fitting else \
        max((end for end in ends[:-1] if end <= TITLE_CHARS), default=TITLE_CHARS)
    return [title[:cut], *title_lines(title[cut:])]


def _page_numbers(document, fonts: Fonts) -> None:
    """“— n —” in 4号 at the outer side: right on odd pages, left on even ones."""
    document.settings.odd_and_even_pages_header_footer = True
    page = document.sections[0]
    for footer, align in ((page.footer, WD_ALIGN_PARAGRAPH.RIGHT), (page.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        _font(paragraph.add_run("— "), fonts.body, SIZE_PAGE_NUMBER, fonts)
        field = paragraph._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
        number = paragraph.add_run("1")
        _font(number, fonts.body, SIZE_PAGE_NUMBER, fonts)
        paragraph._p.remove(number._r)
        field.append(number._r)
        paragraph._p.append(field)
        _font(paragraph.add_run(" —"), fonts.body, SIZE_PAGE_NUMBER, fonts)


def to_docx(report: Report, fonts: Fonts = Fonts(), unit: str | None = None, date: str = "") -> bytes:
    """The report as .docx bytes; with ``unit`` (even empty) a signature block ends it: the unit (or
    【待补充】) and the date (or 【待补充：成文日期】), right-aligned."""
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(3.7), Cm(3.5)
    page.left_margin, page.right_margin = Cm(2.8), Cm(2.6)
    _page_numbers(document, fonts)
    if report.title:
        title = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        title.paragraph_format.line_spacing = Pt(36)
        title.paragraph_format.space_after = Pt(16)
        for number, line in enumerate(title_lines(report.title)):
            if number:
                title.add_run().add_break()
            _font(title.add_run(line), fonts.title, SIZE_TITLE, fonts)
    for text in report.opening:
        _font(_paragraph(document).add_run(text), fonts.body, SIZE_BODY, fonts)
    for section in report.sections:
        _section(document, section, 1, fonts)
    for text in report.closing:
        _font(_paragraph(document).add_run(text), fonts.body, SIZE_BODY, fonts)
    if unit is not None:
        for number, text in enumerate((unit.strip() or "【待补充：单位名称】", date.strip() or TODO_DATE)):
            line = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            line.paragraph_format.right_indent = Pt(64)  # four characters from the right edge
            if number == 0:
                line.paragraph_format.space_before = LINE
            _font(line.add_run(text), fonts.body, SIZE_BODY, fonts)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
