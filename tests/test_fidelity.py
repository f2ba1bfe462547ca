"""Fidelity to the facts, exactly: character pairs, coverage, allowed and invented numbers, honour
claims (report/fidelity.py, shared by the checklist and the verifier of model output)."""
from __future__ import annotations

from report.facts import Fact, parse_facts
from report.fidelity import (allowed_numbers, bigrams, fact_covered, honour_claims, invented_honours,
                             invented_numbers, missing_facts)


def test_bigrams_are_neighbouring_characters_without_punctuation() -> None:
    assert bigrams("党建，工作") == {"党建", "建工", "工作"}
    assert bigrams("a-b c") == {"ab", "bc"}
    assert bigrams("学") == set() and bigrams("") == set()
    assert bigrams("三会一课") == {"三会", "会一", "一课"}


def test_a_fact_is_covered_by_its_numbers_and_most_of_its_pairs() -> None:
    fact = parse_facts("开展主题党日12次")[0]
    text = bigrams("支部开展主题党日活动12次")
    assert fact_covered(fact, text, {"12"}, 0.6)
    assert not fact_covered(fact, text, {"13"}, 0.6), "its number must appear"
    assert fact_covered(fact, text, {"12", "5"}, 0.6), "other numbers may appear too"
    pairs = bigrams(fact.text)
    half = set(sorted(pairs)[: len(pairs) // 2])
    assert not fact_covered(fact, half, {"12"}, 0.6)
    exact = set(sorted(pairs)[: int(len(pairs) * 0.6 + 0.999)])
    assert fact_covered(fact, exact | {"xx"}, {"12"}, len(exact) / len(pairs))
    assert fact_covered(Fact(""), set(), set(), 1.0), "an empty fact needs nothing"
    assert not fact_covered(Fact("", frozenset({"3"})), set(), set(), 0.0)


def test_missing_facts_are_those_not_covered() -> None:
    facts = parse_facts("开展主题党日12次\n发展党员2名")
    assert missing_facts(facts, "支部开展主题党日12次。") == [facts[1]]
    assert missing_facts(facts, "开展主题党日12次，发展党员2名。") == []
    assert missing_facts(facts, "开展主题党日12次，发展党员3名。") == [facts[1]]
    assert missing_facts(facts, "开展主题党日12次。发展", min_share=0.2) == [facts[1]]


def test_allowed_numbers_are_the_facts_and_the_report_year_and_next() -> None:
    facts = parse_facts("2024年开展主题党日12次")
    assert allowed_numbers(facts, "") == {"2024", "12", "2025"}
    assert allowed_numbers(parse_facts("开展主题党日12次"), "2023年度工作总结") == {"12", "2023", "2024"}
    assert allowed_numbers(parse_facts("开展主题党日12次"), "工作总结") == {"12"}
    assert "1989" not in allowed_numbers(parse_facts("1989名群众"), "") - {"1989"}
    assert allowed_numbers(parse_facts("服务群众1989人次"), "") == {"1989"}, "1989 is no year of the range"


def test_invented_numbers_skip_markers_and_allowed_values() -> None:
    facts = parse_facts("开展主题党日12次")
    found = invented_numbers(["1.开展主题党日12次，专题党课7次。", "2.共计97次。"], facts)
    assert [(item.value, item.offset, item.line) for item in found] == [
        ("7", 16, "1.开展主题党日12次，专题党课7次。"), ("97", 4, "2.共计97次。")]
    assert invented_numbers(["12次"], facts, allowed={"12"}) == []
    assert [i.value for i in invented_numbers(["12次"], facts, allowed=set())] == ["12"]
    assert [i.value for i in invented_numbers(["2024年开展7次"], [])] == ["7"], "the text's own year is allowed"


def test_honour_claims_by_award_verb_or_title_with_its_level() -> None:
    assert honour_claims("支部荣获全国先进基层党组织称号。") == [("全国先进基层党组织", 4)]
    assert honour_claims("张三被评为优秀共产党员，受到县委表彰") == [("优秀共产党员", 5), ("县委表彰", 14)]
    assert honour_claims("组织开展优秀共产党员评选活动") == [], "a mention claims nothing"
    assert honour_claims("支部获评“五好党支部”") == [("五好党支部", 4)]
    assert honour_claims("荣获称号") == [], "a generic word alone names no honour"
    assert honour_claims("支部工作扎实") == []


def test_invented_honours_need_one_fact_naming_them_with_their_level() -> None:
    facts = parse_facts("支部被评为县级先进基层党组织\n李四获评优秀党务工作者")
    lines = ["支部荣获全国先进基层党组织称号。", "支部获评县级先进基层党组织。", "李四获评优秀党务工作者，受到市委表彰。"]
    found = invented_honours(lines, facts)
    assert [(i.value, i.offset, i.line) for i in found] == [
        ("全国先进基层党组织", 4, lines[0]), ("市委表彰", 14, lines[2])]
    assert invented_honours(["县级先进基层党组织优秀党务工作者"], facts) == []


def test_allowed_years_are_those_from_1990_to_2100_and_the_next() -> None:
    for year, allowed in ((1990, True), (1989, False), (2100, True), (2101, False)):
        assert (str(year + 1) in allowed_numbers([Fact(f"{year}年", frozenset({str(year)}))], "")) == allowed


def test_honour_claims_at_the_edges_of_a_clause() -> None:
    assert honour_claims("积极参加评选活动。荣获全国先进基层党组织。") == [("全国先进基层党组织", 11)], \
        "a clause that only mentions an honour does not hide the next one's claim"
    assert honour_claims("省优秀共产党员1名") == [("省优秀共产党员", 0)]
    assert honour_claims("他是县优秀共产党员") == [("县优秀共产党员", 2)]
    assert honour_claims("荣获“XX市先进基层党组织”称号") == [("XX市先进基层党组织", 2)]
    assert honour_claims("先进基层党组织全国") == [("先进基层党组织", 0)], "level words only before the title"
