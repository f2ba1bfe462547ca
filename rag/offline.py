"""The offline engine: a draft composed from the user's facts alone, without a language model.

By construction every fact appears (as written, punctuation normalised), the only other text is
the genre's fixed phrasing (rag/themes.yaml), and a part with no facts says 【待补充】. Items carry
no titles: a title borrowed from a sample heading could claim an outcome the facts do not state.
"""
from __future__ import annotations

import re
from typing import Generator

from rag.jobs import SectionJob, Written
from rag.outline import DraftOptions
from rag.themes import find_theme
from report import Role
from report.facts import Fact
from report.numbering import CHINESE_STYLES, MAX_CHINESE, Style, format_marker

OFFLINE_LABEL = "离线模式（未连接大模型：仅依据所填事实组稿）"
TODO_PROBLEMS = "【待补充：本年度工作中存在的问题和不足】"
TODO_NEXT = "【待补充：下一步工作打算】"
TODO_WORK = "【待补充：本部分的具体工作和成效】"
# A fact that opens with a figure would read as a sub-number after "1." (1.1名党员…): a neutral
# word goes first — 于 before a date, 有 before a count.
_LEADING_DATE = re.compile(r"^\d{4}\s*年|^\d{1,2}\s*月")
_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def sentence(text: str) -> str:
    """A fact as a Chinese sentence: ASCII punctuation made full-width (not inside numbers), one end mark."""
    text = re.sub(r"(?<!\d)[,;:!?()]|[,;:!?()](?!\d)", lambda m: _ASCII_PUNCT[m.group(0)], text.strip())
    text = re.sub(r"(?<=[，；：！？（）])\s+", "", text).rstrip("。；，、.;, ")
    if not text:
        return ""
    return text if text.endswith(("！", "？")) else text + "。"


def item_text(fact: Fact) -> str:
    """A fact as an item's sentence; a leading figure gets 于 (a date) or 有 (a count) before it."""
    text = sentence(fact.text)
    if text[:1].isdigit():
        text = ("于" if _LEADING_DATE.match(text) else "有") + text
    return text


def _items(facts: list[Fact], style: Style) -> list[str]:
    if style in CHINESE_STYLES and len(facts) > MAX_CHINESE:
        style = Style.ARABIC  # 一百是 is no Chinese: a part this long is numbered 1. 2. 3.
    return [f"{format_marker(style, number)}{item_text(fact)}" for number, fact in enumerate(facts, 1)]


def _subject(options: DraftOptions) -> str:
    return options.unit or "支部"


def compose(job: SectionJob) -> str:
    """The text of one part (without the heading line, which the pipeline writes)."""
    part, options = job.part, job.options
    style = Style.SHI if options.style == "shi" else Style.ARABIC
    if part.role == Role.OPENING:
        start = f"{options.year.rstrip('年')}年，" if options.year else "一年来，"
        themes = "、".join(re.split("[，,]", s)[0] for s in job.outline_text.splitlines() if s)
        focus = f"，在{themes}等方面扎实开展工作" if themes else ""
        return (f"{start}{_subject(options)}在上级党组织的坚强领导下，坚持以习近平新时代中国特色社会主义思想为指导，"
                f"围绕中心、服务大局{focus}。现将有关情况总结如下：")
    if part.role == Role.CLOSING:
        return (f"新的一年，{_subject(options)}将坚持以习近平新时代中国特色社会主义思想为指导，"
                "团结带领全体党员奋发进取、真抓实干，推动支部建设和各项工作再上新台阶。")
    theme = find_theme(part.theme)
    lead = theme.lead if theme else ""
    if not job.facts:
        body = [{Role.PROBLEMS: TODO_PROBLEMS, Role.NEXT_STEPS: TODO_NEXT}.get(part.role, TODO_WORK)]
    else:
        body = _items(job.facts, style)
    return "\n".join(line for line in [lead, *body] if line)


class OfflineWriter:
    """Writes each part with :func:`compose`; labelled as offline wherever it is shown."""

    label = OFFLINE_LABEL
    offline = True
    concurrency = 1  # composing takes microseconds

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def write(self, job: SectionJob) -> Generator[str, None, Written]:
        text = compose(job)
        yield text
        return Written(text)
