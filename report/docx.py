"""Render a report as .docx laid out like an official document (党政机关公文格式, GB/T 9704 style).

Title 方正小标宋简体 二号 centred; body 仿宋_GB2312 三号 with a two-character first-line indent;
level-1 headings 黑体, level-2 楷体_GB2312; A4 with the standard margins; 28 pt line spacing.
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
LINE = Pt(28)


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
        _font(paragraph.add_run(head), face, SIZE_BODY, fonts, bold=face == fonts.body and bool(rest))
    if rest:
        _font(paragraph.add_run(rest), fonts.body, SIZE_BODY, fonts)
    for text in section.paragraphs:
        _font(_paragraph(document).add_run(text), fonts.body, SIZE_BODY, fonts)
    for child in section.children:
        if not child.inline:
            _section(document, child, depth + 1, fonts)


def to_docx(report: Report, fonts: Fonts = Fonts()) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(3.7), Cm(3.5)
    page.left_margin, page.right_margin = Cm(2.8), Cm(2.6)
    if report.title:
        title = _paragraph(document, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        title.paragraph_format.line_spacing = Pt(36)
        title.paragraph_format.space_after = Pt(16)
        _font(title.add_run(report.title), fonts.title, SIZE_TITLE, fonts, bold=True)
    for text in report.opening:
        _font(_paragraph(document).add_run(text), fonts.body, SIZE_BODY, fonts)
    for section in report.sections:
        _section(document, section, 1, fonts)
    for text in report.closing:
        _font(_paragraph(document).add_run(text), fonts.body, SIZE_BODY, fonts)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
