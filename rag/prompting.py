"""Build section prompts from the template files within a token budget.

The user's facts always go in whole; exemplar passages fill what is left of the budget, in rank
order, each trimmed to fit. Facts and exemplars are fenced as data (<<< … >>>).
"""
from __future__ import annotations

from dataclasses import dataclass
import re

from core.llm import Message
from rag.jobs import SectionJob
from rag.outline import STYLES, report_title
from core.prompts import render_prompt
from core.tokens import count_tokens, trim_to_tokens
from report import ROLE_LABELS, Role

PROMPT_BUDGET = 3000  # tokens for system + user prompt of one section
# A sample passage teaches structure and tone in its first sentences; longer excerpts add tokens,
# not style. Two per section (one for the single-paragraph opening and closing), each cut to
# this many tokens (see bench/drafting.py).
EXEMPLAR_TOKENS = 100
EXEMPLARS = {Role.OPENING: 1, Role.CLOSING: 1}
DEFAULT_EXEMPLARS = 2
LENGTH_HINTS = {"简短": "篇幅从简", "标准": "篇幅适中", "详细": "内容详实"}


@dataclass
class BuiltPrompt:
    """Messages for one call and what went into them."""

    messages: list[Message]
    tokens: int
    exemplars_used: int
    over_budget: bool = False


SUMMARY_TOKENS = 600  # the year's facts given to the opening, which summarises them


def fence(text: str) -> str:
    """Data for a prompt between <<< and >>>; the fence marks inside the data are made harmless."""
    return "<<<\n" + re.sub(r"<{3,}|>{3,}", lambda m: "＜" * len(m.group(0)) if m.group(0)[0] == "<" else "＞" * len(m.group(0)),
                              text) + "\n>>>"


def instructions_only(prompt: str) -> str:
    """A prompt without its fenced data: the lines a model must not echo."""
    return re.sub(r"<<<\n.*?\n>>>", "", prompt, flags=re.S)


def facts_block(job: SectionJob) -> str:
    """The part's facts, numbered, or a note that it has none. The opening gets the year's achievements
    (as many as fit SUMMARY_TOKENS) to summarise without inventing; the closing, a resolve, their count."""
    if job.year_facts and not job.facts and job.part.role == Role.CLOSING:
        return f"（本年度共 {len(job.year_facts)} 条工作事实，已写在前文各部分；结尾只表决心，不再列举事实、数字）"
    if job.year_facts and not job.facts:
        lines, room = [], SUMMARY_TOKENS
        for index, fact in enumerate(job.year_facts, 1):
            line = f"{index}. {fact.text}"
            room -= count_tokens(line) + 1
            if room < 0:
                lines.append(f"（另有 {len(job.year_facts) - index + 1} 条，从略）")
                break
            lines.append(line)
        return "本年度的主要工作事实（供概括，只能概括其中有的内容）：\n" + fence("\n".join(lines))
    if not job.facts:
        return "（本部分没有对应的用户事实；需要事实之处写“【待补充】”）"
    return fence("\n".join(f"{index}. {fact.text}" for index, fact in enumerate(job.facts, 1)))


def exemplar_block(text: str, index: int) -> str:
    """One sample passage as shown to the model."""
    return f"【范文{index}】{text}"


def build_messages(job: SectionJob, budget: int = PROMPT_BUDGET) -> BuiltPrompt:
    """System and user messages for ``job``, exemplars trimmed to keep within ``budget`` tokens."""
    options = job.options
    system = render_prompt("system")
    heading = job.part.heading if job.part.role not in (Role.OPENING, Role.CLOSING) else ROLE_LABELS[job.part.role]
    guidance = render_prompt(f"role_{job.part.role.value}")
    if job.part.role == Role.ACHIEVEMENT:
        guidance += f"（{LENGTH_HINTS.get(options.length, '篇幅适中')}）"
    variables = dict(
        title=report_title(options), role_name=ROLE_LABELS[job.part.role], role_guidance=guidance, heading=heading,
        item_style=STYLES[options.style], facts=facts_block(job),
        # Only the opening and closing need the whole plan; sections stand on their own facts.
        outline=f"全文提纲：{'；'.join(job.outline_text.splitlines())}" if job.part.role in (Role.OPENING, Role.CLOSING) else "",
    )

    def user(exemplars: str) -> str:
        return render_prompt("draft_section", exemplars=exemplars, **variables)

    fixed = count_tokens(system) + count_tokens(user(fence(""))) + 8
    room = budget - fixed
    blocks: list[str] = []
    for index, hit in enumerate(job.exemplars[:EXEMPLARS.get(job.part.role, DEFAULT_EXEMPLARS)], 1):
        if room <= 40:
            break
        block = exemplar_block(trim_to_tokens(hit.text, EXEMPLAR_TOKENS), index)
        if count_tokens(block) + 2 > room:
            block = exemplar_block(trim_to_tokens(hit.text, room - count_tokens(exemplar_block("", index)) - 4), index)
        blocks.append(block)
        room -= count_tokens(block) + 2
    exemplar_text = fence("\n\n".join(blocks)) if blocks else "（无）"
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user(exemplar_text)}]
    tokens = sum(count_tokens(m["content"]) for m in messages) + 8
    return BuiltPrompt(messages, tokens, len(blocks), tokens > budget)
