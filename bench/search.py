"""Benchmark: two-character Chinese search over 300,000 takeaways, index against icontains.

    python bench/search.py [--takeaways N] [--engines sqlite,postgresql]

For each engine it builds a throwaway database (a temporary SQLite file; a database
`bench_search` on PostgreSQL, created and dropped here), bulk-inserts trips and takeaways
made of the demo data's sentences, builds the search index with `rebuild`, then times:

- search: what /search/?q=…&type=takeaway asks the database: match counts of every kind
  from the index, then the first page of takeaways fetched through `.public()`;
- icontains: the same answer the plain way, `Takeaway.objects.public()` filtered by
  `text__icontains`, counted, first page.

Neither side includes rendering (highlighting happens when the template shows a hit).
The machine is shared: figures vary with its load, which the output reports.

Prints a table and writes bench/search.json. Targets (issue 8): on SQLite a two-character
query answers in ≤ 20 ms at p95 and at least 50× faster than icontains.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["招商", "链长", "技改", "民宿", "园区", "乡村", "人才", "服务"]
SEARCH_RUNS = 25  # per query
ICONTAINS_RUNS = 3  # per query: each is a full scan
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
POSTGRES_DB = "bench_search"
TARGET_P95_MS = 20
TARGET_SPEEDUP = 50


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def clauses():
    """Sentence pieces from the demo data, to recombine into varied takeaways."""
    from tours import demo_data as data

    pieces = set()
    pools = (data.QUOTES, data.LESSON_TEMPLATES, data.GAP_TEMPLATES, data.INSIGHT_TEMPLATES)
    for pool in (*pools, data.REFLECTIONS):
        for text, _ in pool:
            pieces.update(p for p in re.split(r"[，。；：]", text) if len(p) > 3)
    for visit in data.GUANGDONG_VISITS:
        pieces.update(p for p in re.split(r"[，。；：]", visit[3]) if len(p) > 3)
    return sorted(pieces), [host[0] for host in data.HOSTS]


def generate(n_takeaways: int):
    """Bulk-insert trips (one in ten a draft) and takeaways (most adopted) into the database."""
    from people.models import Organization
    from tours.models import Takeaway, Trip

    rnd = random.Random(8)
    pieces, hosts = clauses()
    organizer = Organization.objects.create(name="中共梁平区委组织部")
    per_trip = 100
    trips = Trip.objects.bulk_create(
        Trip(
            title=f"赴{rnd.choice(hosts)[:2]}学习考察（第{n}批）",
            theme="学习产业链招商经验",
            organizer=organizer,
            start_date=date(2015, 1, 1) + timedelta(days=n),
            end_date=date(2015, 1, 3) + timedelta(days=n),
            status="draft" if n % 10 == 0 else "published",
        )
        for n in range(n_takeaways // per_trip)
    )
    statuses = ["adopted"] * 8 + ["featured", "pending"]
    batch = []
    for n in range(n_takeaways):
        text = "，".join(rnd.choice(pieces) for _ in range(rnd.randint(2, 4))) + "。"
        batch.append(
            Takeaway(
                trip=trips[n // per_trip],
                kind=rnd.choice(["quote", "lesson", "gap", "insight"]),
                text=text.format(
                    host=rnd.choice(hosts), n=rnd.randint(2, 9), p=rnd.randint(10, 95)
                ),
                review_status=rnd.choice(statuses),
            )
        )
        if len(batch) == 5000:
            Takeaway.objects.bulk_create(batch)
            batch = []
    Takeaway.objects.bulk_create(batch)


def timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def measure(engine: str, n_takeaways: int) -> dict:
    """Run in a child process whose DATABASE_URL points at the throwaway database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tours import search
    from tours.models import SearchEntry, Takeaway

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    generate(n_takeaways)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    search.rebuild()
    indexed = time.perf_counter() - start
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load; SQLite runs without statistics, as the
        # application never runs ANALYZE there.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def by_index(q):
        query = search.parse_query(q)
        results = search.search(query, kind="takeaway")
        pages = search.kind_pages(results, "takeaway")
        return results.group("takeaway").count, pages[0 : search.PER_PAGE]

    def by_icontains(q):
        rows = Takeaway.objects.public().filter(text__icontains=q)
        return rows.count(), list(rows.select_related("trip").order_by("-pk")[: search.PER_PAGE])

    per_query, index_times, scan_times = [], [], []
    for q in QUERIES:
        by_index(q)  # warm the caches as a running server would have them
        fast, (count, hits) = timed(lambda q=q: by_index(q), SEARCH_RUNS)
        slow, (scan_count, scan_hits) = timed(lambda q=q: by_icontains(q), ICONTAINS_RUNS)
        assert [h.obj.pk for h in hits] == [t.pk for t in scan_hits], f"{q}: different hits"
        assert count == min(scan_count, search.RESULT_CAP), f"{q}: {count} != {scan_count}"
        index_times += fast
        scan_times += slow
        per_query.append(
            {
                "query": q,
                "matches": scan_count,
                "search_p50_ms": round(statistics.median(fast), 2),
                "icontains_p50_ms": round(statistics.median(slow), 1),
            }
        )
    p50, p95 = statistics.median(index_times), percentile(index_times, 0.95)
    scan_p50 = statistics.median(scan_times)
    return {
        "engine": engine,
        "takeaways": Takeaway.objects.count(),
        "index_entries": SearchEntry.objects.count(),
        "generate_s": round(generated, 1),
        "index_build_s": round(indexed, 1),
        "search_p50_ms": round(p50, 2),
        "search_p95_ms": round(p95, 2),
        "icontains_p50_ms": round(scan_p50, 1),
        "icontains_p95_ms": round(percentile(scan_times, 0.95), 1),
        "speedup_p50": round(scan_p50 / p50, 1),
        "queries": per_query,
    }


def run_child(engine: str, n_takeaways: int, database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, __file__, "--child", engine, "--takeaways", str(n_takeaways)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{engine} benchmark failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres(statement: str):
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--takeaways", type=int, default=300_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(measure(args.child, args.takeaways)))
        return

    results = []
    for engine in args.engines.split(","):
        print(f"{engine}: generating {args.takeaways:,} takeaways and indexing them…", flush=True)
        if engine == "sqlite":
            with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
                url = f"sqlite:///{folder}/bench.sqlite3"
                results.append(run_child(engine, args.takeaways, url))
        else:
            postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
            postgres(f"CREATE DATABASE {POSTGRES_DB}")
            try:
                url = f"{POSTGRES_SERVER}/{POSTGRES_DB}"
                results.append(run_child(engine, args.takeaways, url))
            finally:
                postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")

    header = (
        f"{'engine':<11}{'takeaways':>10}{'build s':>9}{'search p50':>12}{'search p95':>12}"
        f"{'icontains p50':>15}{'speed-up':>10}"
    )
    load = os.getloadavg()[0]
    print(f"\nTwo-character queries: {', '.join(QUERIES)} (load average {load:.1f})")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['engine']:<11}{r['takeaways']:>10,}{r['index_build_s']:>9}"
            f"{r['search_p50_ms']:>10} ms{r['search_p95_ms']:>10} ms"
            f"{r['icontains_p50_ms']:>12} ms{r['speedup_p50']:>9}×"
        )
    sqlite = next((r for r in results if r["engine"] == "sqlite"), None)
    verdict = {}
    if sqlite:
        verdict = {
            "p95_within_20ms": sqlite["search_p95_ms"] <= TARGET_P95_MS,
            "at_least_50x_faster": sqlite["speedup_p50"] >= TARGET_SPEEDUP,
        }
        print(
            f"\nSQLite targets: p95 ≤ {TARGET_P95_MS} ms: "
            f"{'met' if verdict['p95_within_20ms'] else 'MISSED'}; "
            f"≥ {TARGET_SPEEDUP}× icontains: "
            f"{'met' if verdict['at_least_50x_faster'] else 'MISSED'}"
        )
    output = ROOT / "bench" / "search.json"
    output.write_text(
        json.dumps(
            {
                "queries": QUERIES,
                "load_average": round(os.getloadavg()[0], 1),
                "results": results,
                "targets": verdict,
            },
            indent=2,
        )
    )
    print(f"Wrote {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
