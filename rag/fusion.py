"""Fusing rankings and diversifying results: pure functions, the heart of hybrid retrieval."""
from __future__ import annotations

from typing import Mapping

RRF_K = 60


def fuse(rankings: list[tuple[float, list[str]]], known: Mapping[str, object], rrf_k: int = RRF_K) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion: each ranking gives ``weight / (rrf_k + rank)`` (rank from 1) to
    its ids; ids not in ``known`` are dropped; best first, ties in order of first appearance."""
    fused: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            fused[item] = fused.get(item, 0.0) + weight / (rrf_k + rank)
    ordered = sorted((i for i in fused if i in known), key=fused.__getitem__, reverse=True)
    return [(item, fused[item]) for item in ordered]


def diversify(ordered: list[str], report_of: Mapping[str, str], k: int, per_report: int) -> list[str]:
    """Take ids in order, at most ``per_report`` per report; fill up from the rest if short."""
    chosen: list[str] = []
    taken: dict[str, int] = {}
    for item in ordered:
        report = report_of[item]
        if taken.get(report, 0) < per_report:
            chosen.append(item)
            taken[report] = taken.get(report, 0) + 1
        if len(chosen) == k:
            return chosen
    chosen += [item for item in ordered if item not in chosen][: k - len(chosen)]
    return chosen
