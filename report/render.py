"""Render the report model back to plain text and Markdown."""
from __future__ import annotations

from report.model import Report, Section


def section_line(section: Section) -> str:
    """The section's own line: marker, heading, body and inline items."""
    marker = section.marker.text if section.marker else ""
    inline = "".join(section_line(child) for child in section.children if child.inline)
    return f"{marker}{section.heading}{section.body}{inline}"


def section_lines(section: Section) -> list[str]:
    """All lines of a section in document order."""
    lines = [section_line(section), *section.paragraphs]
    for child in section.children:
        if not child.inline:
            lines.extend(section_lines(child))
    return lines


def report_parts(report: Report) -> list[tuple[str, str, str]]:
    """The report's parts as (key, title, text): "opening", each top-level section by its index, "closing"."""
    parts = [("opening", "开篇", "\n".join(report.opening))] if report.opening else []
    parts += [(str(index), section.title, section_text(section)) for index, section in enumerate(report.sections)]
    parts += [("closing", "结尾", "\n".join(report.closing))] if report.closing else []
    return parts


def section_text(section: Section) -> str:
    """A section as text, one paragraph a line."""
    return "\n".join(section_lines(section))


def to_text(report: Report) -> str:
    """The whole report as text, one paragraph a line."""
    lines: list[str] = [report.title] if report.title else []
    lines += report.opening
    for section in report.sections:
        lines += section_lines(section)
    lines += report.closing
    return "\n".join(lines) + "\n"


def _markdown_line(section: Section, depth: int) -> str:
    """A heading line as ``##``/``###`` when it stands alone, else with a bold title sentence."""
    marker = section.marker.text if section.marker else ""
    title = marker + section.heading
    rest = section_line(section)[len(title):]
    if not rest and depth <= 2 and title and not section.heading.endswith(("。", "！", "？", "；")):
        return f"{'#' * (depth + 1)} {title}"
    if not section.heading or not rest:
        return section_line(section)
    return f"**{title}**{rest}"


def _markdown_section(section: Section, depth: int) -> list[str]:
    lines = [_markdown_line(section, depth), *section.paragraphs]
    for child in section.children:
        if not child.inline:
            lines += _markdown_section(child, depth + 1)
    return lines


def to_markdown(report: Report) -> str:
    """The report as Markdown: title as ``#``, sections as ``##``/``###``, items with bold titles."""
    lines: list[str] = [f"# {report.title}"] if report.title else []
    lines += report.opening
    for section in report.sections:
        lines += _markdown_section(section, 1)
    lines += report.closing
    # A < or > in the text is escaped, so that no Markdown viewer runs it as HTML (<script>…).
    return "\n\n".join(lines).replace("<", "\\<").replace(">", "\\>") + "\n"


def located_lines(report: Report) -> list[tuple[str, str]]:
    """Every line with where it stands: (section heading path, line text)."""
    located = [("标题", report.title)] if report.title else []
    located += [("开篇", line) for line in report.opening]

    def visit(section: Section, path: str) -> None:
        here = f"{path} > {section.title}" if path else section.title
        located.extend((here, line) for line in [section_line(section), *section.paragraphs])
        for child in section.children:
            if not child.inline:
                visit(child, here)

    for section in report.sections:
        visit(section, "")
    located += [("结尾", line) for line in report.closing]
    return located
