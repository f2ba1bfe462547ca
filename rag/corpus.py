"""The corpus folder: sample and user reports as files; the index follows it."""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from report import ROLE_LABELS, Report, ReportLoadError, read_text
from report.load import SUFFIXES, parse_file_text


@dataclass(frozen=True)
class CorpusFile:
    """One report file of the corpus, read and parsed."""

    name: str
    digest: str
    report: Report
    chars: int


class CorpusMissingError(ValueError):
    """The configured corpus folder does not exist; the message says which, in Chinese."""


def corpus_paths(folder: Path) -> list[Path]:
    """Report files in ``folder``, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def content_digest(data: bytes) -> str:
    """The content hash that tells whether a report changed."""
    return hashlib.sha256(data).hexdigest()


def parse_corpus_bytes(name: str, data: bytes) -> CorpusFile:
    """Decode and parse one corpus file's bytes (raises ReportLoadError with the file's name)."""
    text = read_text(data, name)
    return CorpusFile(name, content_digest(data), parse_file_text(text, name), len(text))


def read_corpus_file(path: Path) -> CorpusFile:
    """Read, hash and parse one corpus file; parsed again only when its size or mtime changes."""
    stat = path.stat()
    return _read_unchanged(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1024)
def _read_unchanged(path: Path, _mtime_ns: int, _size: int) -> CorpusFile:
    return parse_corpus_bytes(path.name, path.read_bytes())


def describe_corpus(folder: Path) -> tuple[list[CorpusFile], list[str]]:
    """Every readable report in the folder, and a message for each file that is not."""
    files, errors = [], []
    for path in corpus_paths(folder):
        try:
            files.append(read_corpus_file(path))
        except ReportLoadError as error:
            errors.append(str(error))
    return files, errors


def validate_upload(name: str, data: bytes) -> Report:
    """Check that an uploaded file is a readable report with at least one numbered section."""
    report = parse_file_text(read_text(data, name), name)
    if not report.sections:
        raise ReportLoadError(f"{name}：未识别到“一、二、三”等编号的章节，看起来不是一篇工作报告")
    return report


def safe_name(name: str) -> str:
    """A file name safe to store in the corpus folder (no path parts)."""
    stem, suffix = Path(Path(name).name).stem, Path(name).suffix.lower()
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", stem).strip("._") or "report"
    return f"{stem}{suffix}"


MAX_UPLOAD_MB = 5  # one limit, on the page's uploader and here


class NameClashError(ValueError):
    """A report of that name is already in the corpus; the caller must choose: replace or keep both."""


def add_file(folder: Path, name: str, data: bytes, replace: bool | None = None) -> Path:
    """Validate and store an uploaded report in the corpus; return its path. When the name is taken,
    NameClashError unless ``replace`` says what to do: True overwrites, False keeps both (名称（2）)."""
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise ReportLoadError(f"{name}：文件 {len(data) / 1024 / 1024:.1f} MB，超过 {MAX_UPLOAD_MB} MB 的上限")
    validate_upload(name, data)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name(name)
    if path.exists() and replace is None:
        raise NameClashError(f"语料库中已有 {path.name}：请选择替换原文件，或两份都保留")
    if path.exists() and replace is False:
        number = 2
        while (folder / f"{path.stem}（{number}）{path.suffix}").exists():
            number += 1
        path = folder / f"{path.stem}（{number}）{path.suffix}"
    path.write_bytes(data)
    return path


def split_preview(corpus_file: CorpusFile) -> list[dict[str, str]]:
    """How a report is cut for retrieval: each chunk's heading path, role, length and start."""
    from rag.chunks import chunk_report

    return [{"段落": chunk.section, "作用": ROLE_LABELS[chunk.role], "字数": str(len(chunk.text)),
             "开头": chunk.text[:40]} for chunk in chunk_report(corpus_file.report, corpus_file.name)]


def remove_file(folder: Path, name: str) -> None:
    """Delete a report from the corpus folder."""
    path = folder / safe_name(name)
    if path.parent != folder or not path.exists():
        raise FileNotFoundError(f"{name}：语料库中没有这个文件")
    path.unlink()
