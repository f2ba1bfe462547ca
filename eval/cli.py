"""``python -m eval score FILE`` and ``python -m eval run FOLDER``.

Exit codes: 0 every draft reaches the threshold, 1 one does not, 2 bad input.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from eval.checklist import ChecklistError, load_checklist
from eval.output import summary_markdown, to_json, to_markdown
from eval.score import Scorecard, score_report
from report import ReportLoadError, load_report, read_text
from report.facts import Fact, parse_facts
from report.load import SUFFIXES

EXIT_OK, EXIT_BELOW, EXIT_BAD_INPUT = 0, 1, 2


def read_facts(path: str | None) -> list[Fact] | None:
    """The facts file's facts, or None when no file is given."""
    if not path:
        return None
    file = Path(path)
    try:
        facts = parse_facts(read_text(file.read_bytes(), file.name))
    except OSError as error:
        raise ReportLoadError(f"{file.name}：无法读取（{error.strerror}）") from error
    return facts


def score_file(path: Path, args: argparse.Namespace, facts: list[Fact] | None) -> Scorecard:
    card = score_report(load_report(path), args.checklist_obj, facts, source=path.name)
    if args.min_score is not None:
        card.min_score = args.min_score
    return card


def cmd_score(args: argparse.Namespace) -> int:
    card = score_file(Path(args.file), args, read_facts(args.facts))
    output = to_json(card) if args.format == "json" else to_markdown(card)
    if args.out:
        Path(args.out).write_text(output + "\n", encoding="utf-8")
    print(output)
    return EXIT_OK if card.passed else EXIT_BELOW


def cmd_run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise ReportLoadError(f"{folder}：不是文件夹")
    facts = read_facts(args.facts)
    out = Path(args.out) if args.out else folder / "_scores"
    out.mkdir(parents=True, exist_ok=True)
    cards, errors = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES):
        try:
            card = score_file(path, args, facts)
        except ReportLoadError as error:
            errors.append(str(error))
            continue
        cards.append(card)
        (out / f"{path.stem}.json").write_text(to_json(card) + "\n", encoding="utf-8")
        (out / f"{path.stem}.md").write_text(to_markdown(card), encoding="utf-8")
    summary = summary_markdown(cards)
    (out / "summary.md").write_text(summary, encoding="utf-8")
    print(summary)
    print(f"结果已写入 {out}")
    for message in errors:
        print(f"跳过：{message}", file=sys.stderr)
    if not cards:
        print("错误：文件夹中没有可评分的报告（.txt / .md / .docx）", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK if all(card.passed for card in cards) else EXIT_BELOW


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval", description="按检查清单为工作报告评分")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--facts", help="用户事实文件（一行一条），用于事实覆盖与数字核对")
    common.add_argument("--checklist", help="检查清单 YAML（默认 eval/checklist.yaml）")
    common.add_argument("--min-score", type=float, help="及格线（默认取检查清单的 min_score）")
    score = commands.add_parser("score", parents=[common], help="为一篇报告评分")
    score.add_argument("file")
    score.add_argument("--format", choices=["json", "md"], default="md")
    score.add_argument("--out", help="同时写入此文件")
    score.set_defaults(run=cmd_score)
    run = commands.add_parser("run", parents=[common], help="为文件夹中的所有报告评分并汇总")
    run.add_argument("folder")
    run.add_argument("--out", help="结果文件夹（默认 FOLDER/_scores）")
    run.set_defaults(run=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_BAD_INPUT if exit_.code else EXIT_OK
    try:
        args.checklist_obj = load_checklist(args.checklist)
        return args.run(args)
    except (ChecklistError, ReportLoadError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
