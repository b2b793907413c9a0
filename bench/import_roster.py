"""Benchmark: import a 1,000-row roster (.xlsx) into a trip; the target is ≤ 3 s.

Times the whole import a 录入员 waits for, from the uploaded bytes to the saved rows
(reading, planning, saving with history), then the same file again (nothing changes).
Runs on a fresh test database (SQLite in memory, or DATABASE_URL's engine); prints the
figures and writes bench/import_roster.json.

    DJANGO_DEBUG=1 .venv/bin/python bench/import_roster.py
"""

import datetime
import io
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
from django.test.utils import setup_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402

ROWS = 1000
TARGET_SECONDS = 3.0
UNITS = [f"梁平区第{n}街道办事处" for n in range(40)]
TITLES = ["主任", "副主任", "科长", "党委书记", "副镇长"]
ROLES = ["团员"] * 8 + ["联络员", "工作人员"]


def roster_xlsx(rows: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "性别", "单位", "职务", "团内角色", "手机", "备注"])
    for n in range(rows):
        sheet.append(
            [
                f"学员{n:04d}",
                "男" if n % 2 else "女",
                UNITS[n % len(UNITS)],
                TITLES[n % len(TITLES)],
                "团长" if n == 0 else ROLES[n % len(ROLES)],
                f"139{n:08d}",
                "",
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def timed(trip, content: bytes):
    from tours.services import import_sheet
    from tours.sheets import read_sheet

    started = time.perf_counter()
    table = read_sheet(io.BytesIO(content), "roster")
    preview = import_sheet(trip=trip, user=None, sheet="roster", table=table)
    return time.perf_counter() - started, preview


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tours.models import Trip

        trip = Trip.objects.create(
            title="赴广东中山学习考察",
            start_date=datetime.date(2024, 2, 26),
            end_date=datetime.date(2024, 3, 1),
        )
        content = roster_xlsx(ROWS)
        first, preview = timed(trip, content)
        assert preview.created == ROWS, preview.errors[:3]
        again, preview = timed(trip, content)
        assert preview.unchanged == ROWS
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    result = {
        "benchmark": "import_roster",
        "rows": ROWS,
        "database": connection.vendor,
        "first_import_seconds": round(first, 3),
        "reimport_seconds": round(again, 3),
        "target_seconds": TARGET_SECONDS,
        "passed": first <= TARGET_SECONDS and again <= TARGET_SECONDS,
    }
    print(
        f"import_roster: {ROWS} rows imported in {first:.2f} s, "
        f"re-imported (no change) in {again:.2f} s on {connection.vendor} "
        f"(target ≤ {TARGET_SECONDS:.0f} s)"
    )
    (ROOT / "bench" / "import_roster.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
