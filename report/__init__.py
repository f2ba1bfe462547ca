"""The report model: parse and render Party-branch work reports (text, Markdown, .docx)."""
from report.load import ReportLoadError, load_report, read_text
from report.model import ROLE_LABELS, Report, Role, Section
from report.parse import parse_markdown, parse_text
from report.render import report_parts, section_text, to_markdown, to_text

__all__ = [
    "ROLE_LABELS", "Report", "ReportLoadError", "Role", "Section", "load_report", "parse_markdown",
    "parse_text", "read_text", "report_parts", "section_text", "to_markdown", "to_text",
]
