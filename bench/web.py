"""`make bench`: throughput, query counts and memory of the public site at 1× and 10× data.

For each size: one SQLite database seeded with `seed_demo --scale N` (10× over 1×),
gunicorn with two sync workers on 127.0.0.1 (and a second one with the page cache off for
the uncached figures), and wrk (loopback only, bounded in time)
against a static file, a bare Django view, and the public pages uncached and cached. Then
64 concurrent clients for 60 s on the report, list and search pages. Targets are ratios
within the same run, so they hold on any machine; results go to bench/web.json and a
printed table.

The machine this runs on changes speed by half from one second to the next (a CPU-bound loop
measured per second varies 1.7×), so no figure is compared with one measured a minute
earlier: each page is measured right after a run of the bare view, and every ratio is the median,
over ROUNDS rounds, of figure ÷ the hello beside it. The 1×/10× comparisons compare those
ratios: a page whose cost does not grow with the data keeps its ratio to hello.

Uncached pages are also priced per item they render, so sizes and runs compare even when the
pages differ in length: the report per public visit and takeaway it shows, the trip list per
trip (at most 20 a page) and the action board per action (at most 50), the counts read from
the data (bench/page_items.py). wrk keeps both sync workers busy, so a request costs
WORKERS ÷ req/s worker-seconds (printed in ms); the targets use the same cost in hello units,
hello req/s ÷ page req/s (how many bare views one page costs), which the machine's changes of
speed cancel out of. At 1× the lists are short (3 trips, 13 actions) and their fixed cost (the
layout, the filter form, the totals) is shared by fewer items, so the cost per item falls from
1× to 10× when nothing grows with the data: the target is that it does not grow by more than
20 %, not that it stays within 20 % both ways.
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = {"1x": 1, "10x": 10}
WORKERS = 2
MEASURE_SECONDS = int(os.environ.get("BENCH_SECONDS", 1))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
SECRET = "bench-only-secret-key-that-is-long-enough-for-django-checks-0123456789"
ROTATE_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it).")
    workdir = Path(tempfile.mkdtemp(prefix="tours-bench-"))
    results = {"sizes": {}, "machine": {"cores": os.cpu_count()}}
    try:
        static_root = workdir / "static"
        env = base_env(workdir, static_root)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        for size, scale in SIZES.items():
            results["sizes"][size] = bench_size(workdir, env, size, scale)
        results["load"] = results["sizes"]["1x"].pop("load")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["targets"] = targets(results)
    out = ROOT / "bench" / "web.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results)
    print(f"\nWritten to {out.relative_to(ROOT)}")
    if not all(t["met"] for t in results["targets"]):
        sys.exit(1)


def base_env(workdir: Path, static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def bench_size(workdir, env, size, scale) -> dict:
    # One database: seeding --scale 10 over the 1× data adds copies 2 to 10 (the seed is
    # idempotent), the same data a fresh 10× seed makes, in three quarters of the time.
    env = env | {"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}"}
    started = time.monotonic()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "seed_demo", "--scale", str(scale)], env)
    seeded = time.monotonic() - started
    # Uncached figures come from a second server with the page cache off: a page ignores
    # query parameters it does not read, so made-up ones no longer miss the cache.
    uncached_env = env | {"DJANGO_PAGE_CACHE": "0"}
    with gunicorn(env) as (base, master), gunicorn(uncached_env) as (uncached, uncached_master):
        pages = page_urls(base)
        queries = json.loads(
            run([PYTHON, "-m", "bench.query_counts", json.dumps(pages)], env, capture=True)
        )
        report_pk = re.search(r"/trips/(\d+)/", pages["report"]).group(1)
        items = json.loads(run([PYTHON, "-m", "bench.page_items", report_pk], env, capture=True))
        figures = {"seed_seconds": round(seeded, 1), "queries": queries, "items": items}
        rounds = [measure_round(base, uncached, pages) for _ in range(ROUNDS)]
        figures["rounds"] = rounds
        figures["per_item"] = per_item(rounds, items)
        figures["rps"] = {name: statistics.median(r[name][0] for r in rounds) for name in rounds[0]}
        figures["per_hello"] = {
            name: statistics.median(
                rps / hello for rps, hello in (r[name] for r in rounds) if hello
            )
            for name in rounds[0]
        }
        if size == "1x":
            paths = [pages[n] for n in ("report", "trips", "search") if n in pages]
            figures["load"] = load_test(base, paths)
        figures["worker_rss_mb"] = max(worker_rss_mb(master), worker_rss_mb(uncached_master))
    return figures


def measure_round(base, uncached_base, pages) -> dict:
    """Requests per second of every figure, each page right after a run of the bare view.

    Returns {figure: (rps, rps of the hello just before)}: the machine's speed changes over
    seconds, so a figure is compared with the hello measured beside it.
    """
    hello = wrk(base + "/bench/hello/")
    measured = {"hello": (hello, hello), "static": (wrk(base + pages["static"]), hello)}
    # The pages the targets name; the home page's queries are still counted.
    for name in ("trips", "report", "actions", "search"):
        if name in pages:
            url = base + pages[name]
            hello = wrk(base + "/bench/hello/")
            # An uncached page completes a few dozen requests a second: the eight still in
            # flight when a one-second run ends would be a sixth of them.
            uncached = wrk(uncached_base + pages[name], seconds=2 * MEASURE_SECONDS)
            urllib.request.urlopen(url).read()  # warm the cache
            measured[f"{name}_uncached"] = (uncached, hello)
            measured[f"{name}_cached"] = (wrk(url), hello)
    return measured


def per_item(rounds, items) -> dict:
    """Cost of one uncached page per item it renders, medians over the rounds.

    `ms`: worker-milliseconds per item, WORKERS ÷ req/s ÷ items (both workers are busy
    throughout a run); `hello_units`: hello req/s ÷ page req/s ÷ items, the same cost counted
    in bare views measured beside it, which is what the targets compare.
    """
    counts = {
        "report_uncached": items["report"]["visits"] + items["report"]["takeaways"],
        "trips_uncached": items["trips"],
        "actions_uncached": items["actions"],
    }
    costs = {}
    for name, count in counts.items():
        runs = [r[name] for r in rounds if name in r and r[name][0] and count]
        if runs:
            costs[name] = {
                "items": count,
                "ms": statistics.median(1000 * WORKERS / rps / count for rps, _ in runs),
                "hello_units": statistics.median(hello / rps / count for rps, hello in runs),
            }
    return costs


def page_urls(base) -> dict:
    home = urllib.request.urlopen(base + "/").read().decode()
    static = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', home).group(1)
    report = re.search(r'href="(/trips/\d+/)"', home).group(1)
    pages = {
        "static": static,
        "home": "/",
        "trips": "/trips/",
        "report": report,
        "actions": "/actions/",
    }
    try:
        urllib.request.urlopen(base + "/search/?q=%E6%8B%9B%E5%95%86")
        pages["search"] = "/search/?q=%E6%8B%9B%E5%95%86"
    except urllib.error.HTTPError:
        pass  # no search page in this build
    return pages


@contextmanager
def gunicorn(env):
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)  # gunicorn's graceful timeout is 30 s
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(base, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {base}")


def wrk(url, *, lua=None, connections=8, seconds=MEASURE_SECONDS) -> float:
    return run_wrk(url, lua=lua, connections=connections, seconds=seconds)["rps"]


def run_wrk(url, *, lua=None, connections=8, seconds=MEASURE_SECONDS) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if lua:
            script.write(lua)
            script.flush()
            command += ["-s", script.name]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(int(n) for n in sockets.groups()) if sockets else 0),
    }


def load_test(base, paths) -> dict:
    quoted = ", ".join(f'"{p}"' for p in paths)
    result = run_wrk(base + "/", lua=ROTATE_LUA % quoted, connections=64, seconds=LOAD_SECONDS)
    return {"clients": 64, "seconds": LOAD_SECONDS, "paths": paths, **result}


def worker_rss_mb(master_pid) -> float:
    output = subprocess.run(
        ["ps", "--ppid", str(master_pid), "-o", "rss="], capture_output=True, text=True
    ).stdout
    sizes = [int(line) for line in output.split()]
    return round(max(sizes) / 1024, 1) if sizes else 0.0


def targets(results) -> list[dict]:
    one, ten = results["sizes"]["1x"], results["sizes"]["10x"]
    checks = []

    def check(name, value, goal, met):
        checks.append({"target": name, "value": round(value, 3), "goal": goal, "met": bool(met)})

    cached = [name for name in one["rps"] if name.endswith("_cached")]
    per_hello = one["per_hello"]
    worst = min(per_hello[name] for name in cached) / per_hello["static"]
    check("slowest cached public page / static file", worst, "≥ 0.60", worst >= 0.60)
    for name in ("report_uncached", "report_cached"):
        if name in one["rps"]:
            drift = ten["per_hello"][name] / one["per_hello"][name]
            check(f"{name} at 10× / 1× (each against hello)", drift, "≥ 0.80", drift >= 0.80)
    for name in ("trips_uncached", "actions_uncached"):
        if name in one["per_item"] and name in ten["per_item"]:
            growth = ten["per_item"][name]["hello_units"] / one["per_item"][name]["hello_units"]
            check(
                f"{name} cost per item at 10× / 1× (in hello units)",
                growth,
                "≤ 1.20",
                growth <= 1.20,
            )
    for page, count in one["queries"].items():
        if page != "static":
            same = ten["queries"][page]["queries"] <= count["queries"]
            check(
                f"queries of {page}: 1× → 10×", ten["queries"][page]["queries"], "no growth", same
            )
    rss = max(one["worker_rss_mb"], ten["worker_rss_mb"])
    check("worker RSS (MB)", rss, "≤ 150", rss <= 150)
    load = results["load"]
    check(
        f"errors under {load['clients']} clients for {load['seconds']} s",
        load["errors"],
        "0",
        load["errors"] == 0,
    )
    return checks


def print_table(results):
    print(
        f"\nMedians of {ROUNDS} rounds, {MEASURE_SECONDS} s per figure (uncached pages twice that)."
    )
    print(f"{'figure':38} {'1×':>10} {'10×':>10} {'1× / hello':>11} {'10× / hello':>11}")
    one, ten = results["sizes"]["1x"], results["sizes"]["10x"]
    for name in one["rps"]:
        print(
            f"{name + ' (req/s)':38} {one['rps'][name]:>10.0f} {ten['rps'].get(name, 0):>10.0f}"
            f" {one['per_hello'][name]:>11.3f} {ten['per_hello'].get(name, 0):>11.3f}"
        )
    for name in one["queries"]:
        q1, q10 = one["queries"][name]["queries"], ten["queries"][name]["queries"]
        print(f"{'queries: ' + name:38} {q1:>10} {q10:>10}")
    print(f"{'worker RSS (MB)':38} {one['worker_rss_mb']:>10} {ten['worker_rss_mb']:>10}")
    print(
        f"\nUncached cost per rendered item (the report's: its visits + takeaways), 1× then 10×,"
        f" in worker-ms ({WORKERS} × 1000 ÷ req/s) and hello units (hello req/s ÷ page req/s):"
    )
    print(
        f"{'figure':22} {'items':>11} {'ms / item':>15} {'hello units / item':>20} {'10× / 1×':>9}"
    )
    for name in one["per_item"]:
        a, b = one["per_item"][name], ten["per_item"].get(name)
        if b:
            print(
                f"{name:22} {a['items']:>5} {b['items']:>5} {a['ms']:>7.2f} {b['ms']:>7.2f}"
                f" {a['hello_units']:>9.3f} {b['hello_units']:>10.3f}"
                f" {b['hello_units'] / a['hello_units']:>9.2f}"
            )
    load = results["load"]
    print(f"\nLoad: {load['clients']} clients × {load['seconds']} s on {', '.join(load['paths'])}:")
    print(f"  {load['requests']} requests, {load['rps']:.0f} req/s, {load['errors']} errors")
    print("\nTargets:")
    for t in results["targets"]:
        mark = "ok " if t["met"] else "MISS"
        print(f"  [{mark}] {t['target']}: {t['value']} (goal {t['goal']})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command, env, capture=False) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout if capture else ""


if __name__ == "__main__":
    main()
