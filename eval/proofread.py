"""The proofreader: slips in the genre's fixed terms and doubled characters or words.

A span that differs from a lexicon term (eval/data/lexicon.yaml) by characters that sound alike
(pypinyin) or look alike (eval/data/similar_shape.txt) is a slip in that term; so is a term with an
inner character dropped or its 、-separated parts out of order. A doubled character is judged by
word segmentation (jieba): 工作|作为 joins two words, 推动|动 repeats one.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
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
_CLAUSE = re.compile(r"[^，。；：、！？,.;:!?\s“”（）《》]+")
_PUNCT = set("、，“”（）《》")
LONG_TERM = 8  # a formulation this long is matched approximately too (any one character wrong, missing or extra)
MAX_FINDINGS = 40  # a line with more slips than this is not prose: the first ones are enough to say so


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
    listed: tuple[tuple[str, tuple[str, ...], re.Pattern], ...]  # terms of 、-separated parts: parts, any order
    variant_pattern: re.Pattern | None
    long_terms: tuple[str, ...]  # matched approximately too


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
    listed = []
    for term in terms:
        if "、" in term:
            parts = tuple(term.split("、"))
            alternatives = "|".join(re.escape(part) for part in parts)
            listed.append((term, parts, re.compile(rf"(?:{alternatives})(?:、(?:{alternatives})){{{len(parts) - 1}}}")))
    wrong = "|".join(re.escape(w) for w in sorted(variants, key=len, reverse=True))
    return Lexicon(tuple(terms), variants, {k: tuple(v) for k, v in pairs.items()}, tuple(listed),
                   re.compile(wrong) if wrong else None, tuple(t for t in terms if len(t) >= LONG_TERM))


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

    found = lazy_pinyin(char, style=Style.NORMAL, errors="ignore") if _CJK.match(char) else []
    return found[0] if found else ""  # a character pypinyin does not know has no reading to compare


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


Candidates = dict[tuple[str, int], int]


def _windows(line: str, lexicon: Lexicon) -> Candidates:
    """(term, start) → how many of the term's character pairs stand in ``line`` aligned with that start."""
    found: Candidates = {}
    for index in range(len(line) - 1):
        for term, offset in lexicon.pairs.get(line[index:index + 2], ()):
            key = (term, index - offset)
            found[key] = found.get(key, 0) + 1
    return found


def _exact_spans(line: str, candidates: Candidates) -> list[tuple[int, int]]:
    return [(start, start + len(term)) for (term, start), hits in candidates.items()
            if hits == len(term) - 1 and start >= 0 and line.startswith(term, start)]


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


def term_slips(line: str, lexicon: Lexicon | None = None, candidates: Candidates | None = None) -> list[Slip]:
    """Characters that sound or look like the right ones inside a lexicon term (三会一棵 → 三会一课)."""
    lexicon = lexicon or load_lexicon()
    candidates = _windows(line, lexicon) if candidates is None else candidates
    exact = _exact_spans(line, candidates)
    # each wrong character spoils at most two of the term's pairs: fewer aligned pairs cannot be a slip
    viable = [(term, start) for (term, start), hits in candidates.items()
              if hits >= _pairs_needed(len(term)) and 0 <= start and start + len(term) <= len(line)
              and not line.startswith(term, start)]
    slips: list[Slip] = []
    for term, start in sorted(viable, key=lambda c: (-len(c[0]), c[1])):
        end = start + len(term)
        why = _substitution(line[start:end], term)
        if len(slips) >= MAX_FINDINGS:
            break
        if why and not _inside((start, end), exact) and not _inside((start, end), [(s.start, s.end) for s in slips]):
            kind = FORMULATION if len(term) >= LONG_TERM else WRONG_CHARACTER  # a long formulation must be exact
            slips.append(Slip(start, end, line[start:end], term, f"疑为“{term}”：{why}", kind))
    return sorted(slips, key=lambda s: s.start)


@lru_cache(maxsize=64)
def _pairs_needed(size: int) -> int:
    limits = rules()["max_substitutions"]
    return size - 1 - 2 * limits.get(size, max(limits.values()))


def variant_slips(line: str, lexicon: Lexicon | None = None) -> list[Slip]:
    """Known wrong variants of a term (四种意识, 党的二十大三中全会)."""
    lexicon = lexicon or load_lexicon()
    if lexicon.variant_pattern is None:
        return []
    return [Slip(m.start(), m.end(), m.group(0), lexicon.variants[m.group(0)], "规范表述有误", FORMULATION)
            for m in lexicon.variant_pattern.finditer(line)]


def formulation_slips(line: str, lexicon: Lexicon | None = None, candidates: Candidates | None = None) -> list[Slip]:
    """A dropped inner character of a term of 5+, parts of a term out of order, and any one-character
    difference from a formulation of LONG_TERM or more."""
    lexicon = lexicon or load_lexicon()
    slips = []
    candidates = _windows(line, lexicon) if candidates is None else candidates
    exact = _exact_spans(line, candidates)
    for term, anchor in candidates:
        if len(term) < 5:
            continue
        for start in (anchor, anchor + 1):  # the pair that placed the term may stand after the gap
            # pairs before the gap align with start, those after it with start - 1; one pair is lost
            if candidates.get((term, start), 0) + candidates.get((term, start - 1), 0) < len(term) - 3:
                continue
            window = line[max(start, 0):start + len(term) - 1]
            inner = len(os.path.commonprefix([window, term]))
            if start >= 0 and 1 <= inner <= len(term) - 2 and window[inner:] == term[inner + 1:] \
                    and term[inner] not in _PUNCT and not _inside((start, start + len(window)), exact):
                slips.append(Slip(start, start + len(window), window, term, f"漏了“{term[inner]}”字", FORMULATION))
    for term, parts, any_order in lexicon.listed:
        for match in any_order.finditer(line):
            found = match.group(0)
            if found != term and sorted(found.split("、")) == sorted(parts):
                slips.append(Slip(match.start(), match.end(), found, term, "语序有误", FORMULATION))
    for term in lexicon.long_terms:
        if term[:4] in line or term[-4:] in line:
            # a window as long as the term first: a wrong character rather than a missing one
            for start, end in sorted(near_misses(line, term), key=lambda span: (span[0], abs(span[1] - span[0] - len(term)))):
                if _bare(line[start:end]) == _bare(term) or _inside((start, end), exact):
                    continue  # only the punctuation differs (双向进入，交叉任职), or it is another term
                if not any(start < s.end and s.start < end for s in slips):
                    slips.append(Slip(start, end, line[start:end], term, f"与规范表述“{term}”不符", FORMULATION))
    first: dict[tuple[int, int], Slip] = {}
    for slip in slips:
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
    """A character or word written twice where segmentation shows no word join (推动动, 质量质量).

    Only the clauses that hold a doubled character are segmented: punctuation bounds a word anyway.
    """
    slips: list[Slip] = []
    for clause in _CLAUSE.finditer(line):
        if len(slips) >= MAX_FINDINGS:
            break
        if _DOUBLE_CHAR.search(clause.group(0)) or _DOUBLE_WORD.search(clause.group(0)):
            slips += [replace(slip, start=slip.start + clause.start(), end=slip.end + clause.start())
                      for slip in _doubled_in_clause(clause.group(0))]
    return sorted(slips, key=lambda s: s.start)


def _doubled_in_clause(clause: str) -> list[Slip]:
    import jieba

    jieba.setLogLevel(60)
    tokens = jieba.lcut(clause, HMM=False)
    owner = [number for number, token in enumerate(tokens) for _ in token]
    function = rules()["function_chars"]
    slips: list[Slip] = []
    for match in _DOUBLE_WORD.finditer(clause):
        if len(slips) >= MAX_FINDINGS:
            break
        word = match.group(1)
        if not jieba.dt.FREQ.get(match.group(0)):  # 讨论讨论 is no word; a dictionary word stays
            slips.append(Slip(match.start(), match.end(), match.group(0), word, f"“{word}”重复", DOUBLED))
    for match in _DOUBLE_CHAR.finditer(clause):
        first, second = owner[match.start()], owner[match.start() + 1]
        if len(slips) >= MAX_FINDINGS:
            break
        if any(s.start <= match.start() < s.end for s in slips):
            continue
        if first == second:
            continue  # one word holds both (层层, 常常)
        left, right = tokens[first], tokens[second]
        if len(left) >= 2 and len(right) >= 2:
            continue  # 工作|作为: two words meet
        if len(left) == 1 and len(right) == 1:
            if left in rules()["reduplicable"]:
                continue  # 件件, 月月: "every"
        elif (right if len(right) == 1 else left) in function:
            continue  # 导向|向纵深: a word and a one-character word
        start = match.start() - len(left) + 1
        found = left + right
        slips.append(Slip(start, start + len(found), found, left + right[1:], f"“{match.group(1)}”疑为多字", DOUBLED))
    return slips


def proofread(line: str, lexicon: Lexicon | None = None) -> list[Slip]:
    """Every slip in ``line``, one finding a place: a listed variant first, then a wrong character in a
    term, a doubled character or word, then a dropped character, an order or a long formulation's slip."""
    lexicon = lexicon or load_lexicon()
    candidates = _windows(line, lexicon)
    chosen: list[Slip] = []
    for found in (variant_slips(line, lexicon), term_slips(line, lexicon, candidates), doubled_slips(line),
                  formulation_slips(line, lexicon, candidates)):
        chosen += [slip for slip in found[:MAX_FINDINGS] if not any(slip.start < other.end and other.start < slip.end for other in chosen)]
    return sorted(chosen, key=lambda s: s.start)[:MAX_FINDINGS]


def apply_fix(text: str, line: str, found: str, fix: str) -> str:
    """``text`` with ``found`` replaced by ``fix`` in the first line equal to ``line``; unchanged if absent."""
    lines = text.split("\n")
    for index, current in enumerate(lines):
        if current.strip() == line.strip() and found in current:
            lines[index] = current.replace(found, fix, 1)
            return "\n".join(lines)
    return text
