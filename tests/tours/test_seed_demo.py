import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from PIL import Image

from people.models import Organization, Participant
from tours.models import (
    ActionItem,
    ActionReturn,
    DeadlineExtension,
    Photo,
    Question,
    SiteVisit,
    SupervisionNotice,
    Takeaway,
    Trip,
)

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
    # Each copy of the big trip walks the follow-up loop on its own dates.
    for big in Trip.objects.filter(title__startswith="赴广东佛山、中山、东莞等地学习考察"):
        assert big.instructions.filter(feedback_sent_at__isnull=False).count() == 1
        assert ActionReturn.objects.filter(action__trip=big).count() == 1


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


def meaningful_words(text, takeaways):
    """The words of `text` that say what it is about: two characters or more, and used by
    fewer than a tenth of the trip's takeaways (not 企业, 我区 or a host's city)."""
    import jieba

    words = {w for w in jieba.lcut(text) if len(w) >= 2 and not w.isdigit()}
    return {w for w in words if sum(w in t for t in takeaways) < len(takeaways) / 10}


def test_every_demo_action_comes_from_takeaways_that_say_what_it_acts_on():
    call_command("seed_demo", stdout=io.StringIO())
    big = Trip.objects.get(title="赴广东佛山、中山、东莞等地学习考察")
    texts = list(big.takeaways.values_list("text", flat=True))
    for action in big.action_items.top_level().prefetch_related("source_takeaways"):
        sources = list(action.source_takeaways.all())
        assert sources, action.title
        words = meaningful_words(action.title, texts)
        for source in sources:
            assert source.trip_id == big.pk
            assert any(word in source.text for word in words), (action.title, source.text)


@pytest.mark.usefixtures("demo")
class TestTheDemoShowsTheFollowUpLoop:
    """One seeded demo for the class: what a leader and an owner find when they open it."""

    @pytest.fixture(scope="class")
    @classmethod
    def demo(cls, django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            cls.passwords = dict(
                line.split()[:2] for line in out.getvalue().splitlines() if line.startswith("  ")
            )
            yield
            transaction.set_rollback(True)

    @pytest.fixture
    def big(self):
        return Trip.objects.get(title="赴广东佛山、中山、东莞等地学习考察")

    def sign_in(self, client, username):
        response = client.post(
            "/accounts/login/", {"username": username, "password": self.passwords[username]}
        )
        assert response.status_code == 302, username

    def test_an_item_is_split_into_three_weighted_subtasks_whose_progress_rolls_up(self, big):
        parent = big.action_items.get(subtasks__isnull=False, subtasks__weight=3)
        subtasks = list(parent.subtasks.all())
        assert len(subtasks) == 3
        assert len({t.weight for t in subtasks}) == 3
        assert all(t.updates.exists() and t.progress > 0 for t in subtasks)
        mean = sum(t.progress * t.weight for t in subtasks) / sum(t.weight for t in subtasks)
        assert parent.progress == round(mean)
        assert not parent.updates.exists()

    def test_an_item_was_returned_once_with_a_comment_and_taken_up_again(self, big):
        returned = ActionReturn.objects.get(action__trip=big)
        assert returned.comment and returned.returned_by.username == "leader"
        later = returned.action.updates.filter(created_at__gt=returned.returned_at)
        assert later.count() >= 2
        assert returned.action.status == ActionItem.Status.DONE

    def test_an_approved_extension_keeps_the_original_due_date(self, big):
        extension = DeadlineExtension.objects.approved().get(action__trip=big)
        action = extension.action
        assert action.original_due_date == extension.previous_due_date
        assert action.original_due_date < action.due_date == extension.due_date
        assert extension.decided_by.username == "leader" and extension.comment
        assert DeadlineExtension.objects.pending().filter(action__trip=big).exists()

    def test_a_red_notice_was_issued_and_acknowledged_by_the_owner(self, big):
        notice = SupervisionNotice.objects.get(action__trip=big, level="red")
        assert notice.issued_by.username == "leader"
        assert notice.acknowledged_by.participant == notice.action.owner
        assert notice.issued_at < notice.acknowledged_at
        assert notice.action.is_overdue

    def test_owners_signed_for_their_items_but_one(self, big):
        items = list(big.action_items.top_level().select_related("acknowledged_by__participant"))
        unsigned = [item for item in items if not item.is_acknowledged]
        assert len(unsigned) == 1
        for item in items:
            if item.is_acknowledged:
                signer = item.acknowledged_by.participant
                assert signer.organization_id == item.owner_organization_id
                assert item.created_at < item.acknowledged_at

    def test_a_co_responsible_unit_reported_on_the_item_it_helps_with(self, big):
        helped = big.action_items.get(support_organizations__isnull=False)
        units = set(helped.support_organizations.all())
        theirs = [u for u in helped.updates.all() if u.organization in units]
        assert theirs and all(u.is_from_support_unit for u in theirs)

    def test_an_instruction_whose_items_are_all_closed_sent_its_completion_report(self, big):
        answered = big.instructions.get(feedback_sent_at__isnull=False)
        statuses = set(answered.action_items.values_list("status", flat=True))
        assert statuses == {ActionItem.Status.CLOSED}
        last_closed = max(answered.action_items.values_list("closed_at", flat=True))
        assert answered.feedback_sent_at >= last_closed
        assert big.instructions.filter(feedback_sent_at__isnull=True).exists()

    def test_an_item_was_cancelled_by_a_leader_on_its_day_with_the_reason(self, big):
        cancelled = big.action_items.get(status=ActionItem.Status.CANCELLED)
        assert cancelled.cancelled_by.username == "leader"
        assert "并入全区农文旅融合发展规划" in cancelled.cancel_reason
        assert timezone.localdate(cancelled.cancelled_at) == big.end_date + datetime.timedelta(30)
        record = cancelled.history.first()
        assert record.history_change_reason.startswith("已取消：并入全区")
        assert record.history_user.username == "leader"

    def test_each_step_is_on_record_on_its_own_day_with_who_took_it(self, big):
        end = datetime.datetime.combine(big.end_date, datetime.time(), tzinfo=datetime.UTC)
        records = ActionItem.history.filter(trip=big)
        assert records.exists() and not records.filter(history_user__isnull=True).exists()
        assert not records.filter(history_date__lt=end).exists()
        assert not records.filter(history_date__gt=timezone.now()).exists()
        # Not all on one day, as a loop walked in one go would be.
        assert records.dates("history_date", "day").count() >= 20
        assert not mail.outbox

    def test_owners_sign_in_and_find_their_items_and_the_leaders_words(self, client, big):
        returned = ActionReturn.objects.get(action__trip=big)
        self.sign_in(client, returned.action.owner.user.username)
        listing = client.get("/my-actions/").content.decode()
        assert returned.action.title in listing
        page = client.get(f"/my-actions/{returned.action.pk}/").content.decode()
        assert returned.comment in page

        notice = SupervisionNotice.objects.get(action__trip=big, level="red")
        client.logout()
        self.sign_in(client, "owner")
        page = client.get(f"/my-actions/{notice.action.pk}/").content.decode()
        assert notice.text in page

    def test_leaders_find_the_loop_on_their_follow_up_page(self, client, big):
        self.sign_in(client, "leader")
        response = client.get("/review/actions/")
        assert response.status_code == 200
        page = response.content.decode()
        parent = big.action_items.get(subtasks__isnull=False, subtasks__weight=3)
        assert parent.title in page
        counts = {a["kind"]: a["count"] for a in response.context["attention"]}
        assert all(counts[kind] >= 1 for kind in ActionItem.Attention.values), counts
