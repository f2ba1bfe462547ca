"""Drafting benchmark: the offline engine; the model path against the local OpenAI-compatible server
(tests/fake_openai.py) at a simulated generation speed — parts one at a time vs a pool, the engine's
own time (retrieval, prompts, verification, parsing: everything but the wait for the model), prompt
tokens vs a naive one-shot prompt; and 20 drafts from a model scripted to invent and copy, counting
what reaches the final drafts unflagged. Prints figures.

    python -m bench.drafting [--speed 40]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.labelled import load
from core.config import PROJECT_ROOT, LLMConfig, load_settings
from core.llm import OpenAIChat
from core.prompts import render_prompt
from core.tokens import count_tokens
from rag.draft import draft_report
from rag.index import Index
from rag.model_writer import LLMWriter
from rag.offline import OfflineWriter
from rag.outline import DraftOptions
from rag.progress import SilentProgress
from rag.retrieve import Retriever
from rag.verify import Evidence, verify
from report import to_text
from tests.fake_openai import FakeOpenAIServer, Persona

FACTS = PROJECT_ROOT / "tests" / "facts" / "numbers.txt"
OPTIONS = DraftOptions(unit="机关第一党支部", year="2024")
SCRIPTED_DRAFTS = 20


class Timings(SilentProgress):
    """When each part started and ended."""

    def __init__(self) -> None:
        self.started: dict[int, float] = {}
        self.took: dict[int, float] = {}

    def section_start(self, index: int, total: int, title: str) -> None:
        self.started[index] = time.perf_counter()

    def section_end(self, index: int, total: int) -> None:
        self.took[index] = time.perf_counter() - self.started[index]


def naive_prompt_tokens(facts: str) -> int:
    """One prompt that stuffs every sample report whole, plus the rules and the facts."""
    samples = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "corpus").glob("*.txt")))
    return count_tokens(render_prompt("system")) + count_tokens(f"参考范文：\n{samples}\n\n用户事实：\n{facts}\n请写出全文。")


def writer_for(server, concurrency: int) -> LLMWriter:
    config = LLMConfig(base_url=server.base_url, api_key="x", model="fake-model", concurrency=concurrency)
    return LLMWriter(OpenAIChat(config))


def offline(retriever: Retriever, facts: str) -> None:
    draft_report(facts, OPTIONS, retriever, OfflineWriter())  # warm: jieba, query embedder
    times = []
    for _ in range(5):
        started = time.perf_counter()
        draft_report(facts, OPTIONS, retriever, OfflineWriter())
        times.append(time.perf_counter() - started)
    print(f"offline engine, full draft ({len(facts.splitlines())} facts): median {statistics.median(times) * 1000:.0f} ms")


def pool(retriever: Retriever, facts: str, speed: float) -> None:
    with FakeOpenAIServer() as server:
        server.tokens_per_second = speed
        server.send_usage = False  # tokens counted by tiktoken, comparable with the naive prompt
        walls = {}
        for workers in (1, 4, 9):
            timings = Timings()
            before = server.generated_chars
            started = time.perf_counter()
            draft = draft_report(facts, OPTIONS, retriever, writer_for(server, workers), timings)
            walls[workers] = (time.perf_counter() - started, draft, timings, server.generated_chars - before)
    wall1, draft1, timings1, generated = walls[1]
    own = wall1 - generated / speed  # everything but the simulated generation (HTTP on localhost included)
    slowest = max(timings1.took.values())
    parts = len(draft1.outline.sections)
    print(f"model path at {speed:g} tokens/s (fake server, 1 character = 1 token), {parts} parts, "
          f"{draft1.usage.calls} calls, {draft1.repairs} repairs:")
    for workers, (wall, _, _, _) in walls.items():
        print(f"  pool of {workers}: {wall:.2f} s wall" + ("" if workers == 1 else f" — {wall1 / wall:.1f}x faster than one at a time"))
    print(f"  slowest single part {slowest:.2f} s; engine's own time {own * 1000:.0f} ms "
          f"(prompts, retrieval, verification, parsing); pool of 4 / (slowest + own) = {walls[4][0] / (slowest + own):.2f}")
    naive = naive_prompt_tokens(facts)
    tokens = draft1.usage.prompt_tokens
    print(f"  prompt tokens {tokens} in all (tiktoken); naive one-shot prompt with the five samples {naive} "
          f"({naive / tokens:.2f}x)")


def scripted(retriever: Retriever) -> None:
    rows = [row.fields["text"] for row in load("facts")]
    rng = random.Random(13)
    unflagged = flagged = repairs = kept = 0
    guard = retriever.copy_guard()
    with FakeOpenAIServer() as server:
        for number in range(SCRIPTED_DRAFTS):
            stubborn = number % 2 == 1
            server.persona = Persona(invent_number=True, invent_honour=True, copy_exemplar=True, stubborn=stubborn)
            facts = "\n".join(rng.sample(rows, 8))
            draft = draft_report(facts, OPTIONS, retriever, writer_for(server, 4))
            names = {flag.excerpt for flags in draft.flags.values() for flag in flags}
            found = verify(to_text(draft.report), Evidence([], list(draft.facts), guard, 2024))
            unflagged += sum(1 for flag in found if flag.excerpt not in names)
            flagged += sum(len(flags) for flags in draft.flags.values())
            kept += sum(1 for flags in draft.flags.values() for flag in flags if flag.kind in ("number", "honour"))
            repairs += draft.repairs
    print(f"{SCRIPTED_DRAFTS} drafts from a model scripted to invent a number and an honour and copy an exemplar "
          f"(half of them repeat it when asked to repair): {unflagged} invented or copied spans unflagged in the "
          f"final drafts; {flagged} flags, {kept} of them invented numbers/honours kept for the secretary to check; "
          f"{repairs / SCRIPTED_DRAFTS:.1f} repair calls per draft")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=40.0, help="simulated generation speed, tokens/s")
    args = parser.parse_args()
    facts = FACTS.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings().with_paths(data_dir=Path(scratch))
        retriever = Retriever(Index(settings))
        retriever.index.sync()
        offline(retriever, facts)
        pool(retriever, facts, args.speed)
        scripted(retriever)


if __name__ == "__main__":
    main()
