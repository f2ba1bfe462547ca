"""Heading markers of the genre (一、 （一） 1. （1） 一是) and Chinese numerals."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

DIGITS = "零一二三四五六七八九"
_CN_NUM = "[一二三四五六七八九十]{1,3}"


class Style(str, Enum):
    """Numbering style, listed from the outermost level to the innermost usual one."""

    CN = "cn"  # 一、
    PAREN_CN = "paren_cn"  # （一）
    ARABIC = "arabic"  # 1.
    PAREN_ARABIC = "paren_arabic"  # （1）
    SHI = "shi"  # 一是


@dataclass(frozen=True)
class Marker:
    """A numbering marker exactly as written, with its style and value."""

    style: Style
    number: int
    text: str


def cn_to_int(text: str) -> int:
    """Convert a Chinese numeral of up to 99 (一 … 九十九) to an int; 十 alone is 10."""
    if "十" in text:
        tens, _, units = text.partition("十")
        return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(units) if units else 0)
    return DIGITS.index(text)


def int_to_cn(number: int) -> str:
    """Convert 1 … 99 to a Chinese numeral."""
    if not 0 < number < 100:
        raise ValueError(f"numeral out of range: {number}")
    tens, units = divmod(number, 10)
    if tens == 0:
        return DIGITS[units]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


_PATTERNS: list[tuple[Style, re.Pattern[str]]] = [
    (Style.PAREN_CN, re.compile(rf"^[（(]({_CN_NUM})[）)]")),
    (Style.PAREN_ARABIC, re.compile(r"^[（(](\d{1,3})[）)]")),
    (Style.CN, re.compile(rf"^({_CN_NUM})、")),
    (Style.ARABIC, re.compile(r"^(\d{1,3})[.．、](?!\d)")),
    (Style.SHI, re.compile(rf"^({_CN_NUM})是(?!否|非|由|指|因|为了)")),
]

# An inline 一是/二是 item starts a line or follows punctuation.
INLINE_SHI = re.compile(rf"(?:(?<=^)|(?<=[。；;：:！？，,]))({_CN_NUM})是(?!否|非|由|指|因|为了)")


def match_marker(line: str) -> Marker | None:
    """Return the marker at the start of ``line``, if any."""
    for style, pattern in _PATTERNS:
        found = pattern.match(line)
        if found:
            raw = found.group(1)
            number = int(raw) if raw.isdigit() else cn_to_int(raw)
            if number == 0:
                return None
            return Marker(style, number, found.group(0))
    return None


_FORMATS = {Style.CN: "{}、", Style.PAREN_CN: "（{}）", Style.ARABIC: "{}.", Style.PAREN_ARABIC: "（{}）", Style.SHI: "{}是"}
CHINESE_STYLES = (Style.CN, Style.PAREN_CN, Style.SHI)
MAX_CHINESE = 99  # the genre's Chinese numerals stop at 九十九


def format_marker(style: Style, number: int) -> str:
    """The canonical marker text for ``style`` and ``number`` (only that style's numeral is built)."""
    return _FORMATS[style].format(int_to_cn(number) if style in CHINESE_STYLES else number)
