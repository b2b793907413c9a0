"""`make bench`: the page cache while editors work on drafts.

Readers (wrk, CONNECTIONS clients) go round every published report and the lists, with no
edits and then while an editor saves a draft once a second by posting the admin's change
form, as a browser would. Figures: throughput and the cache hit ratio of each. Targets: hit
ratio with edits ≥ 95 %, throughput with edits ≥ 0.8 × without.

This machine's speed changes by half from one second to the next (see bench/web.py), so the
two are measured in ROUNDS rounds of READ_SECONDS each, side by side, and the throughput
ratio is the median of the rounds'. Before each round the readers read until every page is
cached in both workers: a round without edits starts from a full cache, whatever the edits
of the round before retired.

One SQLite database: `seed_demo`, then copies of its public trips written in bulk until
there are REPORTS published reports (a 1× seed has three; `--scale 70` would take minutes),
and a few more drafts for the editor. The copies have their delegation, site visits,
takeaways and tags, not their photos or actions, and are not in the search index.
gunicorn (two workers) and the editor share the cache directory, as the servers of a site
share Redis. Every response says how many queries it made (bench/counted_settings.py):
none is a page served from the cache, any is a render.
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import PYTHON, ROTATE_LUA, base_env, gunicorn, run, run_wrk  # noqa: E402

REPORTS = 210
DRAFTS = 5
CONNECTIONS = 16
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 4))
READ_SECONDS = int(os.environ.get("BENCH_READ_SECONDS", 6))
WARM_SECONDS = 5
WARM_ROUNDS = 12
EDIT_INTERVAL = 1.0
LISTS = ["/", "/trips/", "/actions/", "/search/?q=%E6%8B%9B%E5%95%86"]
# Appended to web.py's path rotation: each wrk thread counts the responses that made no
# query and those that made some; done() writes the totals to a file.
COUNT_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; renders = 0 end
function response(status, headers, body)
  if headers["X-Queries"] == "0" then hits = hits + 1 else renders = renders + 1 end
end
function done(summary, latency, requests)
  local h, r = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); r = r + t:get("renders") end
  local out = io.open("%s", "w")
  out:write(string.format('{"hits": %%d, "renders": %%d}', h, r))
  out:close()
end
"""


def main():
    workdir = Path(tempfile.mkdtemp(prefix="tours-cache-bench-"))
    env = base_env(workdir, workdir / "static") | {
        "DJANGO_SETTINGS_MODULE": "bench.counted_settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        # Our own shared cache: the default directory is shared by everything on the machine.
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
    }
    try:
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        started = time.monotonic()
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "seed_demo"], env)
        reports = json.loads(run([PYTHON, "-m", "bench.cache_edits", "seed"], env, capture=True))
        results = {"reports": len(reports), "seed_seconds": round(time.monotonic() - started, 1)}
        switch = workdir / "editing"
        with gunicorn(env) as (base, _), editor(env, switch) as saves:
            paths = rotation(reports)
            rounds = []
            for _ in range(ROUNDS):
                warm_up = warm(base, paths, workdir)
                calm = read(base, paths, READ_SECONDS, workdir)
                switch.touch()
                time.sleep(EDIT_INTERVAL)  # the readers start among the edits, not before
                edited = read(base, paths, READ_SECONDS, workdir)
                switch.unlink()
                rounds.append({"warm_up": warm_up, "without_edits": calm, "with_edits": edited})
        results |= summary(rounds)
        results["edits"] = saves
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["targets"] = targets(results)
    out = ROOT / "bench" / "cache_edits.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results)
    print(f"\nWritten to {out.relative_to(ROOT)}")
    if not all(t["met"] for t in results["targets"]):
        sys.exit(1)


def summary(rounds) -> dict:
    """Both runs' hits and renders over the rounds, their median req/s and median ratio."""
    result = {"rounds": rounds}
    for name in ("without_edits", "with_edits"):
        runs = [r[name] for r in rounds]
        hits, renders = sum(r["hits"] for r in runs), sum(r["renders"] for r in runs)
        result[name] = {
            "seconds": sum(r["seconds"] for r in runs),
            "rps": statistics.median(r["rps"] for r in runs),
            "requests": sum(r["requests"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "hits": hits,
            "renders": renders,
            "hit_ratio": round(hits / (hits + renders), 4) if hits + renders else 0.0,
        }
    result["rps_ratio"] = round(
        statistics.median(r["with_edits"]["rps"] / r["without_edits"]["rps"] for r in rounds), 3
    )
    return result


def rotation(reports) -> list[str]:
    """Every report once, with a list page after every fourth: a fifth of the reads."""
    paths = []
    for n, report in enumerate(reports):
        paths.append(report)
        if n % 4 == 3:
            paths.append(LISTS[(n // 4) % len(LISTS)])
    return paths


def warm(base, paths, workdir) -> dict:
    """Read until every page is in both workers' caches: a round with no render."""
    rounds = 0
    while rounds < WARM_ROUNDS:
        rounds += 1
        if read(base, paths, WARM_SECONDS, workdir)["renders"] == 0:
            break
    return {"rounds": rounds, "seconds": rounds * WARM_SECONDS}


def read(base, paths, seconds, workdir) -> dict:
    counts = workdir / "counts.json"
    quoted = ", ".join(f'"{p}"' for p in paths)
    lua = ROTATE_LUA % quoted + COUNT_LUA % counts
    result = run_wrk(base + "/", lua=lua, connections=CONNECTIONS, seconds=seconds)
    served = json.loads(counts.read_text())
    answered = served["hits"] + served["renders"]
    return {
        "seconds": seconds,
        **result,
        **served,
        "hit_ratio": round(served["hits"] / answered, 4) if answered else 0.0,
    }


@contextmanager
def editor(env, switch: Path):
    """An editor process saving drafts once a second while `switch` exists; the dict it
    yields holds the editor's tally after the block."""
    process = subprocess.Popen(
        [PYTHON, "-m", "bench.cache_edits", "edit", str(switch)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    saves = {}
    try:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the editor did not start")
        yield saves
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    saves.update(json.loads(output))


def seed():
    """Write copies of the public trips in bulk up to REPORTS, and drafts up to DRAFTS;
    print the public reports' paths."""
    from tours.models import Trip

    public = list(Trip.objects.public().order_by("pk"))
    # The small trips: the big one's photos and actions would be missing from its copies.
    small = [trip for trip in public if trip.site_visits.count() < 20] or public
    for n in range(REPORTS - len(public)):
        copy_trip(small[n % len(small)], n + 1)
    drafts = list(Trip.objects.filter(status=Trip.Status.DRAFT).order_by("pk"))
    for n in range(DRAFTS - len(drafts)):
        copy_trip(drafts[0], n + 1)
    print(json.dumps([trip.get_absolute_url() for trip in Trip.objects.public().order_by("pk")]))


def copy_trip(trip, n):
    """A copy of the trip with its delegation, visits, takeaways and tags, in bulk."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    from tours.models import SiteVisit, Takeaway, Trip, TripMember

    copy = copied(trip, title=f"{trip.title}（副本{n}）", cover_photo_id=None)
    Trip.objects.bulk_create([copy])
    TripMember.objects.bulk_create(
        copied(member, trip_id=copy.pk) for member in TripMember.objects.filter(trip=trip)
    )
    visits = list(SiteVisit.objects.filter(trip=trip).order_by("pk"))
    new_visits = SiteVisit.objects.bulk_create(copied(visit, trip_id=copy.pk) for visit in visits)
    visit_ids = {old.pk: new.pk for old, new in zip(visits, new_visits, strict=True)}
    takeaways = list(Takeaway.objects.filter(trip=trip).order_by("pk"))
    new_takeaways = Takeaway.objects.bulk_create(
        copied(t, trip_id=copy.pk, site_visit_id=visit_ids.get(t.site_visit_id)) for t in takeaways
    )
    tagged = []
    for old, new in [(trip, copy), *zip(takeaways, new_takeaways, strict=True)]:
        kind = ContentType.objects.get_for_model(old)
        tagged += [
            TaggedItem(tag_id=item.tag_id, content_type=kind, object_id=new.pk)
            for item in TaggedItem.objects.filter(content_type=kind, object_id=old.pk)
        ]
    TaggedItem.objects.bulk_create(tagged)


def copied(row, **changes):
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    del fields[row._meta.pk.attname]
    return type(row)(**fields | changes)


def edit(switch: str):
    """Save a draft once a second through the admin change form while the file `switch`
    exists, until SIGTERM; then print how many saves went through.

    Each draft's form is rendered once: a save posts it back changed, with the version of
    the trip as it stands (what reopening the page would give), so the edits cost the
    machine the saves, not a render of the admin page each.
    """
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from tests.admin_forms import form_data
    from tours.models import Trip

    setup_test_environment()  # the test client's view of the rendered form
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    client = Client()
    client.force_login(get_user_model().objects.get(username="editor"))
    forms = {}
    for trip in Trip.objects.filter(status=Trip.Status.DRAFT).order_by("pk"):
        url = reverse("admin:tours_trip_change", args=[trip.pk])
        data = form_data(client.get(url))
        forms[trip.pk] = (url, data, dict(data))
    if "page_version" in data:  # the form carries the stale-page check's version
        from tours.page_versions import TripPage
    tally = {"saved": 0, "refused": 0, "cpu_seconds": 0.0}
    print("ready", flush=True)
    n = 0
    while not stopping:
        if not os.path.exists(switch):
            time.sleep(0.05)
            continue
        began = time.monotonic()
        trip_id = list(forms)[n % len(forms)]
        url, data, opened = forms[trip_id]
        # Alternately the trip's own field and one of its visits: both are draft content.
        field = "summary" if n % 2 == 0 else "site_visits-0-name"
        data[field] = f"{opened[field]}（第{n}次修改）"
        if "page_version" in data:
            data["page_version"] = TripPage(trip_id).current()
        cpu = time.process_time()
        response = client.post(url, data)
        tally["cpu_seconds"] += time.process_time() - cpu
        tally["saved" if response.status_code == 302 else "refused"] += 1
        n += 1
        time.sleep(max(0.0, EDIT_INTERVAL - (time.monotonic() - began)))
    tally["cpu_seconds"] = round(tally["cpu_seconds"], 1)
    print(json.dumps(tally))


def targets(results) -> list[dict]:
    edits, saves, ratio = results["with_edits"], results["edits"], results["rps_ratio"]
    return [
        {
            "target": "cache hit ratio with edits",
            "value": edits["hit_ratio"],
            "goal": "≥ 0.95",
            "met": edits["hit_ratio"] >= 0.95,
        },
        {
            "target": "req/s with edits / without (median of rounds)",
            "value": ratio,
            "goal": "≥ 0.80",
            "met": ratio >= 0.80,
        },
        {
            "target": "drafts saved while editing",
            "value": saves["saved"],
            "goal": "one a second, none refused",
            "met": saves["refused"] == 0 and saves["saved"] >= 0.8 * edits["seconds"],
        },
    ]


def print_table(results):
    print(
        f"\n{results['reports']} published reports and {len(LISTS)} lists, {CONNECTIONS} readers,"
        f" {ROUNDS} rounds of {READ_SECONDS} s without edits, then {READ_SECONDS} s with:"
    )
    print(f"{'run':16} {'req/s':>8} {'requests':>9} {'hits':>8} {'renders':>8} {'hit ratio':>10}")
    for name in ("without_edits", "with_edits"):
        run_ = results[name]
        print(
            f"{name.replace('_', ' '):16} {run_['rps']:>8.0f} {run_['requests']:>9}"
            f" {run_['hits']:>8} {run_['renders']:>8} {run_['hit_ratio']:>10.1%}"
        )
    print("req/s of the rounds, without → with edits:")
    for r in results["rounds"]:
        print(f"  {r['without_edits']['rps']:.0f} → {r['with_edits']['rps']:.0f}")
    saves = results["edits"]
    print(
        f"Editor: {saves['saved']} drafts saved, {saves['refused']} refused,"
        f" {saves['cpu_seconds']} s of CPU in the saves."
    )
    warm = sum(r["warm_up"]["seconds"] for r in results["rounds"])
    print(f"Reading until every page was cached, before the rounds: {warm} s in all.")
    print("\nTargets:")
    for t in results["targets"]:
        print(f"  [{'ok ' if t['met'] else 'MISS'}] {t['target']}: {t['value']} (goal {t['goal']})")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "bench"
    if command == "bench":
        main()
    else:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.counted_settings")
        django.setup()
        {"seed": seed, "edit": edit}[command](*sys.argv[2:])
