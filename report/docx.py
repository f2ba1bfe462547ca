"""Render a report as .docx laid out like an official document (党政机关公文格式, GB/T 9704 style).

Title 方正小标宋简体 二号 centred, not bold, broken (when longer than a line) between words; body
仿宋_GB2312 三号 with a two-character first-line indent; level-1 headings 黑体, level-2 楷体_GB2312,
item markers in the body face, never bold; A4 with the standard margins (text block 156 × 225 mm) and
the standard grid of 22 lines × 28 characters; page numbers “— 1 —” in 4号 at the outer side of the
footer; an optional signature block (unit, date).
Fonts are named for East Asian text; where one is not installed, Word/WPS/LibreOffice substitute a
similar face (with a fallback named for Latin text), so the document still opens and reads well.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
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
# The grid: 22 lines in the 225 mm text block (579 twips = 28.95 pt a line, a line grid every
# application honours) and 28 characters of 三号 in its 156 mm width (442.2 pt): each character is
# set 0.25 pt tighter (15.75 pt), since a character grid of 15.79 pt is read differently by Word
# (characters squeezed into the cell) and LibreOffice (a 16 pt character takes two cells).
LINE_PITCH_TWIPS = 579
CHAR_SPACING_TWIPS = -5  # 1/20 pt
LINE = Pt(LINE_PITCH_TWIPS / 20)
TITLE_CHARS = 20  # characters of 二号 on one line of the 15.6 cm text width
TODO_DATE = "【待补充：成文日期】"


def _font(run, face: str, size: Pt, fonts: Fonts, bold: bool = False) -> None:
    run.font.name = fonts.latin  # writes the run's w:rFonts
    run.font.size = size
    run.font.bold = bold
    families = run._element.rPr.rFonts
    families.set(qn("w:eastAsia"), face)
    families.set(qn("w:hint"), "eastAsia")


def _paragraph(document, indent: bool = True, align=None):
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.line_spacing = LINE  # a length: python-docx writes lineRule="exact"
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


# What may follow a property in its parent, in the schema's order (ECMA-376 CT_RPr, CT_PPr): Word
# rejects a document whose properties are out of order.
FOLLOWING = {
    "w:spacing": ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                  "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                  "w:specVanish", "w:oMath"),
    "w:snapToGrid": ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                     "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                     "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
}


def _add_in_order(properties, tag: str, value: str) -> None:
    """Add a property element where the schema puts it."""
    properties.insert_element_before(properties.makeelement(qn(tag), {qn("w:val"): value}), *FOLLOWING[tag])


def _grid(document, fonts: Fonts) -> None:
    """The 22 × 28 grid: a line grid of 22 lines on the page, and a default font of 三号 in the body
    face set tight enough for 28 characters a line."""
    normal = document.styles["Normal"]
    normal.font.size = SIZE_BODY
    normal.font.name = fonts.latin
    properties = normal.element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), fonts.body)
    _add_in_order(properties, "w:spacing", str(CHAR_SPACING_TWIPS))
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))  # python-docx's template has one
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def to_docx(report: Report, fonts: Fonts = Fonts(), unit: str | None = None, date: str = "") -> bytes:
    """The report as .docx bytes; with ``unit`` (even empty) a signature block ends it: the unit (or
    【待补充】) and the date (or 【待补充：成文日期】), right-aligned."""
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(3.7), Cm(3.5)
    page.left_margin, page.right_margin = Cm(2.8), Cm(2.6)
    _grid(document, fonts)
    _page_numbers(document, fonts)
    if report.title:
        title = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        title.paragraph_format.line_spacing = Pt(36)
        _add_in_order(title._p.get_or_add_pPr(), "w:snapToGrid", "0")  # its own 36 pt lines, off the grid
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
