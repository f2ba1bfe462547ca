"""Command line: ``python -m rag index`` and ``python -m rag search "查询" -k 5 [--role R] [--json]``."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from rag.config import load_settings
from rag.retrieve import Mode
from report import Role

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _open_index():
    from rag.index import Index

    return Index(load_settings())


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
    index = _open_index()
    if index.count() == 0:
        index.sync()
    hits = Retriever(index).search(args.query, k=args.k, role=args.role, mode=Mode(args.mode))
    if args.json:
        print(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
        return EXIT_OK
    for rank, hit in enumerate(hits, 1):
        print(f"{rank}. [{hit.role}] {hit.report} · {hit.section}  ({hit.score:.4f})")
        print(f"   {hit.text[:160]}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rag", description="党支部工作报告：语料索引、检索与起草")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("index", help="按语料目录增量更新索引").set_defaults(run=cmd_index)
    search = commands.add_parser("search", help="混合检索（向量 + 关键词）")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--role", choices=[role.value for role in Role])
    search.add_argument("--mode", choices=[mode.value for mode in Mode], default=Mode.HYBRID.value)
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=cmd_search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
