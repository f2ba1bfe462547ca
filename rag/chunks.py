"""Split a parsed report into retrieval chunks along its own structure (not character windows)."""
from __future__ import annotations

from dataclasses import dataclass

from report import ROLE_LABELS, Report, Role, Section
from report.render import section_line, section_text

# The embedder's cost grows with length. On bench/queries.yaml, the chunk's own heading plus its
# first 350 characters (most chunks whole) matches the full path and text in quality, embeds
# faster, and keyword search still sees the whole text.
EMBED_CHARS = 350


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit: a section's own text or one of its items, with its heading path."""

    report: str
    position: int
    section: str
    role: Role
    level: int
    text: str

    @property
    def id(self) -> str:
        """Stable id within the index."""
        return f"{self.report}#{self.position}"

    @property
    def embed_text(self) -> str:
        """What the embedder sees: the chunk's own heading, then the start of its text."""
        return f"{self.section.split(' > ')[-1]}\n{self.text[:EMBED_CHARS]}"


def _own_text(section: Section) -> str:
    """A section's line without its inline items, plus its free paragraphs."""
    marker = section.marker.text if section.marker else ""
    lines = [f"{marker}{section.heading}{section.body}", *section.paragraphs]
    return "\n".join(line for line in lines if line)


def chunk_report(report: Report, name: str) -> list[Chunk]:
    """Chunks of ``report`` in document order: opening, each section and item, closing."""
    pieces: list[tuple[str, Role, int, str]] = []
    if report.opening:
        pieces.append((ROLE_LABELS[Role.OPENING], Role.OPENING, 0, "\n".join(report.opening)))
    for section in report.sections:
        if not section.children:
            pieces.append((section.title, section.role, 1, section_text(section)))
            continue
        pieces.append((section.title, section.role, 1, _own_text(section)))
        for child in section.children:
            text = section_line(child) if child.inline else section_text(child)
            pieces.append((f"{section.title} > {child.title}", child.role, 2, text))
    if report.closing:
        pieces.append((ROLE_LABELS[Role.CLOSING], Role.CLOSING, 0, "\n".join(report.closing)))
    return [
        Chunk(name, position, path, role, level, text)
        for position, (path, role, level, text) in enumerate(pieces)
        if text.strip()
    ]
