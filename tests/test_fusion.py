"""Reciprocal-rank fusion and per-report diversity, exactly (rag/fusion.py)."""
from __future__ import annotations

import pytest

from rag.fusion import RRF_K, diversify, fuse


def test_fusion_adds_weighted_reciprocal_ranks_and_orders_best_first() -> None:
    known = {"a": 1, "b": 1, "c": 1}
    fused = fuse([(1.0, ["a", "b"]), (2.0, ["b", "c"])], known)
    assert [item for item, _ in fused] == ["b", "c", "a"]
    scores = dict(fused)
    assert scores["a"] == pytest.approx(1 / (RRF_K + 1))
    assert scores["b"] == pytest.approx(1 / (RRF_K + 2) + 2 / (RRF_K + 1))
    assert scores["c"] == pytest.approx(2 / (RRF_K + 2))


def test_fusion_drops_unknown_ids_keeps_ties_in_first_order_and_honours_k() -> None:
    assert fuse([(1.0, ["x", "a"])], {"a": 1}) == [("a", pytest.approx(1 / (RRF_K + 2)))]
    tied = fuse([(1.0, ["a"]), (1.0, ["b"])], {"a": 1, "b": 1})
    assert [item for item, _ in tied] == ["a", "b"] and tied[0][1] == tied[1][1]
    assert fuse([(1.0, ["a"])], {"a": 1}, rrf_k=0) == [("a", 1.0)]
    assert fuse([], {"a": 1}) == []


def test_diversity_limits_one_report_then_fills_up() -> None:
    reports = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "c1": "C"}
    assert diversify(["a1", "a2", "a3", "b1", "c1"], reports, 3, 2) == ["a1", "a2", "b1"]
    assert diversify(["a1", "a2", "a3", "b1", "c1"], reports, 4, 1) == ["a1", "b1", "c1", "a2"]
    assert diversify(["a1", "a2", "a3"], reports, 5, 1) == ["a1", "a2", "a3"]
    assert diversify(["a1", "a2", "a3", "b1"], reports, 2, 2) == ["a1", "a2"]
    assert diversify([], reports, 3, 1) == []
