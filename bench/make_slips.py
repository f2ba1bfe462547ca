"""Write bench/labelled/slips.tsv: slips planted in the lexicon's terms, in sentences of many kinds of branch.

Run once (``python -m bench.make_slips``); the file is committed, so the set is fixed. A slip is a
character swapped for one of the same reading (from jieba's common single characters, grouped by
pypinyin) or of a similar shape (eval/data/similar_shape.txt), a character of a term written twice,
or an inner character of a long term dropped. Substitutions that make another term are skipped.
"""
from __future__ import annotations

import random
from collections import defaultdict

import jieba
from pypinyin import Style, lazy_pinyin

from bench.labelled import LABELLED
from eval.proofread import load_lexicon, shape_groups

SEED = 20261125
TEMPLATES = [
    "支部坚持{t}，推动各项工作落到实处。", "全年围绕{t}开展了一系列工作。", "我们把{t}摆在突出位置。",
    "医院党支部认真落实{t}的要求。", "社区党委把{t}作为重要抓手。", "学校党支部结合实际抓好{t}。",
    "村党支部通过{t}凝聚了人心。", "公司党支部紧扣{t}，推动生产经营。", "离退休党支部组织老党员学习{t}。",
    "派出所党支部把{t}融入日常警务。", "法院党支部以{t}为引领提升审判质效。", "学生党支部围绕{t}开展主题活动。",
]


def common_characters() -> dict[str, list[str]]:
    """Common single characters (jieba frequency ≥ 2000), grouped by their usual reading."""
    jieba.initialize()
    groups: dict[str, list[str]] = defaultdict(list)
    for word, freq in jieba.dt.FREQ.items():
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and freq >= 2000:
            groups[lazy_pinyin(word, style=Style.NORMAL)[0]].append(word)
    return groups


def main() -> None:
    rng = random.Random(SEED)
    lexicon = load_lexicon()
    terms = [t for t in lexicon.terms if len(t) >= 4 and all("\u4e00" <= c <= "\u9fff" for c in t)]
    by_reading = common_characters()
    shapes: dict[int, list[str]] = defaultdict(list)
    for char, numbers in shape_groups().items():
        for number in numbers:
            shapes[number].append(char)
    known = set(lexicon.terms)
    rows = []
    for term in terms:
        template = rng.choice(TEMPLATES)
        kind = rng.choices(["sound", "shape", "doubled", "dropped"], [5, 3, 1.5, 1 if len(term) >= 5 else 0])[0]
        position = rng.randrange(len(term)) if kind in ("sound", "shape") else rng.randrange(1, len(term) - 1)
        char = term[position]
        if kind == "sound":
            pool = [c for c in by_reading.get(lazy_pinyin(char, style=Style.NORMAL)[0], []) if c != char]
        elif kind == "shape":
            pool = sorted({c for n in shape_groups().get(char, ()) for c in shapes[n]} - {char})
        else:
            pool = [char]
        if not pool:
            continue
        if kind == "doubled":
            wrong = term[:position + 1] + term[position] + term[position + 1:]
        elif kind == "dropped":
            wrong = term[:position] + term[position + 1:]
        else:
            wrong = term[:position] + rng.choice(pool) + term[position + 1:]
        if wrong in known:
            continue
        rows.append((kind, term, wrong, template.format(t=wrong)))
    header = ["# Planted slips: kind (sound/shape/doubled/dropped), the right term, the wrong form, the sentence.",
              "# Written by bench/make_slips.py (fixed seed); split into tune/test halves by the term's hash.",
              "kind\tterm\twrong\ttext"]
    (LABELLED / "slips.tsv").write_text("\n".join(header + ["\t".join(row) for row in rows]) + "\n", encoding="utf-8")
    print(f"{len(rows)} slips over {len({row[1] for row in rows})} terms")


if __name__ == "__main__":
    main()
