"""The offline engine: a draft composed from the user's facts alone, without a language model.

By construction every fact appears (as written, punctuation normalised), the only other text is
the genre's fixed phrasing (rag/themes.yaml) and item titles taken from sample headings that carry
no digits or masks, and a part with no facts says 【待补充】.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from rag.outline import DraftOptions, OutlineSection, find_theme
from report import Role
from report.facts import Fact
from report.numbering import Style, format_marker

if TYPE_CHECKING:
    from rag.retrieve import Hit

OFFLINE_LABEL = "离线模式（未连接大模型：仅依据所填事实组稿）"
TODO_PROBLEMS = "【待补充：本年度工作中存在的问题和不足】"
TODO_NEXT = "【待补充：下一步工作打算】"
TODO_WORK = "【待补充：本部分的具体工作和成效】"
_TITLE_OK = re.compile(r"^[\u4e00-\u9fff“”、，]{4,14}$")
_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


@dataclass(frozen=True)
class SectionJob:
    """Everything a writer needs for one part of the report."""

    part: OutlineSection
    number: int  # its 一、二、 number, 0 for opening and closing
    facts: list[Fact]
    exemplars: list[Hit]
    options: DraftOptions
    outline_text: str


def sentence(text: str) -> str:
    """A fact as a Chinese sentence: ASCII punctuation made full-width (not inside numbers), one end mark."""
    text = re.sub(r"(?<!\d)[,;:!?()]|[,;:!?()](?!\d)", lambda m: _ASCII_PUNCT[m.group(0)], text.strip())
    text = re.sub(r"(?<=[，；：！？（）])\s+", "", text).rstrip("。；，、.;, ")
    if not text:
        return ""
    return text if text.endswith(("！", "？")) else text + "。"


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def exemplar_titles(exemplars: list[Hit]) -> list[str]:
    """Item titles of the retrieved sample passages that are pure phrasing (no digits, no masks)."""
    titles = []
    for hit in exemplars:
        leaf = hit.section.split(" > ")[-1]
        title = re.sub(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+是|\d+\.)", "", leaf)
        if _TITLE_OK.match(title) and title not in titles:
            titles.append(title)
    return titles


def title_for(fact: Fact, titles: list[str]) -> str:
    """A sample heading that speaks of the same thing as ``fact`` (shares a third of its pairs), if any."""
    best, best_share = "", 0.0
    for title in titles:
        grams = _bigrams(title)
        share = len(grams & _bigrams(fact.text)) / len(grams) if grams else 0.0
        if share > best_share:
            best, best_share = title, share
    return best if best_share >= 0.34 else ""


def _items(facts: list[Fact], style: Style, titles: list[str]) -> list[str]:
    lines, used = [], set()
    for number, fact in enumerate(facts, 1):
        title = title_for(fact, [t for t in titles if t not in used])
        used.add(title)
        lead = f"{title}。" if title else ""
        lines.append(f"{format_marker(style, number)}{lead}{sentence(fact.text)}")
    return lines


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
    elif part.role == Role.ACHIEVEMENT:
        body = _items(job.facts, style, exemplar_titles(job.exemplars))
    else:
        body = _items(job.facts, style, [])
    return "\n".join(line for line in [lead, *body] if line)


class OfflineWriter:
    """Writes each part with :func:`compose`; labelled as offline wherever it is shown."""

    label = OFFLINE_LABEL
    offline = True

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def write(self, job: SectionJob) -> Iterator[str]:
        yield compose(job)
