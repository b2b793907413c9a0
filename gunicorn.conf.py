"""gunicorn settings for production-like runs (`make serve`); environment overrides them."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "config.wsgi:application"


def post_worker_init(worker):
    """Move what the worker loaded at start-up out of the garbage collector's sight.

    Django, the app and its templates are a few hundred thousand objects that live as long
    as the worker; without this every full collection walks them all again. The report
    page spends about a quarter of its time there (bench/web.py measures it).
    """
    gc.freeze()
