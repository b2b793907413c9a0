"""Profile one public page, uncached, in this process: `python -m bench.profile /trips/1/`.

For finding what a page spends its time on when `make bench` says it misses a target.
It renders the page REPEAT times against the database DATABASE_URL names (seed it with
`seed_demo --scale N` first), with the collector kept off what start-up loaded, as
gunicorn.conf.py does, and prints pyinstrument's call tree. Development only.
"""

import gc
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

REPEAT = int(os.environ.get("PROFILE_REPEAT", 30))


def main(path: str):
    client = Client()
    separator = "&" if "?" in path else "?"

    def fetch(n):
        # A query string of its own, as bench/web.py does, so no page comes from the cache.
        response = client.get(f"{path}{separator}profile={n}", HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")

    fetch(0)  # the first request compiles templates and fills the URL resolvers
    gc.freeze()
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for n in range(1, REPEAT + 1):
            fetch(n)
    per_request = (time.perf_counter() - started) / REPEAT * 1000
    print(profiler.output_text(unicode=True, color=sys.stdout.isatty()))
    print(f"{path}: {per_request:.1f} ms a request over {REPEAT} (profiler included)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
