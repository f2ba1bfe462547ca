"""Writing one part with a language model: stream it, continue it once if it was cut off, keep its
structure inside the part, verify it against the facts and the corpus, repair it once, settle the rest.

Nothing the model invents or copies reaches the draft unflagged: what a repair did not fix is removed
where that is safe (a copied sentence, a mask) and flagged otherwise (rag/verify.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generator

from core.llm import Finish, LLMError, Message, OpenAIChat, drain
from core.prompts import render_prompt
from core.tokens import count_tokens
from rag.draft import clean_answer
from rag.jobs import SectionJob, Usage, Written
from rag.prompting import PROMPT_BUDGET, build_messages, instructions_only
from rag.verify import Evidence, Flag, contain, drop_echoes, settle, trim_cut, verify
from report import Role

# Characters a part is expected to run to, before the length option: the output limit is derived
# from them with room to spare (cl100k counts a Chinese character as 1–1.5 tokens).
EXPECTED_CHARS = {Role.OPENING: 300, Role.CLOSING: 150}
CHARS_PER_FACT = {"简短": 80, "标准": 120, "详细": 200}
MIN_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS = 300, 4096
CONTEXT_MARGIN = 32  # tokens the chat template adds around the messages
EMPTY_PART = "【待补充：本部分没有可用的内容，请补写】"


def output_limit(job: SectionJob) -> int:
    """``max_tokens`` for one part: twice its expected length in tokens, within [300, 4096]."""
    chars = EXPECTED_CHARS.get(job.part.role) or 150 + CHARS_PER_FACT.get(job.options.length, 120) * len(job.facts)
    return max(MIN_OUTPUT_TOKENS, min(MAX_OUTPUT_TOKENS, int(chars * 1.5 * 2)))


@dataclass
class Answer:
    """A model's answer to one exchange, and how it ended."""

    text: str
    cut_off: bool


class LLMWriter:
    """Writes each part through an OpenAI-compatible chat model, verified and repaired."""

    offline = False

    def __init__(self, chat: OpenAIChat, budget: int = PROMPT_BUDGET) -> None:
        self.chat = chat
        self.budget = budget
        self.label = f"大模型：{chat.name}"
        self.concurrency = chat.config.concurrency
        self.warnings: list[str] = []

    def write(self, job: SectionJob) -> Generator[str, None, Written]:
        """Stream the first answer (for the page to show), then return the settled part."""
        built = build_messages(job, self.budget)
        if built.over_budget:  # the facts are never cut; say so instead
            self.warnings.append(f"“{job.part.heading}”的事实较多，提示词 {built.tokens} tokens 超出预算 {self.budget}，"
                                 "已全部保留事实、不附范文")
        usage = Usage()
        limit = output_limit(job)
        if self._room(built.messages, limit) < MIN_OUTPUT_TOKENS:
            self.warnings.append(f"“{job.part.heading}”的提示词 {built.tokens} tokens，"
                                 f"模型上下文 {self.chat.config.context_tokens} tokens 已所剩无几")
        pieces: list[str] = []
        try:
            finish = yield from self._streamed(built.messages, limit, usage, pieces)
        except LLMError as error:
            error.partial = "".join(pieces) or error.partial
            raise
        answer = self._completed(built.messages, Answer("".join(pieces), finish.cut_off), limit, usage)
        said = instructions_only("\n".join(m["content"] for m in built.messages))
        evidence = Evidence(list(job.facts), list(job.all_facts or job.facts), job.guard, job.options.year_number)
        text, flags, echoes = self._checked(answer, job, said, evidence)
        repairs = 0
        fixable = [flag for flag in flags if flag.kind not in ("cut_off", "tidy")]
        if fixable:
            repairs = 1
            request = built.messages + [{"role": "assistant", "content": answer.text},
                                        {"role": "user", "content": repair_prompt(job, fixable)}]
            try:
                second = self._completed(request, self._answer(request, limit, usage), limit, usage)
            except LLMError as error:
                self.warnings.append(f"“{job.part.heading}”的修正请求失败（{error}），保留初稿并标出问题")
            else:  # the repair request's own instructions must not be echoed either
                said += "\n" + instructions_only(request[-1]["content"])
                text, flags, more = self._checked(second, job, said, evidence)
                echoes += more
        text, flags = settle(text, flags)
        if not text.strip():  # everything was an echo, a copy or garbage: say so in the text itself
            text = EMPTY_PART
            flags.append(Flag("empty", "", "模型写出的内容经核对后没有可用的部分（复述提示词、照抄范文等已删去）",
                              "已写【待补充】"))
        return Written(text, flags, usage, repairs, echoes)

    def _room(self, messages: list[Message], limit: int) -> int:
        """``limit``, lowered so that prompt and answer fit the model's context window when it is known
        (cl100k over-counts most models' Chinese, so the estimate errs on the safe side)."""
        context = self.chat.config.context_tokens
        if not context:
            return limit
        prompt = sum(count_tokens(m["content"]) for m in messages) + 4 * len(messages)
        return max(64, min(limit, context - prompt - CONTEXT_MARGIN))

    def _streamed(self, messages: list[Message], limit: int, usage: Usage,
                  pieces: list[str]) -> Generator[str, None, Finish]:
        stream = self.chat.stream(messages, max_tokens=self._room(messages, limit))
        while True:
            try:
                piece = next(stream)
            except StopIteration as stop:
                _count(usage, messages, "".join(pieces), stop.value)
                return stop.value
            pieces.append(piece)
            yield piece

    def _answer(self, messages: list[Message], limit: int, usage: Usage) -> Answer:
        pieces: list[str] = []
        finish = drain(self.chat.stream(messages, max_tokens=self._room(messages, limit)), pieces.append)
        _count(usage, messages, "".join(pieces), finish)
        return Answer("".join(pieces), finish.cut_off)

    def _completed(self, messages: list[Message], answer: Answer, limit: int, usage: Usage) -> Answer:
        """An answer cut off by the length limit, continued once."""
        if not answer.cut_off:
            return answer
        request = messages + [{"role": "assistant", "content": answer.text},
                              {"role": "user", "content": render_prompt("continue_section")}]
        try:
            more = self._answer(request, limit, usage)
        except LLMError:
            return answer
        return Answer(answer.text + more.text, more.cut_off)

    def _checked(self, answer: Answer, job: SectionJob, said: str, evidence: Evidence) -> tuple[str, list[Flag], int]:
        """The answer tidied (fences, Markdown, echoed prompt lines, nested headings) and its findings."""
        raw = trim_cut(answer.text) if answer.cut_off else answer.text
        fixed = job.guard.formulations if job.guard else None
        lines, echoes = drop_echoes(clean_answer(raw, job.heading_line).splitlines(), said, fixed)
        lines, tidied = contain(lines, job.numbered)
        text = "\n".join(lines)
        flags = verify(text, evidence) + tidied
        if answer.cut_off:
            flags.append(Flag("cut_off", text[-20:], "模型输出达到长度上限被截断，已删去未写完的半句", "已截去半句"))
        return text, flags, echoes


def repair_prompt(job: SectionJob, flags: list[Flag]) -> str:
    """The one repair request: each finding as an instruction."""
    findings = "\n".join(f"{index}. {flag.instruction}" for index, flag in enumerate(flags, 1))
    return render_prompt("repair_section", heading=job.part.heading, findings=findings)


def _count(usage: Usage, messages: list[Message], answer: str, finish: Finish) -> None:
    """Add one call's tokens: the API's counts when it gave them, tiktoken's otherwise."""
    usage.calls += 1
    if finish.prompt_tokens is not None and finish.completion_tokens is not None:
        usage.prompt_tokens += finish.prompt_tokens
        usage.completion_tokens += finish.completion_tokens
    else:
        usage.prompt_tokens += sum(count_tokens(m["content"]) for m in messages) + 4 * len(messages)
        usage.completion_tokens += count_tokens(answer)
        usage.estimated = True
