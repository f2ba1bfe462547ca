"""Command line: ``python -m rag index | search | outline | draft | revise`` (see ``--help``)."""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Sequence

from core.config import load_settings
from rag.retrieve import Mode, check_query
from report import Role

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _open_index(sync: bool = False):
    """The index of the configured corpus; with ``sync``, brought up to date first when it is empty."""
    from rag.index import Index

    index = Index(load_settings())
    if sync and index.count() == 0:
        index.sync()
    return index


def positive_count(text: str) -> int:
    """An argparse type: a whole number from 1 to 100."""
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"应为 1～100 的整数：{text}")
    return int(text)


def report_year_arg(text: str) -> str:
    """An argparse type: a four-digit year (or nothing)."""
    from rag.outline import parse_year

    try:
        return parse_year(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def cmd_index(args: argparse.Namespace) -> int:
    index = _open_index()
    result = index.sync(progress=lambda message: print(message, file=sys.stderr))
    print(
        f"新增 {len(result.added)}，更新 {len(result.updated)}，删除 {len(result.removed)}，"
        f"未变 {len(result.unchanged)}；嵌入 {result.embedded_chunks} 段，共 {index.count()} 段，"
        f"用时 {result.seconds:.2f} 秒"
    )
    for error in result.errors:
        print(f"跳过：{error}", file=sys.stderr)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from rag.retrieve import Retriever

    if not args.query.strip():
        print("错误：查询内容为空", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        check_query(args.query)  # before the index is opened
    except ValueError as error:
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    hits = Retriever(_open_index(sync=True)).search(args.query, k=args.k, role=args.role, mode=Mode(args.mode))
    if args.json:
        print(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
        return EXIT_OK
    for rank, hit in enumerate(hits, 1):
        print(f"{rank}. [{hit.role}] {hit.report} · {hit.section}  ({hit.score:.4f})")
        print(f"   {hit.text[:160]}")
    return EXIT_OK


class PrintProgress:
    """Progress lines on stderr."""

    def stage(self, name: str) -> None:
        print(f"… {name}", file=sys.stderr)

    def section_start(self, index: int, total: int, title: str) -> None:
        print(f"… 第 {index}/{total} 部分：{title}", file=sys.stderr)

    def token(self, index: int, text: str) -> None:
        pass

    def section_end(self, index: int, total: int) -> None:
        pass


def _write_output(text: str, out: str | None, data: bytes | None = None) -> None:
    """Write to ``out`` (``data`` if given, else ``text``); if that fails, say why and print the text, so
    that nothing drafted is lost."""
    if out:
        try:
            if data is not None:
                Path(out).write_bytes(data)
            else:
                Path(out).write_text(text, encoding="utf-8")
            print(f"已写入 {out}", file=sys.stderr)
            return
        except OSError as error:
            print(f"错误：无法写入 {out}（{error.strerror}），内容打印如下：", file=sys.stderr)
    print(text)


def _write_report(report, out: str | None, unit: str | None = None) -> None:
    """Write a report in the format its file name asks for (.docx, .md, else text); stdout gets Markdown.
    A .docx of a draft ends with the signature block (``unit``; the date left 【待补充】)."""
    from report import to_markdown, to_text
    from report.docx import to_docx

    if out and out.lower().endswith(".docx"):
        _write_output(to_markdown(report), out, to_docx(report, unit=unit))
        return
    _write_output(to_text(report) if out and not out.lower().endswith(".md") else to_markdown(report), out)


def _read_facts_file(name: str) -> str | None:
    """The text of a facts file, or None after printing a Chinese error."""
    from report import ReportLoadError, read_text

    path = Path(name)
    try:
        return read_text(path.read_bytes(), path.name)
    except OSError as error:
        print(f"错误：{path.name}：无法读取（{error.strerror}）", file=sys.stderr)
    except ReportLoadError as error:
        print(f"错误：{error}", file=sys.stderr)
    return None


def _options(args: argparse.Namespace):
    from rag.outline import DraftOptions

    return DraftOptions(unit=args.unit, year=args.year, kind=args.kind, length=getattr(args, "length", "标准"),
                        include_problems=not args.no_problems, include_next_steps=not args.no_next_steps,
                        style=getattr(args, "style", "arabic"))


def cmd_outline(args: argparse.Namespace) -> int:
    from rag.draft import DraftInputError, fact_notes, read_sheet
    from rag.outline import placement_note, plan_outline
    from report import ROLE_LABELS

    facts_text = _read_facts_file(args.facts_file)
    if facts_text is None:
        return EXIT_BAD_INPUT
    options = _options(args)
    try:
        sheet = read_sheet(facts_text)
    except DraftInputError as error:
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    outline = plan_outline(sheet.facts, options)
    notes = fact_notes(sheet, options.year_number)
    if args.json:
        parts = [{"role": part.role.value, "theme": part.theme, "heading": part.heading,
                  "facts": [{"number": i + 1, "text": sheet.facts[i].text, **outline.placements[i].to_dict()}
                            for i in part.facts]} for part in outline.sections]
        print(json.dumps({"title": outline.title, "parts": parts, "notes": notes}, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(outline.title)
    for part in outline.sections:
        print(f"\n[{ROLE_LABELS[part.role]} · {part.theme}] {part.heading}")
        for i in part.facts:
            print(f"  {i + 1}. {sheet.facts[i].text}  （{placement_note(outline.placements[i])}）")
    for note in notes:
        print(f"注意：{note}", file=sys.stderr)
    return EXIT_OK


def cmd_draft(args: argparse.Namespace) -> int:
    from rag.draft import DraftError, DraftInputError, draft_report
    from rag.engine import make_writer
    from rag.retrieve import Retriever

    facts_text = _read_facts_file(args.facts_file)
    if facts_text is None:
        return EXIT_BAD_INPUT
    options = _options(args)
    previous = None
    if args.previous:
        from report import ReportLoadError, load_report

        try:
            previous = load_report(args.previous)
        except (ReportLoadError, OSError) as error:
            print(f"错误：去年的报告无法读取：{error}", file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.out and not Path(args.out).resolve().parent.is_dir():
        print(f"错误：输出文件夹不存在：{Path(args.out).resolve().parent}", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = load_settings()
    index = _open_index(sync=True)
    writer = make_writer(settings)
    print(f"引擎：{writer.label}", file=sys.stderr)
    try:
        draft = draft_report(facts_text, options, Retriever(index), writer, PrintProgress(), previous=previous)
        status = EXIT_OK
    except DraftInputError as error:
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DraftError as error:
        print(f"错误：{error}（已保留写出的部分）", file=sys.stderr)
        draft, status = error.draft, 1
    _print_checks(draft)
    if previous is not None:
        _print_plans(draft)
    if args.save:
        draft_id = _session(args.save).start(draft, facts_text, complete=status == EXIT_OK)
        print(f"已保存到工作区 {args.save}：草稿编号 {draft_id}（页面地址加 ?ws={args.save} 即可打开）", file=sys.stderr)
    if args.json:
        _write_output(json.dumps(draft.to_dict(), ensure_ascii=False, indent=2), args.out)
    else:
        _write_report(draft.report, args.out, unit=options.unit)
    return status


def _print_plans(draft) -> None:
    """Last year's plans and whether this year's facts carried them out, on stderr."""
    if not draft.previous_plans:
        print("注意：去年的报告中没有找到“下一步打算”部分，未作对照", file=sys.stderr)
    for plan in draft.previous_plans:
        if plan.status == "addressed":
            print(f"去年计划（已落实）：{plan.plan} ← {'；'.join(plan.facts)}", file=sys.stderr)
        else:
            print(f"去年计划（未见落实，已在草稿中留【待补充】）：{plan.plan}", file=sys.stderr)


def _print_checks(draft) -> None:
    """What verification found and what the model calls cost, on stderr (the report goes to stdout/--out)."""
    if draft.offline:
        return
    usage = draft.usage
    print(f"模型调用 {usage.calls} 次（修正 {draft.repairs} 次），提示 {usage.prompt_tokens} tokens，"
          f"输出 {usage.completion_tokens} tokens{'（估算）' if usage.estimated else ''}；提示词版本 {draft.prompt_version}",
          file=sys.stderr)
    for key, flags in draft.flags.items():
        for flag in flags:
            print(f"⚠ [{key}] {flag.label}：{flag.why}（{flag.action}）", file=sys.stderr)


def cmd_revise(args: argparse.Namespace) -> int:
    from rag.engine import make_chat
    from core.llm import LLMError
    from rag.revise import RevisionError, revise
    from report import ReportLoadError
    from report.facts import parse_facts

    facts = None
    if args.facts:
        facts_text = _read_facts_file(args.facts)
        if facts_text is None:
            return EXIT_BAD_INPUT
        facts = parse_facts(facts_text)
    session = None
    try:
        if args.saved is not None:
            if not args.workspace:
                raise ReportLoadError("--saved 需要同时给出 --workspace（草稿所在的工作区）")
            session = _session(args.workspace)
            saved_facts = parse_facts(session.open(args.saved))
            report = session.current
        elif args.draft:
            report, saved_facts = _load_draft(args.draft)
        else:
            raise ReportLoadError("请给出草稿文件，或用 --workspace 和 --saved 指定已保存的草稿")
        revision = revise(report, args.section - 1, args.instruction, make_chat(load_settings()),
                          facts if facts is not None else saved_facts)
    except (ReportLoadError, RevisionError, KeyError) as error:
        print(f"错误：{error.args[0] if isinstance(error, KeyError) else error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except LLMError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    if session is not None:
        session.accept(revision)
        print(f"已保存为草稿 {args.saved} 的新版本", file=sys.stderr)
    print(revision.note, file=sys.stderr)
    for flag in revision.flags:
        print(f"⚠ {flag.label}：{flag.why}", file=sys.stderr)
    _write_report(revision.after, args.out)
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    """The saved drafts of a workspace, newest first, with their versions."""
    session = _session(args.workspace)
    drafts = session.history.drafts(args.workspace)
    if not drafts:
        print(f"工作区 {args.workspace} 还没有保存的草稿", file=sys.stderr)
    for item in drafts:
        print(f"{item.id}\t{time.strftime('%Y-%m-%d %H:%M', time.localtime(item.updated))}\t{item.versions} 个版本\t{item.title}")
        for version in session.history.versions(args.workspace, item.id):
            print(f"\t{time.strftime('%H:%M', time.localtime(version.created))}\t{version.note}")
    return EXIT_OK


def _session(workspace: str):
    """The draft session of a workspace, on the history the page uses."""
    from history import HistoryStore
    from rag.session import DraftSession

    return DraftSession(HistoryStore(load_settings().data_dir / "history.sqlite"), workspace)


def workspace_arg(text: str) -> str:
    """A workspace code as the page uses it: 4–40 letters, digits, - or _."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{4,40}", text):
        raise argparse.ArgumentTypeError(f"工作区代码应为 4～40 个字母、数字、- 或 _：{text!r}")
    return text


def _load_draft(path: str):
    """A report to revise, and the facts saved with it: a ``draft --json`` file carries both; a text,
    Markdown or Word file only the report."""
    from report import ReportLoadError, load_report, parse_text
    from report.facts import parse_facts

    if path.lower().endswith(".json"):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return parse_text(data["text"]), parse_facts("\n".join(data.get("facts", [])))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ReportLoadError(f"无法读取草稿 JSON：{path}（{type(error).__name__}）") from error
    return load_report(path), None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description="党支部工作报告：语料索引、检索与起草")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("index", help="按语料目录增量更新索引").set_defaults(run=cmd_index)
    search = commands.add_parser("search", help="混合检索（向量 + 关键词）")
    search.add_argument("query")
    search.add_argument("-k", type=positive_count, default=5)
    search.add_argument("--role", choices=[role.value for role in Role])
    search.add_argument("--mode", choices=[mode.value for mode in Mode], default=Mode.HYBRID.value)
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=cmd_search)
    outline = commands.add_parser("outline", help="归类事实并打印提纲（每条事实的位置和把握）")
    draft = commands.add_parser("draft", help="根据事实文件起草报告（未配置大模型时用离线引擎）")
    for command in (outline, draft):
        command.add_argument("facts_file")
        command.add_argument("--year", type=report_year_arg, default="")
        command.add_argument("--unit", default="")
        command.add_argument("--kind", default="年度工作总结")
        command.add_argument("--no-problems", action="store_true")
        command.add_argument("--no-next-steps", action="store_true")
        command.add_argument("--json", action="store_true")
    outline.set_defaults(run=cmd_outline)
    draft.add_argument("--length", choices=["简短", "标准", "详细"], default="标准")
    draft.add_argument("--style", choices=["arabic", "shi"], default="arabic", help="条目格式：1. 或 一是")
    draft.add_argument("--out", help="输出文件：.md、.docx 或 .txt（默认打印 Markdown）")
    draft.add_argument("--previous", metavar="FILE", help="去年的工作报告（.txt、.md、.docx）：对照其“下一步打算”")
    draft.add_argument("--save", type=workspace_arg, metavar="WORKSPACE", help="同时保存到这个工作区的历史（页面可打开）")
    draft.set_defaults(run=cmd_draft)
    history = commands.add_parser("history", help="列出一个工作区保存的草稿和版本")
    history.add_argument("workspace", type=workspace_arg)
    history.set_defaults(run=cmd_history)
    revise = commands.add_parser("revise", help="修改报告中的一个章节，其余不动")
    revise.add_argument("draft", nargs="?", help="草稿：.txt、.md、.docx，或 draft --json 的输出（带事实）")
    revise.add_argument("--workspace", type=workspace_arg, help="与 --saved 一起：修改这个工作区里保存的草稿")
    revise.add_argument("--saved", type=int, help="已保存草稿的编号（修改后存为新版本，事实取自草稿）")
    revise.add_argument("--section", type=int, required=True, help="章节序号（从 1 起，按一级标题计）")
    revise.add_argument("--instruction", required=True)
    revise.add_argument("--facts", help="事实文件（一行一条）：交给大模型改写时作为依据，防止编造（默认用 JSON 草稿里的事实）")
    revise.add_argument("--out", help="输出文件：.md、.docx 或 .txt（默认打印 Markdown）")
    revise.set_defaults(run=cmd_revise)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from core.config import SettingsError, StoreUnavailableError
    from rag.corpus import CorpusMissingError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (CorpusMissingError, SettingsError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StoreUnavailableError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
