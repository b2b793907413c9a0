"""The documented production environment passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k9#Tq2!vLr8@wZp4$Xm7^Nc1&Hs6*Jd3(Fg5)Yb0-Ue2+Oi9=Aa4_Ll7~Qq3Ww8Ee",
    "DJANGO_ALLOWED_HOSTS": "tours.example.gov.cn",
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://tours.example.gov.cn",
}


def test_check_deploy_reports_nothing_in_the_documented_production_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= PRODUCTION | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env | {"DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=os.environ | {"DJANGO_DEBUG": "maybe"},
        capture_output=True,
        text=True,
    )
    assert "DJANGO_DEBUG must be one of" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("tours:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_healthz_checks_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_a_lost_database_answers_503_in_chinese_not_500(client, monkeypatch):
    from django.db import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1:5432 failed")

    monkeypatch.setattr("tours.public.views.build_report", unreachable)
    from tests import factories

    trip = factories.TripFactory()
    client.raise_request_exception = False
    response = client.get(trip.get_absolute_url())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "服务暂时不可用" in response.content.decode()


def test_errors_are_logged_as_json_lines():
    import json
    import logging

    from config.ops import JsonFormatter

    try:
        raise ValueError("坏数据")
    except ValueError:
        record = logging.makeLogRecord(
            {"name": "django.request", "levelname": "ERROR", "msg": "Internal Server Error"}
        )
        import sys

        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and "坏数据" in entry["exception"]


def test_the_favicon_browsers_ask_for_exists(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_every_response_turns_camera_microphone_and_location_off(client):
    policy = "camera=(), microphone=(), geolocation=()"
    client.get("/")  # the next one is served from the page cache
    for url in ("/", "/trips/", "/static/img/favicon.svg", "/healthz", "/no-such-page/"):
        response = client.get(url)
        assert response.headers["Permissions-Policy"] == policy, url
    assert client.get("/static/img/favicon.svg").streaming  # from WhiteNoise, not a view


def settings_in(environment: dict) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process with `environment`, printing what they chose."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    code = (
        "import config.settings as s; "
        "print(s.TRUSTED_PROXIES, s.AXES_CLIENT_IP_CALLABLE, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | {"DJANGO_DEBUG": "1"} | environment,
        capture_output=True,
        text=True,
    )


def test_behind_the_proxy_login_lockouts_use_the_forwarded_address():
    result = settings_in({"DJANGO_BEHIND_PROXY": "1"})
    assert result.stdout.startswith("1 config.ops.client_ip_address"), result.stderr
    two = settings_in({"DJANGO_BEHIND_PROXY": "1", "DJANGO_TRUSTED_PROXIES": "2"})
    assert two.stdout.startswith("2 config.ops.client_ip_address"), two.stderr


def test_without_the_proxy_the_forwarded_address_is_never_read():
    result = settings_in({})
    assert result.stdout.strip() == "0 None None", result.stderr


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_TRUSTED_PROXIES": "two"}, "must be an integer"),
        ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_TRUSTED_PROXIES": "0"}, "must be 1 or more"),
        ({"DJANGO_TRUSTED_PROXIES": "1"}, "only read with DJANGO_BEHIND_PROXY=1"),
    ],
)
def test_a_bad_proxy_setting_fails_loudly(environment, message):
    result = settings_in(environment)
    assert result.returncode != 0
    assert message in result.stderr
