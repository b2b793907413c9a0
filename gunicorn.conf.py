"""gunicorn settings for production-like runs (`make serve`); environment overrides them."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Load the app once in the master: a worker forks ready to serve, so recycling one costs
# nothing, and the workers share the master's memory pages.
preload_app = True
# Recycle workers now and then so a slow leak can never grow without bound. Cached pages are
# served at over a thousand a second: a lower count would restart a worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50000))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "config.wsgi:application"


def pre_fork(server, worker):
    """Move what the master loaded out of the garbage collector's sight before forking.

    Django, the app and its templates are a few hundred thousand objects that live as long
    as the process; without this every full collection walks them all again (the report
    page spent a quarter of its time there) and, by touching them, copies the shared pages
    into each worker.
    """
    gc.freeze()
