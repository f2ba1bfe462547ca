"""The labelled sets under bench/labelled/ and their fixed tune/test split.

A row's split depends only on its text (a hash), so it never changes when rows are added or the
rules change. Rules are tuned on ``tune``; ``test`` is reported and never looked at while tuning.
"""
from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LABELLED = Path(__file__).with_name("labelled")
ROLE_CODES = {"A": "achievement", "P": "problems", "N": "next_steps"}


@dataclass(frozen=True)
class Row:
    """One labelled row: its fields by column name, and the split it belongs to."""

    fields: dict[str, str]
    split: str


def split_of(text: str) -> str:
    """``tune`` or ``test``, half and half, fixed by the text's hash."""
    return "tune" if hashlib.sha1(text.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def table(name: str) -> list[dict[str, str]]:
    """The rows of ``bench/labelled/<name>.tsv`` by column name (comment lines start with #)."""
    lines = [line for line in (LABELLED / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return [dict(fields) for fields in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


def load(name: str) -> list[Row]:
    """The rows of a set whose text column is ``text``, each with its split."""
    return [Row(fields, split_of(fields["text"])) for fields in table(name)]


def facts() -> list[Row]:
    """Labelled facts with the role spelled out (achievement / problems / next_steps)."""
    return [Row({**row.fields, "role": ROLE_CODES[row.fields["role"]]}, row.split) for row in load("facts")]


def accuracy(pairs: list[tuple[str, str]]) -> float:
    """Share of (gold, predicted) pairs that agree."""
    return sum(gold == predicted for gold, predicted in pairs) / len(pairs) if pairs else 0.0


def confusion(pairs: list[tuple[str, str]], labels: list[str]) -> str:
    """A confusion matrix as text: rows are the gold labels, columns the predicted ones."""
    counts = Counter(pairs)
    width = max(len(label) for label in labels) + 2
    lines = ["gold \\ predicted".ljust(width + 6) + "".join(label.rjust(width) for label in labels)]
    for gold in labels:
        lines.append(gold.ljust(width + 6) + "".join(str(counts[(gold, p)]).rjust(width) for p in labels))
    return "\n".join(lines)
