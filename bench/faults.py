"""Fault tests for `make bench` (loopback only, bounded in time), results in bench/faults.json.

1. SQLite under concurrent writers: four processes post progress updates through the
   service for 30 s; no "database is locked" may reach anyone and no update may be lost.
2. PostgreSQL restarted under load: gunicorn answers every request with the page or a
   clean 503 (never a 500) and recovers by itself once the database is back. This restarts
   the machine's PostgreSQL cluster, so it runs only where `pg_ctlcluster` can (as root).
"""

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import base_env, gunicorn, run  # noqa: E402

PYTHON = sys.executable
WRITERS = 4
WRITE_SECONDS = int(os.environ.get("BENCH_WRITE_SECONDS", 30))
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
FAULT_DB = "bench_faults"


def main():
    workdir = Path(tempfile.mkdtemp(prefix="tours-faults-"))
    try:
        env = base_env(workdir, workdir / "static")
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        results = {"sqlite_writers": sqlite_writers(workdir, env)}
        results["postgres_restart"] = postgres_restart(workdir, env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out = ROOT / "bench" / "faults.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report(results)
    writers, restart = results["sqlite_writers"], results["postgres_restart"]
    ok = writers["errors"] == 0 and writers["lost"] == 0
    ok = ok and (restart.get("skipped") or (restart["server_errors"] == 0 and restart["recovered"]))
    sys.exit(0 if ok else 1)


def sqlite_writers(workdir, env) -> dict:
    env = env | {"DATABASE_URL": f"sqlite:///{workdir / 'writers.sqlite3'}"}
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "seed_demo"], env)
    with multiprocessing.get_context("spawn").Pool(WRITERS) as pool:
        outcomes = pool.starmap(_write_updates, [(env, n) for n in range(WRITERS)])
    posted = sum(o["posted"] for o in outcomes)
    stored = int(
        run(
            [PYTHON, "-c", _COUNT_SCRIPT],
            env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
            capture=True,
        )
    )
    errors = [e for o in outcomes for e in o["errors"]]
    return {
        "processes": WRITERS,
        "seconds": WRITE_SECONDS,
        "posted": posted,
        "stored": stored,
        "lost": posted - stored,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "updates_per_second": round(posted / WRITE_SECONDS, 1),
    }


_COUNT_SCRIPT = """
import django; django.setup()
from tours.models import ActionUpdate
print(ActionUpdate.objects.filter(note__startswith="压力测试").count())
"""


def _write_updates(env, worker) -> dict:
    """One writer process: post updates on the demo owner's items until time is up."""
    os.environ.update(env | {"DJANGO_SETTINGS_MODULE": "config.settings"})
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from tours.models import ActionItem
    from tours.services import post_action_update

    owner = get_user_model().objects.get(username="owner")
    actions = list(ActionItem.objects.for_owner(owner).filter(status__in=("in_progress",)))
    actions += list(ActionItem.objects.for_owner(owner).filter(status="not_started"))
    posted, errors, n = 0, [], 0
    deadline = time.monotonic() + WRITE_SECONDS
    while time.monotonic() < deadline:
        n += 1
        action = actions[(worker + n) % len(actions)]
        try:
            post_action_update(
                action=action,
                user=owner,
                progress=10 + (n * 7 + worker) % 80,
                note=f"压力测试：进程{worker}第{n}次报送进展。",
            )
            posted += 1
        except Exception as error:  # every failure a user would see counts
            errors.append(f"{type(error).__name__}: {error}"[:120])
    return {"posted": posted, "errors": errors}


def postgres_restart(workdir, env) -> dict:
    clusters = Path("/etc/postgresql")
    if not shutil.which("pg_ctlcluster") or os.geteuid() != 0 or not clusters.exists():
        return {"skipped": "needs root and pg_ctlcluster to restart PostgreSQL"}
    version = sorted(p.name for p in clusters.iterdir())[-1]
    psql = ["psql", POSTGRES + "postgres", "-q", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {FAULT_DB}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {FAULT_DB}"], check=True)
    env = env | {"DATABASE_URL": POSTGRES + FAULT_DB}
    try:
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "seed_demo"], env)
        statuses, stop = [], threading.Event()
        with gunicorn(env) as (base, _master):
            client = threading.Thread(target=_hammer, args=(base, statuses, stop))
            client.start()
            time.sleep(3)
            restart_at = len(statuses)
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                check=True,
            )
            restarted_at = len(statuses)
            time.sleep(8)
            stop.set()
            client.join()
        during = statuses[restart_at : restarted_at + 20]
        after = statuses[-20:]
        return {
            "requests": len(statuses),
            "ok": statuses.count(200),
            "unavailable_503": statuses.count(503),
            "server_errors": sum(1 for s in statuses if s >= 500 and s != 503),
            "statuses_around_restart": sorted(set(during)),
            "recovered": bool(after) and all(s == 200 for s in after),
        }
    finally:
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {FAULT_DB} WITH (FORCE)"], check=False)


def _hammer(base, statuses, stop):
    n = 0
    while not stop.is_set():
        n += 1
        try:
            # A fresh query string each time: every request reaches the database.
            with urllib.request.urlopen(f"{base}/trips/?fault={n}", timeout=10) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
        except OSError:
            statuses.append(0)  # connection refused: the server itself went away
        time.sleep(0.02)


def report(results):
    writers = results["sqlite_writers"]
    print(
        f"SQLite, {writers['processes']} writer processes × {writers['seconds']} s: "
        f"{writers['posted']} updates posted ({writers['updates_per_second']}/s), "
        f"{writers['stored']} stored, {writers['lost']} lost, {writers['errors']} errors"
    )
    restart = results["postgres_restart"]
    if restart.get("skipped"):
        print(f"PostgreSQL restart: skipped ({restart['skipped']})")
    else:
        print(
            f"PostgreSQL restart under load: {restart['requests']} requests, "
            f"{restart['ok']} ok, {restart['unavailable_503']} clean 503, "
            f"{restart['server_errors']} server errors, recovered: {restart['recovered']}"
        )


if __name__ == "__main__":
    main()
