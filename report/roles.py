"""Assign roles by meaning: which blocks name problems, next steps or a closing resolve."""
from __future__ import annotations

import re

from report.model import Role

PROBLEM_WORDS = re.compile(
    r"(存在|主要|突出)的?问题|问题(和|与|及|、)(不足|差距|短板)|不足之处|差距(和|与|及)不足|"
    r"短板|薄弱|不足|差距|还不够|有待(加强|提高|提升)"
)
NEXT_WORDS = re.compile(r"下一步|明年|来年|今后|打算|工作计划|工作思路|思路举措|展望|努力方向|新的一年|新一年")
_YEAR = re.compile(r"(20\d\d)\s*年")

# An unnumbered paragraph that opens a problems block: a concession, then a shortcoming.
_PROBLEM_LEAD = re.compile(r"^(虽然|尽管|但|当然|同时|回顾|对照|在肯定成绩|存在|一年来|工作中|我们也)")
# An unnumbered paragraph that opens a next-steps block.
_NEXT_LEAD = re.compile(r"^(下一步|明年|来年|今后|新的一年|新一年|20\d\d年)")
_LIST_AHEAD = re.compile(r"以下|一是|如下|着力抓好|重点(做好|抓好)")


def report_year(text: str) -> int | None:
    """The first year named in the text (the year the report covers), if any."""
    found = _YEAR.search(text)
    return int(found.group(1)) if found else None


def is_label(line: str) -> bool:
    """A short label line such as ``下一步打算：`` or ``存在的问题``."""
    return len(line) <= 20 and not re.search(r"[。；;]", line.rstrip("：:"))


def unnumbered_block_role(line: str) -> Role | None:
    """The role of an unnumbered paragraph that starts a problems or next-steps block."""
    head = line[:80]
    if is_label(line):
        if PROBLEM_WORDS.search(line):
            return Role.PROBLEMS
        if NEXT_WORDS.search(line):
            return Role.NEXT_STEPS
        return None
    if _PROBLEM_LEAD.match(head) and PROBLEM_WORDS.search(head):
        return Role.PROBLEMS
    if head.startswith("下一步"):
        return Role.NEXT_STEPS
    if _NEXT_LEAD.match(head) and _LIST_AHEAD.search(line) and re.search(r"将|要|继续", head):
        return Role.NEXT_STEPS
    return None


def numbered_section_role(heading: str, intro: str, year: int | None) -> Role:
    """The role of a numbered top-level section from its heading and the start of its text."""
    if PROBLEM_WORDS.search(heading) and not re.search(r"(解决|补齐|补足|弥补|破解)\S{0,4}(问题|短板|不足|差距)", heading):
        return Role.PROBLEMS
    if NEXT_WORDS.search(heading):
        return Role.NEXT_STEPS
    start = intro[:120]
    if _NEXT_LEAD.match(start) and re.search(r"将|要|继续", start):
        later = report_year(start)
        if later is None or year is None or later > year:
            return Role.NEXT_STEPS
    return Role.ACHIEVEMENT
