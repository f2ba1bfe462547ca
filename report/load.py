"""Read report files (.txt/.md in UTF-8, GBK/GB18030, with BOM or CRLF; .docx) into text."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

from report.model import Report
from report.parse import parse_markdown, parse_text

SUFFIXES = (".txt", ".md", ".docx")
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a .docx of a report unpacks to a few MB


class ReportLoadError(ValueError):
    """A file that cannot be read as a report; the message names the file."""


def _looks_like_text(text: str) -> bool:
    """Most characters are printable (letters, CJK, punctuation, spaces)."""
    if not text.strip():
        return True
    sample = text[:20000]
    unprintable = ("Cc", "Co", "Cn", "Cs")  # controls, private use, unassigned, surrogates
    bad = sum(1 for ch in sample if unicodedata.category(ch) in unprintable and ch not in ("\r", "\n", "\t"))
    return bad / len(sample) < 0.01


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes of a text report: UTF-16 with its byte-order mark, else UTF-8 (with or without BOM),
    then GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad's "Unicode"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ReportLoadError(f"{name}：UTF-16 文本有损坏（{error.reason}）") from error
        if _looks_like_text(text):
            return text
    if b"\x00" in data:  # no text file holds a NUL (UTF-16, which does, was read above)
        raise ReportLoadError(f"{name}：不是文本文件（含二进制内容），请上传 .txt、.md 或 .docx 报告")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise ReportLoadError(f"{name}：无法识别文件编码或不是文本文件（支持 UTF-8、GBK/GB18030）")


def docx_text(data: bytes, name: str) -> str:
    """The paragraphs of a .docx file, one a line."""
    import docx  # python-docx; imported here so that text-only callers start fast

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ReportLoadError(f"{name}：不是有效的 .docx 文件（{error}）") from error
    if unpacked > MAX_UNPACKED_BYTES:  # checked before anything is unpacked: a small file may hold gigabytes
        raise ReportLoadError(f"{name}：解压后过大（{unpacked // 1024 // 1024} MB，上限 {MAX_UNPACKED_BYTES // 1024 // 1024} MB），"
                              "不像是一份报告")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml's XMLSyntaxError …
        raise ReportLoadError(f"{name}：不是有效的 .docx 文件（{type(error).__name__}）") from error
    # A line break inside a paragraph (a long title broken between words) does not end the paragraph.
    return "\n".join(paragraph.text.replace("\n", "") for paragraph in document.paragraphs)


def read_text(data: bytes, name: str) -> str:
    """Turn an uploaded or stored file's bytes into report text; raise a clear error if unusable."""
    if len(data) > MAX_BYTES:
        raise ReportLoadError(f"{name}：文件过大（{len(data) // 1024} KB，上限 {MAX_BYTES // 1024 // 1024} MB）")
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        text = docx_text(data, name)
    elif suffix in (".txt", ".md", ""):
        text = decode_text(data, name)
    else:
        raise ReportLoadError(f"{name}：不支持的文件类型 {suffix}，请使用 .txt、.md 或 .docx")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if not text.strip():
        raise ReportLoadError(f"{name}：文件为空，没有可读取的报告内容")
    return text


def parse_file_text(text: str, name: str) -> Report:
    """Parse text read from ``name`` (Markdown by suffix, else plain text)."""
    return parse_markdown(text) if name.lower().endswith(".md") else parse_text(text)


def load_report(path: str | Path) -> Report:
    """Read and parse a report file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReportLoadError(f"{path.name}：无法读取（{error.strerror}）") from error
    return parse_file_text(read_text(data, path.name), path.name)
