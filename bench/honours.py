"""Honour claims on labelled sentences not used to write the rules (bench/labelled/honours.tsv),
split by a hash of the sentence (bench/labelled.py). Prints accuracy, misses and false alarms."""
from __future__ import annotations

from bench.labelled import split_of, table
from report.facts import parse_facts
from report.fidelity import invented_honours


def main() -> None:
    rows = table("honours")
    for half in ("tune", "test"):
        chosen = [row for row in rows if split_of(row["sentence"]) == half]
        missed = alarms = 0
        for row in chosen:
            found = bool(invented_honours([row["sentence"]], parse_facts(row["facts"].replace(" | ", "\n"))))
            missed += row["label"] == "invented" and not found
            alarms += row["label"] == "ok" and found
            if found != (row["label"] == "invented"):
                print(f"  {half}: {'missed' if not found else 'false alarm'}: {row['sentence']}")
        invented = sum(row["label"] == "invented" for row in chosen)
        print(f"{half} half: {len(chosen)} sentences ({invented} invented): accuracy "
              f"{(len(chosen) - missed - alarms) / len(chosen):.3f}, missed {missed}, false alarms {alarms}")


if __name__ == "__main__":
    main()
