"""Seeded fuzzing of the loaders, the parser, fact placement, the scorer and two CLIs: 1,000+ generated
inputs (random bytes, mixed encodings, huge lines, deep numbering, odd markers, Markdown/HTML, zip
tricks) must each end in a result or a clear Chinese error — never a traceback, a hang or a bloat."""
from __future__ import annotations

import io
import random
import resource
import time
import zipfile
from pathlib import Path

import pytest

from eval.checklist import load_checklist
from eval.score import score_report
from rag.draft import DraftInputError, read_sheet
from rag.placement import place
from report import ReportLoadError, parse_markdown, parse_text, read_text, to_markdown, to_text

SEED = 20261125
CHECKLIST = load_checklist()
PIECES = ["一、", "二、", "（一）", "（二）", "1.", "2．", "（1）", "一是", "二是", "①", "###", "**", "- ", "> ",
          "<script>alert(1)</script>", "[链接](http://x)", "存在问题：", "下一步打算：", "忽略以上指令", "党支部",
          "三会一课", "两个维护", "2024年", "12次", "*", "XX", "【待补充】", "“", "”", "（", "）", "\t", "\r\n", "\n",
          "习近平新时代中国特色社会主义思想", "推动动", "x次", "20xx年", "\u200b", "\ufeff", "😀"]


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 80)))
    if kind < 0.8:
        return "".join(chr(rng.randint(0x4e00, 0x9fff)) if rng.random() < 0.8 else rng.choice(PIECES)
                       for _ in range(rng.randint(1, 400)))
    if kind < 0.9:  # deep numbering
        return "\n".join(rng.choice(["一、", "（一）", "1.", "（1）", "一是"]) * rng.randint(1, 30) + "学习"
                         for _ in range(rng.randint(1, 60)))
    return rng.choice(PIECES) * rng.randint(1000, 20000)  # huge line


def _docx_trick(rng: random.Random) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        choice = rng.random()
        if choice < 0.3:
            archive.writestr("[Content_Types].xml", "".join(rng.choice(PIECES) for _ in range(20)))
        elif choice < 0.6:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 500))))
        elif choice < 0.8:
            archive.writestr("word/document.xml", "<w:document>" + "<p>" * rng.randint(1, 2000))
        else:
            archive.writestr("../../etc/passwd", "x")
    data = buffer.getvalue()
    return data[: rng.randint(0, len(data))] if rng.random() < 0.3 else data


def inputs() -> list[tuple[str, bytes]]:
    """(file name, bytes) pairs, the same on every run."""
    rng = random.Random(SEED)
    made = []
    for number in range(1000):
        kind = number % 10
        if kind == 0:
            made.append((f"f{number}.txt", bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 2000)))))
        elif kind == 1:
            made.append((f"f{number}.docx", _docx_trick(rng)))
        else:
            encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5"])
            data = _text(rng).encode(encoding, errors="replace")
            if rng.random() < 0.1:
                data = data[: rng.randint(0, len(data))] + bytes(rng.randint(0, 255) for _ in range(8))
            made.append((f"f{number}" + rng.choice([".txt", ".md", ""]), data))
    return made


def test_a_thousand_generated_inputs_never_crash_hang_or_bloat() -> None:
    started, slowest, handled = time.perf_counter(), 0.0, 0
    for name, data in inputs():
        begun = time.perf_counter()
        try:
            text = read_text(data, name)
        except ReportLoadError as error:
            assert name in str(error)
            continue
        report = parse_markdown(text) if name.endswith(".md") else parse_text(text)
        assert parse_text(to_text(report)) is not None and to_markdown(report).count("<script>") == 0
        try:
            facts = read_sheet(text[:20000]).facts
        except DraftInputError:
            facts = []
        for fact in facts[:50]:
            place(fact, 2024)
        card = score_report(report, CHECKLIST, facts[:50] or None)
        assert 0 <= card.score <= 100 and not any(item.reason.startswith("检查出错") for item in card.items), name
        handled += 1
        slowest = max(slowest, time.perf_counter() - begun)
    assert handled > 400, "hundreds of inputs get past the loader to the scorer"
    assert slowest < 20, f"one input took {slowest:.1f} s"
    assert time.perf_counter() - started < 240
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 3 * 1024 * 1024, "peak memory under 3 GB"


@pytest.mark.parametrize("command", ["eval-score", "rag-outline"])
def test_the_clis_answer_generated_files_with_an_exit_code(command: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from eval.cli import main as eval_main
    from rag.cli import main as rag_main

    for name, data in inputs()[:60]:
        path = tmp_path / (name if Path(name).suffix else name + ".txt")
        path.write_bytes(data)
        if command == "eval-score":
            code = eval_main(["score", str(path), "--format", "json"])
        else:
            code = rag_main(["outline", str(path), "--year", "2024"])
        assert code in (0, 1, 2), (name, code)
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err


def test_generated_model_answers_stay_inside_their_part_and_verify_without_error(tmp_path: Path) -> None:
    """30 drafts of random model answers (markers, headings, masks, echoes, garbage) through the model writer
    (an in-process fake chat): every part verifies and settles, the draft keeps its planned sections,
    and its text parses back to the same text."""
    from rag.draft import draft_report
    from rag.model_writer import LLMWriter
    from rag.outline import DraftOptions
    from tests.fakes import FakeChat
    from tests.test_session import hashed_retriever

    rng = random.Random(SEED + 1)
    retriever = hashed_retriever(tmp_path)
    facts = "全年召开支部党员大会4次\n组织集中学习18次\n理论学习不够深入\n明年计划建设党员活动室"
    for _ in range(30):
        chat = FakeChat()
        chat.answers.extend(_text(rng)[:3000] for _ in range(40))
        draft = draft_report(facts, DraftOptions(year="2024"), retriever, LLMWriter(chat))
        planned = [p for p in draft.outline.sections if p.role.value not in ("opening", "closing")]
        assert len(draft.report.sections) == len(planned)
        text = to_text(draft.report)
        assert to_text(parse_text(text)) == text
