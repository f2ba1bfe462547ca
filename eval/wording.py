"""Checks of usage and punctuation: confusions that depend on context (截止/截至, 的/地), half-width
punctuation inside Chinese text, and quotation marks or brackets without their pair."""
from __future__ import annotations

import re
from typing import Any

from eval.checks import Document, Location, Outcome, check, correction, excerpt, verdict
from report.facts import Fact

_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF_WIDTH_IN_CHINESE = re.compile(r"(?<=[\u4e00-\u9fff])[,;:?!()]|[,;:?!()](?=[\u4e00-\u9fff])")
_PAIRS = {"“": "”", "《": "》", "（": "）", "【": "】", "‘": "’"}
_CLOSERS = {closer: opener for opener, closer in _PAIRS.items()}


@check("usage")
def check_usage(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Each rule of the checklist: a pattern, its correction (may use groups) and why."""
    findings = []
    for rule in params.get("rules", []):
        pattern = re.compile(rule["pattern"])
        for section, line in doc.lines:
            for match in pattern.finditer(line):
                findings.append(correction(section, line, match.start(), match.end(), match.expand(rule["fix"]), rule["why"]))
    return verdict(findings, "有 {n} 处用法可能不当", "未发现易混用法")


def unpaired(line: str) -> list[tuple[int, str]]:
    """(offset, mark) of each quotation mark or bracket in ``line`` that has no partner."""
    stack: list[tuple[int, str]] = []
    lonely = []
    for offset, char in enumerate(line):
        if char in _PAIRS:
            stack.append((offset, char))
        elif char in _CLOSERS:
            if stack and stack[-1][1] == _CLOSERS[char]:
                stack.pop()
            else:
                lonely.append((offset, char))
    return sorted(lonely + stack)


@check("punctuation")
def check_punctuation(doc: Document, params: dict[str, Any], facts: list[Fact] | None) -> Outcome:
    """Half-width punctuation touching Chinese text, and unpaired quotation marks or brackets."""
    findings = []
    for section, line in doc.lines:
        for match in _HALF_WIDTH_IN_CHINESE.finditer(line):
            start = max(0, match.start() - 2)
            found = line[start:match.end() + 2]
            fix = found[:match.start() - start] + _HALF_WIDTH[match.group(0)] + found[match.end() - start:]
            findings.append(Location(section, f"半角“{match.group(0)}”应为全角“{_HALF_WIDTH[match.group(0)]}”："
                                              f"{excerpt(line, match.start(), match.end())}",
                                     line, found, fix))
        lonely = unpaired(line)
        covered: set[int] = set()
        for offset, mark in lonely:
            if offset in covered:
                continue
            shown = excerpt(line, offset, offset + 1)
            later = next((o for o, m in lonely if m == "“" and o > offset), None) if mark == "“" else None
            if later is not None:  # “两会精神“: the closing mark typed as an opening one
                covered.add(later)
                found = line[offset:later + 1]
                findings.append(Location(section, f"引号方向有误：{shown}", line, found, found[:-1] + "”"))
                continue
            findings.append(Location(section, f"“{mark}”缺少与之配对的符号：{shown}"))
    return verdict(findings, "有 {n} 处标点问题", "标点使用规范")
