"""Print the database queries each public page makes, uncached, as JSON (run by bench/web.py)."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

counts = {}
client = Client()
for name, url in json.loads(sys.argv[1]).items():
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST="127.0.0.1")
    counts[name] = {"status": response.status_code, "queries": len(queries)}
print(json.dumps(counts))
