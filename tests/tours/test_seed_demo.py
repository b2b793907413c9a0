import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from people.models import Organization, Participant
from tours.models import ActionItem, Photo, Question, SiteVisit, Takeaway, Trip

pytestmark = pytest.mark.django_db

MODELS = [Organization, Participant, Trip, SiteVisit, Takeaway, Question, ActionItem, Photo]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_running_it_twice_changes_nothing():
    call_command("seed_demo", stdout=None)
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_the_demo_has_what_a_real_office_would_enter(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ("admin", "editor", "leader", "owner"):
        assert username in out

    big = Trip.objects.get(title="赴广东佛山、中山、东莞等地学习考察")
    assert big.status == Trip.Status.PUBLISHED
    assert big.site_visits.count() >= 40
    assert big.site_visits.dates("date", "day").count() >= 5
    assert big.takeaways.count() >= 120
    assert set(big.takeaways.values_list("kind", flat=True)) == set(Takeaway.Kind.values)
    assert all(t.tags.exists() for t in big.takeaways.all()[:20])
    assert big.questions.exclude(answer="").count() >= 5
    assert big.indicators.count() >= 5
    assert big.action_items.count() >= 10
    assert set(big.action_items.values_list("status", flat=True)) == set(ActionItem.Status.values)
    assert big.action_items.overdue().exists()

    statuses = Counter(Trip.objects.values_list("status", flat=True))
    assert statuses["draft"] >= 1 and statuses["submitted"] >= 1
    assert len(set(Trip.objects.values_list("kind", flat=True))) >= 4


def test_demo_users_have_their_roles():
    call_command("seed_demo")
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert users["editor"].groups.filter(name="录入员").exists()
    assert users["leader"].groups.filter(name="审阅人").exists()
    assert users["owner"].groups.filter(name="责任人").exists()
    assert users["owner"].participant.action_items.exists()


def test_scale_multiplies_the_trips():
    call_command("seed_demo", scale=2)
    # Five trips a batch, and the other shapes once: three delegations, a class, a
    # placement, an investment mission.
    assert Trip.objects.count() == 2 * 5 + 6
    assert Trip.objects.filter(title__endswith="（第2批）").count() == 5


def test_passwords_are_random_when_debug_is_off(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "editor-demo-2024" not in out


def test_the_demo_trip_has_clean_photos_sorted_onto_its_visits():
    call_command("seed_demo")
    big = Trip.objects.get(title="赴广东佛山、中山、东莞等地学习考察")
    photos = list(big.photos.select_related("site_visit"))
    assert len(photos) >= 6
    assert all(p.site_visit is not None and p.taken_at for p in photos)
    assert big.photos.public().count() >= 4
    assert big.photos.filter(is_public=False).exists()
    assert big.photos.filter(is_public=True, site_visit__is_public=False).exists()
    assert big.cover_photo in big.photos.public()
    stored = default_storage.open(photos[0].image.name).read()
    assert len(Image.open(io.BytesIO(stored)).getexif()) == 0


@pytest.mark.django_db
def test_the_demo_desk_lists_no_edits_of_trips_filled_in_after_publication(client):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="leader"))
    assert not client.get("/review/").context["edited"]
