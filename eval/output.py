"""Scorecards as JSON and Markdown."""
from __future__ import annotations

import json

from eval.score import Scorecard

STATUS_LABELS = {"pass": "【通过】", "fail": "【未通过】", "warn": "【提醒】", "skip": "【跳过】"}


def to_json(card: Scorecard) -> str:
    """The scorecard as pretty JSON (Chinese kept readable)."""
    return json.dumps(card.to_dict(), ensure_ascii=False, indent=2)


def to_markdown(card: Scorecard) -> str:
    """The scorecard as Markdown: score, then every item, failures first, with locations."""
    verdict = "达到" if card.passed else "未达到"
    lines = [f"# 评分：{card.score:g} / 100", "",
             f"{card.source + '：' if card.source else ''}{verdict}及格线 {card.min_score:g} 分。", ""]
    for item in card.failures_first():
        lines.append(f"## {STATUS_LABELS[item.status]} {item.title}（{item.id}，权重 {item.weight:g}）")
        lines.append("")
        lines.append(item.reason)
        for location in item.locations:
            lines.append(f"- 【{location.section}】{location.excerpt}")
        lines.append("")
    return "\n".join(lines)


def summary_markdown(cards: list[Scorecard]) -> str:
    """A table of many scorecards: file, score, verdict, failed items."""
    lines = ["| 文件 | 得分 | 结论 | 未通过的项 |", "|---|---:|---|---|"]
    for card in cards:
        failed = ", ".join(item.id for item in card.items if item.status == "fail") or "—"
        lines.append(f"| {card.source} | {card.score:g} | {'通过' if card.passed else '未通过'} | {failed} |")
    if cards:
        mean = sum(card.score for card in cards) / len(cards)
        lines.append(f"\n共 {len(cards)} 篇，平均 {mean:.1f} 分，{sum(c.passed for c in cards)} 篇达到及格线。")
    return "\n".join(lines) + "\n"
