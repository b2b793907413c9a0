"""Benchmark: open and save the admin page of a trip as large as the sheet importers allow.

Builds a trip with `MAX_ROWS` members (the roster importer's limit), then one with as many
site visits and one with as many action items, and times what a 录入员 waits for: opening
the trip's page and saving its title from that page. Prints the figures and writes
bench/trip_admin.json. Runs on a fresh test database (SQLite in memory, or DATABASE_URL's).

    DJANGO_DEBUG=1 .venv/bin/python bench/trip_admin.py [members site_visits action_items]
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

TARGET_SECONDS = 2.0
PARTS = ("members", "site_visits", "action_items")


def build(part: str, rows: int):
    from tests import factories
    from tours.models import ActionItem, SiteVisit, TripMember

    trip = factories.TripFactory(status="draft")
    unit = factories.OrganizationFactory(name="梁平区经济和信息化委员会")
    if part == "members":
        people = factories.ParticipantFactory.build_batch(rows, organization=unit)
        type(people[0]).objects.bulk_create(people)
        TripMember.objects.bulk_create(
            TripMember(trip=trip, participant=p, order=i) for i, p in enumerate(people)
        )
    elif part == "site_visits":
        SiteVisit.objects.bulk_create(
            factories.SiteVisitFactory.build(trip=trip, order=i, host_organization=unit)
            for i in range(rows)
        )
    else:
        ActionItem.objects.bulk_create(
            factories.ActionItemFactory.build(trip=trip, owner_organization=unit)
            for _ in range(rows)
        )
    return trip


def measure(client, trip) -> dict:
    from tests.admin_forms import form_data

    url = reverse("admin:tours_trip_change", args=[trip.pk])
    queries = []
    started = time.perf_counter()
    # Counted by a wrapper: the debug log keeps the last 9,000 queries only.
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        page = client.get(url)
    opened = time.perf_counter() - started
    data = form_data(page)
    data["title"] = "赴广东中山学习考察（改）"
    started = time.perf_counter()
    saved = client.post(url, data)
    save_seconds = time.perf_counter() - started
    return {
        "open_seconds": round(opened, 3),
        "html_bytes": len(page.content),
        "queries": len(queries),
        "posted_fields": len(data),
        "save_status": saved.status_code,
        "save_seconds": round(save_seconds, 3),
    }


def main():
    from django.contrib.auth.models import Group

    from tests import factories
    from tours.sheets.reading import MAX_ROWS

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    results = {}
    try:
        editor = factories.UserFactory(username="editor", is_staff=True)
        editor.groups.add(Group.objects.get(name="录入员"))
        client = Client()
        client.force_login(editor)
        for part in sys.argv[1:] or PARTS:
            results[part] = r = measure(client, build(part, MAX_ROWS))
            print(
                f"trip_admin: {MAX_ROWS} {part}: opened in {r['open_seconds']:.2f} s "
                f"({r['html_bytes'] / 1e6:.2f} MB, {r['queries']} queries), saved "
                f"{r['posted_fields']} fields → {r['save_status']} in {r['save_seconds']:.2f} s",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    passed = all(
        r["save_status"] == 302 and r["open_seconds"] <= TARGET_SECONDS for r in results.values()
    )
    result = {
        "benchmark": "trip_admin",
        "rows": MAX_ROWS,
        "database": connection.vendor,
        **results,
        "target_seconds": TARGET_SECONDS,
        "passed": passed,
    }
    (ROOT / "bench" / "trip_admin.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
