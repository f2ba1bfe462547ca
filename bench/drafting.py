"""Drafting benchmark: prompt tokens (sectioned vs naive), and the engine's own time. Prints figures.

The LLM path runs against the local OpenAI-compatible test server (tests/fake_openai.py), so the
time it spends is all the engine's except the HTTP wait, which is measured and subtracted.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from core.config import PROJECT_ROOT, LLMConfig, load_settings
from rag.draft import draft_report
from rag.index import Index
from core.llm import OpenAIChat
from rag.offline import OfflineWriter
from rag.outline import DraftOptions
from rag.prompting import LLMWriter
from core.prompts import render_prompt
from rag.retrieve import Retriever
from core.tokens import count_tokens
from tests.fake_openai import FakeOpenAIServer

FACTS = PROJECT_ROOT / "tests" / "facts" / "numbers.txt"
OPTIONS = DraftOptions(unit="机关第一党支部", year="2024")


def naive_prompt_tokens(facts: str) -> int:
    """One prompt that stuffs every sample report whole, plus the rules and the facts."""
    samples = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "corpus").glob("*.txt")))
    return count_tokens(render_prompt("system")) + count_tokens(f"参考范文：\n{samples}\n\n用户事实：\n{facts}\n请写出全文。")


def main() -> None:
    facts = FACTS.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings().with_paths(data_dir=Path(scratch))
        retriever = Retriever(Index(settings))
        retriever.index.sync()
        draft_report(facts, OPTIONS, retriever, OfflineWriter())  # warm: jieba, query embedder
        times = []
        for _ in range(5):
            started = time.perf_counter()
            draft_report(facts, OPTIONS, retriever, OfflineWriter())
            times.append(time.perf_counter() - started)
        print(f"offline engine, full draft ({len(facts.splitlines())} facts): median {statistics.median(times) * 1000:.0f} ms")
        with FakeOpenAIServer() as server:
            writer = LLMWriter(OpenAIChat(LLMConfig(base_url=server.base_url, api_key="x", model="fake-model")))
            draft = draft_report(facts, OPTIONS, retriever, writer)
        own = draft.seconds - draft.llm_seconds
        naive = naive_prompt_tokens(facts)
        print(f"LLM path: {len(server.requests)} calls, prompt tokens {writer.prompt_tokens} in all "
              f"(naive one-shot prompt with the five samples: {naive}; ratio {naive / writer.prompt_tokens:.1f}x)")
        print(f"LLM path engine time (retrieval, prompts, parsing; HTTP wait excluded): {own * 1000:.0f} ms; "
              f"that is {own / 60 * 100:.2f} % of a 60 s LLM draft")


if __name__ == "__main__":
    main()
