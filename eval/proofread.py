"""The proofreader: slips in the genre's fixed terms and doubled characters or words.

A span that differs from a lexicon term (eval/data/lexicon.yaml) by characters that sound alike
(pypinyin) or look alike (eval/data/similar_shape.txt) is a slip in that term; so is a term with an
inner character dropped or its 、-separated parts out of order. A doubled character is judged by
word segmentation (jieba): 工作|作为 joins two words, 推动|动 repeats one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")
LEXICON_FILE = DATA / "lexicon.yaml"
SHAPES_FILE = DATA / "similar_shape.txt"
RULES_FILE = DATA / "proofread.yaml"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DOUBLE_CHAR = re.compile(r"([\u4e00-\u9fff])\1")
_DOUBLE_WORD = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
_PUNCT = set("、，“”（）《》")
LONG_TERM = 8  # a formulation this long is matched approximately too (any one character wrong, missing or extra)


FORMULATION, WRONG_CHARACTER, DOUBLED = "formulation", "character", "doubled"


@dataclass(frozen=True)
class Slip:
    """A finding in one line: the span, what stands there, the suggested correction, why, and its kind."""

    start: int
    end: int
    found: str
    fix: str
    why: str
    kind: str


@dataclass(frozen=True)
class Lexicon:
    """The terms, their known wrong variants, and an index of each term's character pairs."""

    terms: tuple[str, ...]
    variants: dict[str, str]  # wrong → right
    pairs: dict[str, tuple[tuple[str, int], ...]]  # character pair → (term, offset)
    listed: tuple[tuple[str, tuple[str, ...]], ...]  # terms of 、-separated parts, with the parts


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The lexicon file, indexed once."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms, variants = [], {}
    for group in raw.values():
        for entry in group:
            term, wrong = (next(iter(entry.items())) if isinstance(entry, dict) else (entry, []))
            terms.append(str(term))
            variants.update({str(w): str(term) for w in wrong})
    pairs: dict[str, list[tuple[str, int]]] = {}
    for term in terms:
        for offset in range(len(term) - 1):
            pairs.setdefault(term[offset:offset + 2], []).append((term, offset))
    listed = tuple((term, tuple(term.split("、"))) for term in terms if "、" in term)
    return Lexicon(tuple(terms), variants, {k: tuple(v) for k, v in pairs.items()}, listed)


@lru_cache(maxsize=1)
def rules() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def shape_groups() -> dict[str, frozenset[int]]:
    """Each character → the numbers of the look-alike groups it belongs to."""
    groups: dict[str, set[int]] = {}
    lines = [line for line in SHAPES_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for number, line in enumerate(lines):
        for char in line.split():
            groups.setdefault(char, set()).add(number)
    return {char: frozenset(found) for char, found in groups.items()}


@lru_cache(maxsize=8192)
def reading(char: str) -> str:
    """The usual toneless pinyin of a character (rarer readings of 和, 还 … would make everything alike)."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL, errors="ignore")[0] if _CJK.match(char) else ""


def _fuzzy(reading: str) -> str:
    table = rules()["fuzzy_sounds"]
    for long, short in table["initials"].items():
        if reading.startswith(long):
            reading = short + reading[len(long):]
            break
    for long, short in table["finals"].items():
        if reading.endswith(long):
            return reading[: -len(long)] + short
    return reading


def alike(a: str, b: str, strict: bool) -> str | None:
    """"音近" or "形近" when ``a`` may be a slip for ``b``; ``strict`` allows only identical readings."""
    if not (_CJK.match(a) and _CJK.match(b)):
        return None
    ra, rb = reading(a), reading(b)
    if ra and ra == rb:
        return "音近"
    shapes = shape_groups()
    if shapes.get(a, frozenset()) & shapes.get(b, frozenset()):
        return "形近"
    if not strict and ra and _fuzzy(ra) == _fuzzy(rb):
        return "音近"
    return None


def _windows(line: str, lexicon: Lexicon) -> set[tuple[str, int]]:
    """(term, start) for every place where a term may stand, from the character pairs they share."""
    found = set()
    for index in range(len(line) - 1):
        for term, offset in lexicon.pairs.get(line[index:index + 2], ()):
            found.add((term, index - offset))
    return found


def _exact_spans(line: str, candidates: set[tuple[str, int]]) -> list[tuple[int, int]]:
    return [(start, start + len(term)) for term, start in candidates
            if start >= 0 and line.startswith(term, start)]


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _substitution(window: str, term: str) -> str | None:
    """Why ``window`` is a slip for ``term`` (same length, a few alike characters differ), or None."""
    if not (3 <= len(term) == len(window)) or window == term:
        return None
    limits = rules()["max_substitutions"]
    allowed = limits.get(len(term), max(limits.values()))
    differ = [i for i in range(len(term)) if window[i] != term[i]]
    if len(differ) > allowed or len(differ) >= len(term) - 1:
        return None
    strict = len(term) <= 3 or len(differ) > 1
    kinds = [alike(window[i], term[i], strict) for i in differ]
    if not all(kinds) or any(term[i] in _PUNCT or window[i] in _PUNCT for i in differ):
        return None
    return "、".join(f"“{window[i]}”与“{term[i]}”{kind}" for i, kind in zip(differ, kinds))


def term_slips(line: str, lexicon: Lexicon | None = None) -> list[Slip]:
    """Characters that sound or look like the right ones inside a lexicon term (三会一棵 → 三会一课)."""
    lexicon = lexicon or load_lexicon()
    candidates = _windows(line, lexicon)
    exact = _exact_spans(line, candidates)
    slips: list[Slip] = []
    for term, start in sorted(candidates, key=lambda c: (-len(c[0]), c[1])):
        end = start + len(term)
        if start < 0 or end > len(line) or _inside((start, end), exact) \
                or _inside((start, end), [(s.start, s.end) for s in slips]):
            continue
        why = _substitution(line[start:end], term)
        if why:
            slips.append(Slip(start, end, line[start:end], term, f"疑为“{term}”：{why}", WRONG_CHARACTER))
    return sorted(slips, key=lambda s: s.start)


def formulation_slips(line: str, lexicon: Lexicon | None = None) -> list[Slip]:
    """Known wrong variants, a dropped inner character of a long term, parts of a term out of order."""
    lexicon = lexicon or load_lexicon()
    slips = []
    for wrong in sorted(lexicon.variants, key=len, reverse=True):
        for match in re.finditer(re.escape(wrong), line):
            if not any(s.start <= match.start() < s.end for s in slips):
                slips.append(Slip(match.start(), match.end(), wrong, lexicon.variants[wrong], "规范表述有误", FORMULATION))
    candidates = _windows(line, lexicon)
    exact = _exact_spans(line, candidates)
    for term, start in candidates:
        if len(term) < 5 or start < 0:
            continue
        window = line[start:start + len(term) - 1]
        for inner in range(1, len(term) - 1):
            if term[inner] not in _PUNCT and window == term[:inner] + term[inner + 1:] \
                    and not _inside((start, start + len(window)), exact):
                slips.append(Slip(start, start + len(window), window, term, f"漏了“{term[inner]}”字", FORMULATION))
    for term, parts in lexicon.listed:
        alternatives = "|".join(re.escape(part) for part in parts)
        for match in re.finditer(rf"(?:{alternatives})(?:、(?:{alternatives})){{{len(parts) - 1}}}", line):
            found = match.group(0)
            if found != term and sorted(found.split("、")) == sorted(parts):
                slips.append(Slip(match.start(), match.end(), found, term, "语序有误", FORMULATION))
    for term in lexicon.terms:
        if len(term) >= LONG_TERM:
            for start, end in near_misses(line, term):
                if _bare(line[start:end]) == _bare(term) or _inside((start, end), exact):
                    continue  # only the punctuation differs (双向进入，交叉任职), or it is another term
                if not any(start < s.end and s.start < end for s in slips):
                    slips.append(Slip(start, end, line[start:end], term, f"与规范表述“{term}”不符", FORMULATION))
    first = {}
    for slip in slips:  # one finding a span: a listed variant before a dropped character or an order
        first.setdefault((slip.start, slip.end), slip)
    return sorted(first.values(), key=lambda s: s.start)


def _bare(text: str) -> str:
    return "".join(char for char in text if char not in _PUNCT and char not in ",;:")


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def near_misses(line: str, canonical: str) -> list[tuple[int, int]]:
    """Spans of ``line`` one edit away from ``canonical`` (a wrong, missing or extra character)."""
    size, spans = len(canonical), set()
    for anchor in (canonical[:4], canonical[-4:]):
        for match in re.finditer(re.escape(anchor), line):
            from_start = anchor == canonical[:4]
            for width in (size - 1, size, size + 1):
                start = match.start() if from_start else match.end() - width
                end = start + width
                if start < 0 or end > len(line):
                    continue
                window = line[start:end]
                exact_here = line.startswith(canonical, start) or line[:end].endswith(canonical)
                if window != canonical and not exact_here and _one_edit(window, canonical):
                    spans.add((start, end))
    return sorted(spans)


def doubled_slips(line: str) -> list[Slip]:
    """A character or word written twice where segmentation shows no word join (推动动, 质量质量)."""
    if not _DOUBLE_CHAR.search(line) and not _DOUBLE_WORD.search(line):
        return []
    import jieba

    jieba.setLogLevel(60)
    tokens = jieba.lcut(line, HMM=False)
    owner, position = [], 0
    for number, token in enumerate(tokens):
        owner.extend([number] * len(token))
        position += len(token)
    function = rules()["function_chars"]
    slips: list[Slip] = []
    for match in _DOUBLE_WORD.finditer(line):
        word = match.group(1)
        if not jieba.dt.FREQ.get(match.group(0)):  # 讨论讨论 is no word; a dictionary word stays
            slips.append(Slip(match.start(), match.end(), match.group(0), word, f"“{word}”重复", DOUBLED))
    for match in _DOUBLE_CHAR.finditer(line):
        first, second = owner[match.start()], owner[match.start() + 1]
        if first == second or any(s.start <= match.start() < s.end for s in slips):
            continue
        left, right = tokens[first], tokens[second]
        if len(left) >= 2 and len(right) >= 2:
            continue  # 工作|作为: two words meet
        single = right if len(right) == 1 else left
        if len(left) + len(right) > 2 and single in function:
            continue  # 导向|向纵深: a word and a one-character word
        start = match.start() - len(left) + 1
        found = left + right
        slips.append(Slip(start, start + len(found), found, left + right[1:], f"“{match.group(1)}”疑为多字", DOUBLED))
    return sorted(slips, key=lambda s: s.start)


def proofread(line: str, lexicon: Lexicon | None = None) -> list[Slip]:
    """Every slip in ``line``; a slip in a term inside a formulation finding is left to that finding."""
    formulations = formulation_slips(line, lexicon)
    others = [slip for slip in term_slips(line, lexicon) + doubled_slips(line)
              if not any(slip.start < other.end and other.start < slip.end for other in formulations)]
    return sorted(formulations + others, key=lambda s: s.start)


def apply_fix(text: str, line: str, found: str, fix: str) -> str:
    """``text`` with ``found`` replaced by ``fix`` in the first line equal to ``line``; unchanged if absent."""
    lines = text.split("\n")
    for index, current in enumerate(lines):
        if current.strip() == line.strip() and found in current:
            lines[index] = current.replace(found, fix, 1)
            return "\n".join(lines)
    return text
