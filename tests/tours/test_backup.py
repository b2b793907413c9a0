"""A backup restores into an empty database with nothing lost."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories
from tours.backup import _counts
from tours.models import ActionUpdate, Campaign, Photo, Takeaway, Trip

# Transactional: the test empties the whole database, as a fresh server would be.
pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_round_trips_records_history_tags_and_files(tmp_path, roles):
    call_command("seed_demo")
    trip = Trip.objects.get(title="赴广东佛山、中山、东莞等地学习考察")
    photo = factories.PhotoFactory(trip=trip, caption="北滘镇党群服务中心合影")
    photo_bytes = photo.image.read()
    update = ActionUpdate.objects.first()
    update.evidence.save("方案.pdf", ContentFile(b"%PDF-1.4 evidence"))
    before = _counts()
    tags_before = sorted(Takeaway.objects.get(pk=trip.takeaways.first().pk).tags.names())
    history_before = trip.history.count()
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", output=archive)
    call_command("flush", interactive=False, verbosity=0)
    photo.image.storage.delete(photo.image.name)
    update.evidence.storage.delete(update.evidence.name)
    assert not Trip.objects.exists()

    call_command("restore", archive)

    assert _counts() == before
    restored = Trip.objects.get(pk=trip.pk)
    assert restored.title == trip.title
    assert restored.history.count() == history_before
    assert sorted(restored.takeaways.first().tags.names()) == tags_before
    assert Photo.objects.get(pk=photo.pk).image.read() == photo_bytes
    assert ActionUpdate.objects.get(pk=update.pk).evidence.read() == b"%PDF-1.4 evidence"
    from django.contrib.auth.models import Group

    assert Group.objects.get(name="审阅人").permissions.filter(codename="publish_trip").exists()


def test_restore_refuses_a_database_that_already_holds_trips(tmp_path):
    factories.TripFactory()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive)
    with pytest.raises(CommandError, match="fresh"):
        call_command("restore", archive)


def test_records_of_different_kinds_with_the_same_key_keep_their_own_tags(tmp_path, roles):
    # One key for all three: taggit's natural key (the object id alone) would merge them.
    trip = factories.TripFactory(pk=900001)
    takeaway = factories.TakeawayFactory(pk=900001, trip=trip)
    campaign = Campaign.objects.create(pk=900001, title="乡镇党委书记赴浙江学习活动", year=2024)
    trip.tags.add("招商引资", "产业链")
    takeaway.tags.add("营商环境")
    campaign.tags.add("乡村振兴")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive)
    call_command("flush", interactive=False, verbosity=0)

    call_command("restore", archive)

    assert sorted(Trip.objects.get().tags.names()) == ["产业链", "招商引资"]
    assert list(Takeaway.objects.get().tags.names()) == ["营商环境"]
    assert list(Campaign.objects.get().tags.names()) == ["乡村振兴"]
