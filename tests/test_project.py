"""Guards for the project as a whole: migrations, translations, roles."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_roles_exist_with_their_permissions_after_migrate():
    def perms(name):
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    editor, leader, owner = perms("录入员"), perms("审阅人"), perms("责任人")
    assert {"tours.add_trip", "tours.change_sitevisit", "tours.add_takeaway"} <= editor
    assert "tours.publish_trip" not in editor
    assert "tours.review_takeaway" not in editor
    assert {"tours.publish_trip", "tours.review_takeaway", "tours.view_trip"} <= leader
    assert "tours.change_trip" not in leader
    assert owner == {"tours.add_actionupdate"}


@pytest.fixture(scope="module")
def extracted_catalogue(tmp_path_factory) -> Path:
    """The Chinese catalogue as makemessages leaves it after reading the code afresh."""
    if not shutil.which("msgattrib"):
        pytest.fail("GNU gettext is missing: install it (apt-get install gettext).")
    copy = tmp_path_factory.mktemp("messages")
    for folder in ("common", "config", "people", "tours", "templates", "locale"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("*.mo"))
    env = {**os.environ, "DJANGO_DEBUG": "1", "PYTHONPATH": str(copy)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
    )
    return copy / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_string_is_translated_into_chinese(extracted_catalogue):
    """Extract the messages afresh and find none without a Chinese translation."""
    untranslated = _msgattrib("--untranslated", extracted_catalogue)
    fuzzy = _msgattrib("--only-fuzzy", extracted_catalogue)
    assert untranslated.count("msgid") <= 1, f"Untranslated strings:\n{untranslated}"
    assert "msgid" not in fuzzy.replace('msgid ""\nmsgstr ""', ""), f"Fuzzy:\n{fuzzy}"


def test_messages_of_jinja2_templates_are_extracted(extracted_catalogue):
    """Strings only the Jinja2 templates use stay in the catalogue, plurals included."""
    active = _msgattrib("--translated", extracted_catalogue)
    assert 'msgid "Day %(n)s"' in active  # _() with a value, itinerary.html
    assert 'msgid_plural "%(counter)s shared tags"' in active  # {% trans %}, body.html
    assert 'msgid "Gap = our value − benchmark value."' in active  # benchmarks.html


def _msgattrib(selection: str, po: Path) -> str:
    command = ["msgattrib", selection, "--no-obsolete", str(po)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_naming_a_bucket_stores_uploads_on_s3_compatible_storage():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_S3_BUCKET": "study-tours-media",
        "DJANGO_S3_ENDPOINT_URL": "https://minio.intranet.example:9000",
    }
    answer = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    storage = json.loads(answer.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "study-tours-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://minio.intranet.example:9000"
    assert storage["OPTIONS"]["querystring_auth"] is False
