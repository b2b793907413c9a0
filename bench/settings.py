"""Production settings plus one bare view, the ceiling a Django page can reach."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
