"""Parse plain text or Markdown into the report model. The only parser in the project."""
from __future__ import annotations

import re

from report.model import Report, Role, Section
from report.numbering import INLINE_SHI, Marker, Style, match_marker, cn_to_int
from report.roles import is_label, numbered_section_role, report_year, unnumbered_block_role

_SENTENCE_END = re.compile(r"[。！？!?]|[：:](?=.)")
MAX_HEADING_CHARS = 45
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*")


def split_heading(rest: str) -> tuple[str, str]:
    """Split the text after a marker into (title sentence, rest of the line)."""
    found = _SENTENCE_END.search(rest)
    if not found:
        return rest, ""
    end = found.end()
    if end > MAX_HEADING_CHARS:
        return "", rest
    return rest[:end], rest[end:]


def split_inline_items(text: str) -> tuple[str, list[tuple[Marker, str]]]:
    """Split ``text`` at inline 一是/二是… items; return the lead text and the items."""
    matches = list(INLINE_SHI.finditer(text))
    while matches and cn_to_int(matches[0].group(1)) != 1:
        matches.pop(0)
    if len(matches) < 2:
        return text, []
    items = []
    for index, found in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        marker = Marker(Style.SHI, cn_to_int(found.group(1)), found.group(0))
        items.append((marker, text[found.end():end]))
    return text[: matches[0].start()], items


def _make_section(marker: Marker | None, rest: str, label: bool = False) -> Section:
    """Build a section from the text of its line after the marker."""
    if marker is None:
        heading, after = (rest, "") if label else ("", rest)
    else:
        heading, after = split_heading(rest)
    body, items = split_inline_items(after)
    section = Section(marker=marker, heading=heading, body=body)
    for item_marker, item_text in items:
        child = _make_section(item_marker, item_text)
        child.inline = True
        section.children.append(child)
    return section


def plain_line(line: str) -> str:
    """A line as the parser reads it: trimmed (invisible marks too), heading hashes and a bold lead-in dropped."""
    return _MD_BOLD_LEAD.sub(r"\1", _MD_HEADING.sub("", line.strip(" \t\u200b\ufeff\u3000"))).strip(" \t\u200b\ufeff\u3000")


def strip_markdown(text: str) -> str:
    """Drop heading hashes and a bold lead-in (our own Markdown) so that a .md draft parses like text."""
    lines = [_MD_BOLD_LEAD.sub(r"\1", _MD_HEADING.sub("", line)) for line in text.split("\n")]
    return "\n".join(lines).replace("\\<", "<").replace("\\>", ">")


def _title_line(lines: list[str]) -> bool:
    """Whether the first line is a document title rather than the opening paragraph."""
    first = lines[0]
    if len(lines) < 2 or match_marker(first) or len(first) > 40 or first[-1] in "。；;，,：:":
        return False
    return bool(re.search(r"总结|报告|汇报|材料|情况", first)) or "，" not in first


def _block_starts(lines: list[str], year: int | None) -> list[Role | None]:
    """For each line: the role that an unnumbered block starting there takes, if any."""
    return [None if match_marker(line) else unnumbered_block_role(line, year) for line in lines]


def parse_text(text: str) -> Report:
    """Parse a report written one paragraph a line (blank lines and indentation ignored). Heading hashes
    and a bold lead-in are dropped here too, so that text with stray Markdown (a model's answer) parses
    the same as its Markdown rendering: load → Markdown → load is stable."""
    lines = [plain_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    report = Report()
    if not lines:
        return report
    if _title_line(lines):
        report.title = lines.pop(0)
    year = report_year(text)
    starts = _block_starts(lines, year)
    structural = [i for i, line in enumerate(lines) if match_marker(line) or starts[i]]
    closing_from = _closing_start(lines, structural)

    stack: list[Section] = []
    top_style: Style | None = None
    for index, line in enumerate(lines):
        if index >= closing_from:
            report.closing.append(line)
            continue
        marker = match_marker(line)
        if marker is not None:
            section = _make_section(marker, line[len(marker.text):].lstrip())
            same = [i for i, open_section in enumerate(stack) if open_section.marker and open_section.marker.style == marker.style]
            if same:
                stack = stack[: same[-1]]
            elif top_style is None or marker.style == top_style:
                stack = []
            if not stack:
                top_style = marker.style
                report.sections.append(section)
            else:
                stack[-1].children.append(section)
            stack.append(section)
        elif starts[index] is not None and (report.sections or index > 0) and not _bare_heading_open(stack):
            section = _make_section(None, line, label=is_label(line))
            section.role = starts[index]
            report.sections.append(section)
            stack = [section]
        elif not stack:
            report.opening.append(line)
        else:
            stack[-1].paragraphs.append(line)
    _assign_roles(report, year)
    return report


def _bare_heading_open(stack: list[Section]) -> bool:
    """A numbered top-level heading stands alone so far: the next paragraph is its lead-in."""
    if len(stack) != 1:
        return False
    top = stack[0]
    return top.marker is not None and not (top.body or top.children or top.paragraphs)


def _closing_start(lines: list[str], structural: list[int]) -> int:
    """Index of the first closing paragraph: unnumbered lines after the last structural line."""
    if not structural:
        return len(lines)
    last = structural[-1]
    start = last + 1
    marker = match_marker(lines[last])
    # A bare title line (no sentence end, nothing after it) owns the next paragraph.
    if marker is not None:
        heading, rest = split_heading(lines[last][len(marker.text):])
        if not rest and not heading.endswith(("。", "！", "？", "；")):
            start += 1
    return min(start, len(lines))


def _assign_roles(report: Report, year: int | None) -> None:
    """Give numbered top-level sections a role by meaning; children inherit it."""
    for section in report.sections:
        if section.marker is not None:
            intro = section.body or (section.paragraphs[0] if section.paragraphs else "")
            section.role = numbered_section_role(section.heading or section.body, intro, year)
        for _, child in section.walk():
            child.role = section.role


def parse_markdown(text: str) -> Report:
    """Parse a Markdown draft (as rendered by :func:`report.render.to_markdown`)."""
    return parse_text(strip_markdown(text))
