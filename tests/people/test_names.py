"""A person is named in Chinese order, by their name rather than their account's user name,
on the desk, the review pages, the admin and in e-mails (people.names)."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from people.names import person_name
from tests import factories
from tours import services
from tours.models import Trip

pytestmark = pytest.mark.django_db


def rename(user, *, first, last, person=None):
    """An account whose first and last names Django would join as "伟明 黄"."""
    user.first_name, user.last_name = first, last
    user.save()
    if person is not None:
        user.participant.name = person
        user.participant.save()
    return user


class TestPersonName:
    def test_a_linked_account_is_shown_as_its_person(self, editor):
        rename(editor, first="Editor", last="Account", person="钱正华")
        assert person_name(editor) == "钱正华"

    def test_an_unlinked_account_shows_its_family_name_first_without_a_space(self, outsider):
        rename(outsider, first="伟明", last="黄")
        assert outsider.get_full_name() == "伟明 黄"  # what Django would show
        assert person_name(outsider) == "黄伟明"

    def test_an_account_without_names_shows_its_user_name(self, outsider):
        assert person_name(outsider) == "outsider"

    def test_nobody_is_no_name(self):
        assert person_name(None) == ""

    def test_the_template_filters_name_the_person(self, editor):
        from django.template import Context, Template

        rename(editor, first="伟明", last="黄", person="黄伟明")
        rendered = Template(
            "{% load people tours %}{{ user|person }}/{{ user|person_name }}"
        ).render(Context({"user": editor}))
        assert rendered == "黄伟明/黄伟明"


class TestOnTheLeadersPages:
    def test_the_desk_names_who_submitted_a_trip_by_their_person(self, client, editor, leader):
        rename(editor, first="伟明", last="黄", person="黄伟明")
        trip = factories.TripFactory(status="draft")
        Trip.objects.filter(pk=trip.pk).update(
            status="submitted", submitted_by=editor, submitted_at=timezone.now()
        )
        client.force_login(leader)

        for url in [reverse("tours:review-desk"), reverse("tours:review-trip", args=[trip.pk])]:
            page = client.get(url).content.decode()
            assert "黄伟明" in page, url
            assert "伟明 黄" not in page and "editor" not in page, url

    def test_the_reviewer_of_a_takeaway_is_named_by_their_person(self, client, leader):
        rename(leader, first="正华", last="钱", person="钱正华")
        trip = factories.TripFactory(status="submitted")
        takeaway = factories.TakeawayFactory(trip=trip, review_status="pending")
        services.review_takeaway(takeaway=takeaway, user=leader, decision="adopted")
        client.force_login(leader)

        page = client.get(reverse("tours:review-trip", args=[trip.pk]) + "?all=1")

        text = page.content.decode()
        assert "钱正华" in text and "正华 钱" not in text

    def test_the_staff_header_names_the_signed_in_person(self, client, leader):
        rename(leader, first="正华", last="钱", person="钱正华")
        client.force_login(leader)

        page = client.get(reverse("tours:review-desk")).content.decode()

        assert "钱正华" in page and "正华 钱" not in page


class TestInTheAdmin:
    def test_the_welcome_header_names_the_person(self, client, editor):
        rename(editor, first="伟明", last="黄", person="黄伟明")
        client.force_login(editor)

        page = client.get(reverse("admin:index")).content.decode()

        assert "<strong>黄伟明</strong>" in page

    def test_the_account_list_shows_each_accounts_person(self, client, superuser, editor):
        rename(editor, first="伟明", last="黄", person="黄伟明")
        unlinked = rename(factories.UserFactory(username="clerk"), first="小红", last="李")
        client.force_login(superuser)

        page = client.get(reverse("admin:auth_user_changelist")).content.decode()

        assert "黄伟明" in page and "李小红" in page
        assert unlinked.username in page

    def test_the_account_list_finds_an_account_by_its_persons_name(self, client, superuser, editor):
        rename(editor, first="", last="", person="黄伟明")
        client.force_login(superuser)

        page = client.get(reverse("admin:auth_user_changelist"), {"q": "黄伟明"})

        assert list(page.context["cl"].result_list) == [editor]

    def test_a_read_only_account_on_a_change_page_shows_its_person_and_stays_read_only(
        self, client, editor, leader
    ):
        rename(editor, first="伟明", last="黄", person="黄伟明")
        rename(leader, first="正华", last="钱", person="钱正华")
        trip = factories.TripFactory(status="draft")
        Trip.objects.filter(pk=trip.pk).update(submitted_by=editor, submitted_at=timezone.now())
        takeaway = factories.TakeawayFactory(trip=trip, review_status="pending")
        services.review_takeaway(takeaway=takeaway, user=leader, decision="adopted")
        client.force_login(editor)

        trip_page = client.get(reverse("admin:tours_trip_change", args=[trip.pk]))
        takeaway_page = client.get(reverse("admin:tours_takeaway_change", args=[takeaway.pk]))

        assert "黄伟明" in trip_page.content.decode()
        assert "钱正华" in takeaway_page.content.decode()
        assert "submitted_by" not in trip_page.context["adminform"].form.fields
        assert "reviewed_by" not in takeaway_page.context["adminform"].form.fields

    def test_the_list_of_progress_reports_names_their_authors_persons(self, client, editor, owner):
        rename(owner, first="志强", last="王", person="王志强")
        update = factories.ActionUpdateFactory(action=factories.ActionItemFactory())
        update.author = owner
        update.save()
        client.force_login(editor)

        page = client.get(reverse("admin:tours_actionupdate_changelist")).content.decode()

        assert "王志强" in page and ">owner<" not in page


class TestInEmails:
    def test_a_returned_trip_names_the_leader_and_the_editor_by_their_persons(
        self, editor, leader, django_capture_on_commit_callbacks
    ):
        rename(editor, first="伟明", last="黄", person="黄伟明")
        rename(leader, first="正华", last="钱", person="钱正华")
        editor.email = "huang@example.cn"
        editor.save()
        trip = factories.TripFactory(status="draft")
        Trip.objects.filter(pk=trip.pk).update(
            status="submitted", submitted_by=editor, submitted_at=timezone.now()
        )
        trip.refresh_from_db()

        with django_capture_on_commit_callbacks(execute=True):
            services.return_trip(trip=trip, user=leader, comment="请补充考察点。")

        [message] = mail.outbox
        assert "黄伟明" in message.body and "钱正华" in message.body
        assert "伟明 黄" not in message.body and "正华 钱" not in message.body
