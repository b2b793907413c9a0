"""Reviewed takeaways stay as leaders approved them: an edit sends them back for review."""

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_forms import form_data
from tours import services
from tours.models import Takeaway

pytestmark = pytest.mark.django_db

SENT_BACK = "1条已审阅的收获被修改，已退回审阅人重新审阅，不再公开。"
NEW_TEXT = "推行链长制，由区领导担任链长。另附：招商引资奖励标准翻倍。"


@pytest.fixture
def adopted(leader):
    trip = factories.TripFactory(status="published", title="赴广东中山学习考察")
    factories.SiteVisitFactory(trip=trip)
    return factories.TakeawayFactory(
        trip=trip, review_status="adopted", text="推行链长制，由区领导担任链长。"
    )


def change_url(takeaway):
    return reverse("admin:tours_takeaway_change", args=[takeaway.pk])


def trip_change_url(trip):
    return reverse("admin:tours_trip_change", args=[trip.pk])


def status_of(takeaway):
    takeaway.refresh_from_db()
    return takeaway.review_status


class TestOnItsOwnPage:
    def test_editing_an_adopted_takeaways_text_returns_it_to_pending(self, client, editor, adopted):
        client.force_login(editor)
        data = form_data(client.get(change_url(adopted)))
        data["text"] = NEW_TEXT

        response = client.post(change_url(adopted), data, follow=True)

        assert response.status_code == 200
        assert status_of(adopted) == Takeaway.ReviewStatus.PENDING
        assert adopted.text == NEW_TEXT
        assert SENT_BACK in response.content.decode()

    def test_a_new_speaker_is_also_a_change_to_review(self, client, editor, adopted):
        client.force_login(editor)
        data = form_data(client.get(change_url(adopted)))
        data["speaker"] = factories.ParticipantFactory(name="另一位讲话人").pk
        client.post(change_url(adopted), data)
        assert status_of(adopted) == Takeaway.ReviewStatus.PENDING

    def test_making_a_reviewed_takeaway_private_keeps_its_review(self, client, editor, adopted):
        client.force_login(editor)
        data = form_data(client.get(change_url(adopted)))
        del data["is_public"]
        client.post(change_url(adopted), data)
        assert status_of(adopted) == Takeaway.ReviewStatus.ADOPTED

    def test_admin_warns_before_editing_a_reviewed_takeaway(self, client, editor, adopted):
        client.force_login(editor)
        page = client.get(change_url(adopted)).content.decode()
        assert "审阅人已审阅这条收获。修改其内容、类型或讲话人会将其退回审阅人重新审阅" in page

    def test_no_warning_on_a_pending_takeaway(self, client, editor, adopted):
        Takeaway.objects.filter(pk=adopted.pk).update(review_status="pending")
        client.force_login(editor)
        page = client.get(change_url(adopted)).content.decode()
        assert "审阅人已审阅这条收获" not in page

    def test_reedited_takeaway_leaves_the_public_report(
        self, client, editor, adopted, django_capture_on_commit_callbacks
    ):
        report = adopted.trip.get_absolute_url()
        assert "推行链长制，由区领导担任链长。" in client.get(report).content.decode()
        client.force_login(editor)
        data = form_data(client.get(change_url(adopted)))
        data["text"] = NEW_TEXT
        with django_capture_on_commit_callbacks(execute=True):
            client.post(change_url(adopted), data)
        client.logout()

        page = client.get(report).content.decode()

        assert "推行链长制" not in page

    def test_reedited_takeaway_leaves_the_public_search(
        self, client, editor, adopted, django_capture_on_commit_callbacks
    ):
        search = reverse("tours:search") + "?q=链长制"
        # Matches are marked up in the snippet; the words around them are not.
        assert "由区领导担任" in client.get(search).content.decode()
        client.force_login(editor)
        data = form_data(client.get(change_url(adopted)))
        data["text"] = NEW_TEXT
        with django_capture_on_commit_callbacks(execute=True):
            client.post(change_url(adopted), data)
        client.logout()

        assert "由区领导担任" not in client.get(search).content.decode()

    def test_the_record_of_the_last_review_stays(self, client, editor, leader, adopted):
        services.review_takeaway(takeaway=adopted, user=leader, decision="featured")
        client.force_login(editor)
        data = form_data(client.get(change_url(adopted)))
        data["text"] = NEW_TEXT
        client.post(change_url(adopted), data)
        adopted.refresh_from_db()
        assert (adopted.review_status, adopted.reviewed_by) == ("pending", leader)
        assert adopted.history.first().history_user == editor


class TestOnTheTripPage:
    def test_inline_edit_of_featured_takeaway_returns_it_to_pending(self, client, editor, adopted):
        Takeaway.objects.filter(pk=adopted.pk).update(review_status="featured")
        client.force_login(editor)
        page = client.get(trip_change_url(adopted.trip))
        assert "修改其内容、类型或讲话人会将其退回重新审阅。" in page.content.decode()
        data = form_data(page)
        data["takeaways-0-text"] = NEW_TEXT

        response = client.post(trip_change_url(adopted.trip), data, follow=True)

        assert status_of(adopted) == Takeaway.ReviewStatus.PENDING
        assert SENT_BACK in response.content.decode()

    def test_saving_the_trip_page_without_touching_a_takeaway_keeps_its_review(
        self, client, editor, adopted
    ):
        client.force_login(editor)
        data = form_data(client.get(trip_change_url(adopted.trip)))
        data["theme"] = "学习产业链招商"
        assert client.post(trip_change_url(adopted.trip), data).status_code == 302
        assert status_of(adopted) == Takeaway.ReviewStatus.ADOPTED


class TestOtherPaths:
    def test_restoring_an_earlier_text_from_the_history_returns_it_to_pending(
        self, client, superuser, leader
    ):
        trip = factories.TripFactory(status="published")
        takeaway = factories.TakeawayFactory(trip=trip, review_status="adopted", text="初稿")
        first_adopted = takeaway.history.get()
        takeaway.text = "定稿"
        takeaway.save()
        services.review_takeaway(takeaway=takeaway, user=leader, decision="adopted")
        revert_url = reverse(
            "admin:tours_takeaway_simple_history", args=[takeaway.pk, first_adopted.pk]
        )
        client.force_login(superuser)

        client.post(revert_url, form_data(client.get(revert_url)))

        takeaway.refresh_from_db()
        assert takeaway.text == "初稿"
        assert takeaway.review_status == Takeaway.ReviewStatus.PENDING

    def test_a_leaders_decision_is_kept(self, leader, adopted):
        services.review_takeaway(takeaway=adopted, user=leader, decision="featured")
        assert status_of(adopted) == Takeaway.ReviewStatus.FEATURED


def test_the_review_page_says_a_pending_takeaway_was_edited_since_its_review(
    client, editor, leader, adopted
):
    services.review_takeaway(takeaway=adopted, user=leader, decision="adopted")
    adopted.text = NEW_TEXT
    adopted.save()
    client.force_login(leader)
    page = client.get(reverse("tours:review-trip", args=[adopted.trip.pk])).content.decode()
    assert NEW_TEXT in page
    assert "审阅后已被修改" in page
