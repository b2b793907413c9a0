"""Benchmark: the write-up import's proposals against the corpus's answer keys, and its speed.

    .venv/bin/python bench/writeups.py [--verbose]

For every write-up in tests/writeups/corpus/ (a .txt or .docx with a .json answer key beside
it: the records a careful staff member would enter), runs `tours.writeups.extract` and counts,
per kind, the proposals that match a record of the key (true positives), the proposals that
match none (false positives: one click each to drop) and the records no proposal matches
(false negatives: typed by hand). A proposal matches a record when:

- places: same (province, city, district);
- site visits: the record's name (or one of its `match` words) is in the proposal's name, or
  the proposal's name is in the record's;
- people: same name; quotes: one text contains the other (punctuation aside);
- lessons (lesson, gap and insight together), commitments, questions: the record's phrase is
  in the proposal's text;
- figures: same value and a common two-character word in their names.

Each record matches at most one proposal. Beside precision and recall it reports how often a
matched proposal has the right attribute (speaker, post, kind, presenter), the corrections the
two real write-ups need, and the time to extract a 30,000-character text (target < 3 s; the
one-off loading of jieba's dictionary is reported apart). Writes bench/writeups.json.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from tours.writeups import extract, nlp, read_file  # noqa: E402

CORPUS = ROOT / "tests" / "writeups" / "corpus"
OUTPUT = ROOT / "bench" / "writeups.json"
KINDS = [
    "places",
    "site_visits",
    "people",
    "quotes",
    "lessons",
    "commitments",
    "questions",
    "figures",
]
TARGETS = {
    "places": 0.8,
    "quotes": 0.8,
    "people": 0.8,
    "site_visits": 0.7,
    "lessons": 0.7,
    "commitments": 0.7,
}
TIME_TARGET_S = 3.0
VERDICTS = {None: "", True: " met", False: " MISSED"}
TIME_CHARS = 30_000
_PUNCTUATION = re.compile(r"[\s“”「」『』‘’\"'，。、；：！？,.;:!?（）()《》·…—\-]")


def norm(text) -> str:
    return _PUNCTUATION.sub("", text or "")


def contains(needle, haystack) -> bool:
    needle, haystack = norm(needle), norm(haystack)
    return bool(needle) and needle in haystack


def bigrams(text) -> set[str]:
    text = norm(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def match_place(record, proposal):
    return tuple(record) == (proposal.province, proposal.city, proposal.district)


def match_visit(record, proposal):
    words = record.get("match") or [record["name"]]
    if any(contains(word, proposal.name) for word in words):
        return True
    return len(norm(proposal.name)) >= 2 and contains(proposal.name, record["name"])


def match_person(record, proposal):
    return record["name"] == proposal.name


def match_quote(record, proposal):
    a, b = norm(record["text"]), norm(proposal.text)
    return len(b) >= 4 and (a in b or b in a)


def match_lesson(record, proposal):
    return contains(record["text"], proposal.text)


def match_commitment(record, proposal):
    return contains(record["text"], proposal.title)


def match_question(record, proposal):
    return contains(record["text"], proposal.text)


def match_figure(record, proposal):
    if Decimal(record["value"]) != proposal.value:
        return False
    return contains(record["name"], proposal.name) or bool(
        bigrams(record["name"]) & bigrams(proposal.name)
    )


def proposals_of(extraction, kind):
    if kind == "lessons":
        return extraction.takeaways
    if kind == "commitments":
        return extraction.actions
    if kind == "figures":
        return extraction.indicators
    return getattr(extraction, kind)


MATCHERS = {
    "places": match_place,
    "site_visits": match_visit,
    "people": match_person,
    "quotes": match_quote,
    "lessons": match_lesson,
    "commitments": match_commitment,
    "questions": match_question,
    "figures": match_figure,
}
# The attribute a matched proposal should also get right.
ATTRIBUTES = {
    "people": (
        "title",
        lambda r, p: contains(r["title"], p.title) or contains(p.title, r["title"]),
    ),
    "quotes": ("speaker", lambda r, p: (r.get("speaker") or None) == (p.speaker_name or None)),
    "lessons": ("kind", lambda r, p: r["kind"] == p.kind),
    "site_visits": (
        "presenter",
        lambda r, p: "presenter" not in r or r["presenter"] == p.presenter,
    ),
}


def score(key, extraction):
    result = {}
    for kind in KINDS:
        records = key.get(kind, [])
        proposals = list(proposals_of(extraction, kind))
        used, pairs, missed = set(), [], []
        for record in records:
            for index, proposal in enumerate(proposals):
                if index not in used and MATCHERS[kind](record, proposal):
                    used.add(index)
                    pairs.append((record, proposal))
                    break
            else:
                missed.append(record)
        extra = [p for i, p in enumerate(proposals) if i not in used]
        entry = {"tp": len(pairs), "fp": len(extra), "fn": len(missed)}
        if kind in ATTRIBUTES:
            _, right = ATTRIBUTES[kind]
            entry["attribute_right"] = sum(1 for r, p in pairs if right(r, p))
        entry["missed"] = [describe(kind, r) for r in missed]
        entry["extra"] = [describe_proposal(kind, p) for p in extra]
        entry["wrong_attribute"] = (
            [describe_proposal(kind, p) for r, p in pairs if not ATTRIBUTES[kind][1](r, p)]
            if kind in ATTRIBUTES
            else []
        )
        result[kind] = entry
    return result


def describe(kind, record):
    if kind == "places":
        return "".join(part for part in record if part)
    return record.get("name") or record.get("text")


def describe_proposal(kind, proposal):
    if kind == "places":
        return proposal.label
    if kind == "commitments":
        return proposal.title[:60]
    if kind == "people":
        return f"{proposal.title}{proposal.name}"
    if kind == "quotes":
        return f"{proposal.speaker_name or '?'}: {proposal.text[:40]}"
    if kind == "figures":
        return f"{proposal.name} {proposal.value}{proposal.unit}"
    if kind == "site_visits":
        return f"{proposal.name} ({proposal.presenter or '-'})"
    if kind == "lessons":
        return f"[{proposal.kind}] {proposal.text[:50]}"
    return (getattr(proposal, "name", None) or proposal.text)[:60]


def dates_right(key, extraction) -> bool:
    trip = key.get("trip", {})
    if trip.get("start_date"):
        return (str(extraction.start_date), str(extraction.end_date)) == (
            trip["start_date"],
            trip["end_date"],
        )
    days = [
        f"{d[0]:02d}-{d[1]:02d}" if d else None
        for d in (extraction.start_month_day, extraction.end_month_day)
    ]
    return extraction.start_date is None and days == trip.get("month_days")


def group_rows(documents):
    """Recall and precision per kind over these documents."""
    rows = {}
    for kind in KINDS:
        t = {f: sum(d["scores"][kind][f] for d in documents) for f in ("tp", "fp", "fn")}
        rows[kind] = {
            **t,
            "precision": ratio(t["tp"], t["tp"] + t["fp"]),
            "recall": ratio(t["tp"], t["tp"] + t["fn"]),
        }
    return rows


def ratio(a, b):
    return round(a / b, 3) if b else None


def corpus():
    for key_path in sorted(CORPUS.glob("*.json")):
        for suffix in (".txt", ".docx"):
            path = key_path.with_suffix(suffix)
            if path.exists():
                yield path, json.loads(key_path.read_text(encoding="utf-8"))
                break


def long_text(texts) -> str:
    """About 30,000 characters of write-ups, cut at a line's end."""
    text = ""
    while len(text) < TIME_CHARS:
        for piece in texts:
            text += piece + "\n"
    cut = text.rfind("\n", 0, TIME_CHARS)
    return text[: cut if cut > 0 else TIME_CHARS]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss and extra")
    args = parser.parse_args()

    start = time.perf_counter()
    nlp.warm_up()
    init_s = time.perf_counter() - start

    documents, totals, texts = [], {k: {"tp": 0, "fp": 0, "fn": 0} for k in KINDS}, []
    attributes = dict.fromkeys(ATTRIBUTES, 0)
    for path, key in corpus():
        with path.open("rb") as f:
            text = read_file(f, path.name)
        if "real" not in path.name:  # a web copy ends in page furniture, read as such
            texts.append(text)
        extraction = extract(text)
        scores = score(key, extraction)
        for kind in KINDS:
            for field in ("tp", "fp", "fn"):
                totals[kind][field] += scores[kind][field]
        for kind in ATTRIBUTES:
            attributes[kind] += scores[kind]["attribute_right"]
        documents.append(
            {
                "file": path.name,
                "shape": key.get("shape"),
                "held_out": bool(key.get("held_out")),
                "scores": scores,
                "dates_right": dates_right(key, extraction),
            }
        )

    rows = {}
    for kind in KINDS:
        t = totals[kind]
        rows[kind] = {
            **t,
            "precision": ratio(t["tp"], t["tp"] + t["fp"]),
            "recall": ratio(t["tp"], t["tp"] + t["fn"]),
        }
        if kind in ATTRIBUTES:
            rows[kind][f"{ATTRIBUTES[kind][0]}_right"] = ratio(attributes[kind], t["tp"])

    held_out = [d for d in documents if d["held_out"]]
    held_out_rows = group_rows(held_out) if held_out else {}

    sample = long_text(texts)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        extract(sample)
        times.append(time.perf_counter() - start)
    time_s = statistics.median(times)

    print(f"Write-up import over {len(documents)} write-ups (tests/writeups/corpus/)")
    header = f"{'kind':<13}{'records':>8}{'proposed':>9}{'right':>7}{'precision':>11}{'recall':>8}"
    header += f"{'target':>8}  attribute right"
    print(header)
    print("-" * len(header))
    verdict = {}
    for kind in KINDS:
        row = rows[kind]
        target = TARGETS.get(kind)
        met = None
        if target is not None:
            met = (row["precision"] or 0) >= target and (row["recall"] or 0) >= target
            verdict[kind] = met
        attribute = ""
        if kind in ATTRIBUTES:
            name = ATTRIBUTES[kind][0]
            attribute = f"{name} {row[f'{name}_right']}"
        print(
            f"{kind:<13}{row['tp'] + row['fn']:>8}{row['tp'] + row['fp']:>9}{row['tp']:>7}"
            f"{row['precision'] or 0:>11.2f}{row['recall'] or 0:>8.2f}"
            f"{(f'≥{target}' if target else '—'):>8}{VERDICTS[met]}"
            f"  {attribute}"
        )
    if held_out:
        print(
            f"\nOf which the {len(held_out)} write-ups written after the rules, never tuned on "
            "(precision / recall):"
        )
        print(
            "  "
            + ", ".join(
                f"{kind} {r['precision'] or 0:.2f}/{r['recall'] or 0:.2f}"
                for kind, r in held_out_rows.items()
                if r["tp"] + r["fp"] + r["fn"]
            )
        )
    dates = sum(d["dates_right"] for d in documents)
    print(f"Trip dates right (start and end, or the days if no year): {dates}/{len(documents)}")
    verdict["time_under_3s"] = time_s < TIME_TARGET_S
    print(
        f"\nExtracting {len(sample):,} characters: {time_s:.2f} s (median of 3; target < "
        f"{TIME_TARGET_S:.0f} s: {'met' if verdict['time_under_3s'] else 'MISSED'}); loading "
        f"jieba, OpenCC and the gazetteer once per process: {init_s:.2f} s"
    )
    print("\nCorrections the two real write-ups need (missed + wrong proposals, per kind):")
    for document in documents:
        if "real" not in document["file"]:
            continue
        parts = []
        for kind in KINDS:
            s = document["scores"][kind]
            parts.append(f"{kind} {s['fn']}+{s['fp']}")
        print(f"  {document['file']}: " + ", ".join(parts))
    if args.verbose:
        for document in documents:
            print(f"\n== {document['file']}")
            for kind in KINDS:
                s = document["scores"][kind]
                for label in ("missed", "extra", "wrong_attribute"):
                    for item in s[label]:
                        print(f"  {kind:<12} {label:<15} {item}")
    OUTPUT.write_text(
        json.dumps(
            {
                "documents": len(documents),
                "kinds": rows,
                "held_out_kinds": held_out_rows,
                "dates_right": dates,
                "targets": verdict,
                "time_30k_s": round(time_s, 3),
                "time_chars": len(sample),
                "init_s": round(init_s, 3),
                "load_average": round(os.getloadavg()[0], 1),
                "per_document": documents,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
