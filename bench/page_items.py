"""Print, as JSON, how many items the priced pages render, read from the data (bench/web.py).

The report's public visits and takeaways (the figures it prints), and the rows on the first
page of the trip list and of the action board: at most a page, at most what is public.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from tours.models import ActionItem, Trip  # noqa: E402
from tours.public.views import ACTIONS_PER_PAGE, TRIPS_PER_PAGE  # noqa: E402
from tours.reports import build_report  # noqa: E402

figures = build_report(Trip.objects.public().get(pk=int(sys.argv[1]))).figures
items = {
    "report": {"visits": figures["visits"], "takeaways": figures["takeaways"]},
    "trips": min(TRIPS_PER_PAGE, Trip.objects.public().count()),
    "actions": min(ACTIONS_PER_PAGE, ActionItem.objects.public().count()),
}
print(json.dumps(items))
