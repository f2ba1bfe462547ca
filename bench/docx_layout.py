"""The .docx as printed: a long sample report is exported, converted to PDF by LibreOffice, and its pages
measured — lines on each full page (GB/T 9704: 22) and characters on the widest body line (28; a digit
or Latin letter counts as half). Page images go to artifacts/docx-pages/ for a person to look at.

Needs LibreOffice and poppler (Debian: apt-get install libreoffice-writer-nogui poppler-utils).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from core.config import PROJECT_ROOT
from report import load_report
from report.docx import to_docx

PAGES_DIR = PROJECT_ROOT / "artifacts" / "docx-pages"
SAMPLE = "003"  # the longest sample: several full pages


def width(line: str) -> float:
    """Characters of the line in full-width units (a digit or Latin letter is half; the spaces the PDF
    text shows between Chinese and Latin text are not in the document)."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5 for char in line if not char.isspace())


def page_lines(pdf: Path, page: int) -> list[str]:
    """The page's text lines, without the footer's page number."""
    text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [line for line in text.splitlines() if line.strip()]
    return [line for line in lines if not line.strip().startswith("—")]


def main() -> int:
    missing = [tool for tool in ("soffice", "pdftotext", "pdfinfo", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"skipped: {', '.join(missing)} not installed (apt-get install libreoffice-writer-nogui poppler-utils)")
        return 0
    report = load_report(next((PROJECT_ROOT / "corpus").glob(f"{SAMPLE}_*.txt")))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(to_docx(report, unit="机关第一党支部", date="2024年12月31日"))
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
                       capture_output=True, check=True, timeout=180)
        pdf = source.with_suffix(".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        shutil.rmtree(PAGES_DIR, ignore_errors=True)
        PAGES_DIR.mkdir(parents=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(PAGES_DIR / "page")], check=True)
        lines = [page_lines(pdf, number) for number in range(1, pages + 1)]
    body = [line for page in lines[1:] for line in page]  # page 1 holds the title
    print(f"sample {SAMPLE} exported and converted by LibreOffice: {pages} pages (images in {PAGES_DIR.relative_to(PROJECT_ROOT)})")
    print(f"lines on each full page (all but the last): {[len(page) for page in lines[1:-1]]} — the standard is 22")
    print(f"widest body line: {max(width(line) for line in body):g} characters — the standard is 28")
    return 0


if __name__ == "__main__":
    sys.exit(main())
