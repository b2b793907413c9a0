"""Nobody gets around the workflow through the admin (DESIGN.md, "Integrity").

Workflow fields change only through the services; a history revert is a change like any
other; only account managers link a person to an account.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from people.models import Participant
from tests import factories
from tests.admin_forms import form_data
from tours import services
from tours.models import ActionItem, ActionUpdate, Takeaway, Trip

pytestmark = pytest.mark.django_db


def version_url(obj, record):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def oldest(obj):
    return obj.history.order_by("history_date").first()


def revert(client, obj, record):
    """Press 还原 on a version's page, with the form as it was shown."""
    url = version_url(obj, record)
    return client.post(url, form_data(client.get(url)))


def owner_in_unit(organization):
    user = factories.UserFactory(username="zhangsan")
    user.groups.add(Group.objects.get(name="责任人"))
    factories.ParticipantFactory(user=user, organization=organization)
    return user


class TestHistoryRevert:
    def test_editor_who_may_only_view_cannot_revert_an_instruction(self, client, editor):
        instruction = factories.InstructionFactory(is_public=False)
        record = oldest(instruction)
        instruction.text = "请区招商投资促进中心牵头，每季度报送一次进展。"
        instruction.save()
        client.force_login(editor)
        data = form_data(client.get(version_url(instruction, record)))
        response = client.post(
            version_url(instruction, record), data | {"text": "篡改的批示", "is_public": "on"}
        )
        assert response.status_code == 403
        instruction.refresh_from_db()
        assert instruction.text == "请区招商投资促进中心牵头，每季度报送一次进展。"
        assert not instruction.is_public

    def test_viewer_sees_an_old_version_without_a_revert_button(self, client, editor):
        instruction = factories.InstructionFactory()
        client.force_login(editor)
        response = client.get(version_url(instruction, oldest(instruction)))
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode()

    def test_revert_keeps_the_leaders_review(self, client, editor, leader):
        takeaway = factories.TakeawayFactory(
            review_status=Takeaway.ReviewStatus.PENDING, is_public=False
        )
        record = oldest(takeaway)
        services.review_takeaway(
            takeaway=takeaway, user=leader, decision=Takeaway.ReviewStatus.FEATURED, comment="好"
        )
        takeaway.refresh_from_db()
        takeaway.is_public = True
        takeaway.save()
        client.force_login(editor)
        response = revert(client, takeaway, record)
        assert response.status_code == 302
        takeaway.refresh_from_db()
        assert not takeaway.is_public  # the version's own field came back
        assert takeaway.review_status == Takeaway.ReviewStatus.FEATURED
        assert takeaway.reviewed_by == leader
        assert takeaway.review_comment == "好"

    def test_revert_keeps_the_owners_reported_progress(self, client, editor):
        action = factories.ActionItemFactory()
        owner = owner_in_unit(action.owner_organization)
        services.post_action_update(action=action, user=owner, progress=100, note="已完成")
        done = action.history.order_by("history_date").last()
        services.post_action_update(action=action, user=owner, progress=40, note="发现返工")
        client.force_login(editor)
        response = revert(client, action, done)
        assert response.status_code == 302
        action.refresh_from_db()
        assert (action.progress, action.status) == (40, ActionItem.Status.IN_PROGRESS)

    def test_revert_keeps_who_wrote_an_update(self, client, superuser):
        action = factories.ActionItemFactory()
        owner = owner_in_unit(action.owner_organization)
        update = factories.ActionUpdateFactory(action=action, progress=100)
        record = oldest(update)
        update.author = owner
        update.progress = 30
        update.save()
        client.force_login(superuser)
        assert revert(client, update, record).status_code == 302
        update.refresh_from_db()
        assert (update.author, update.progress) == (owner, 30)

    def test_revert_is_recorded_under_the_reverting_users_name(self, client, editor):
        takeaway = factories.TakeawayFactory(kind=Takeaway.Kind.QUOTE)
        record = oldest(takeaway)
        takeaway.kind = Takeaway.Kind.GAP
        takeaway.save()
        client.force_login(editor)
        revert(client, takeaway, record)
        latest = takeaway.history.first()
        assert (latest.kind, latest.history_user) == (Takeaway.Kind.QUOTE, editor)
        assert "还原" in latest.history_change_reason

    def test_revert_is_refused_on_an_archived_trip(self, client, editor, leader):
        trip = factories.TripFactory(status=Trip.Status.PUBLISHED, title="赴浙江学习考察")
        record = oldest(trip)
        services.archive_trip(trip=trip, user=leader)
        client.force_login(editor)
        url = version_url(trip, record)
        response = client.post(url, form_data(client.get(url)) | {"title": "改过的标题"})
        assert response.status_code == 403
        trip.refresh_from_db()
        assert (trip.status, trip.title) == (Trip.Status.ARCHIVED, "赴浙江学习考察")

    def test_revert_is_refused_on_a_part_of_an_archived_trip(self, client, editor, leader):
        takeaway = factories.TakeawayFactory(kind=Takeaway.Kind.QUOTE)
        record = oldest(takeaway)
        takeaway.kind = Takeaway.Kind.GAP
        takeaway.save()
        services.archive_trip(trip=takeaway.trip, user=leader)
        client.force_login(editor)
        url = version_url(takeaway, record)
        assert 'name="_save"' not in client.get(url).content.decode()
        assert client.post(url, form_data(client.get(url))).status_code == 403
        takeaway.refresh_from_db()
        assert takeaway.kind == Takeaway.Kind.GAP

    def test_revert_of_a_trip_keeps_its_publication(self, client, editor, leader):
        trip = factories.TripFactory(status=Trip.Status.DRAFT, theme="旧主题")
        factories.SiteVisitFactory(trip=trip)
        factories.TripMemberFactory(trip=trip, role="leader")
        record = oldest(trip)
        services.submit_trip(trip=trip, user=editor)
        services.publish_trip(trip=trip, user=leader)
        client.force_login(editor)
        assert revert(client, trip, record).status_code == 302
        trip.refresh_from_db()
        assert trip.status == Trip.Status.PUBLISHED
        assert trip.published_at is not None
        assert trip.submitted_by == editor


class TestActionStatus:
    def test_editor_cannot_close_an_action_on_its_admin_page(self, client, editor):
        action = factories.ActionItemFactory(trip__status=Trip.Status.PUBLISHED)
        client.force_login(editor)
        data = form_data(client.get(change_url(action)))
        data |= {"status": "closed", "progress": "100", "closed_at_0": "2024-05-01"}
        response = client.post(change_url(action), data | {"title": "改过的事项"})
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.title == "改过的事项"
        assert (action.status, action.progress, action.closed_at) == ("not_started", 0, None)

    def test_editor_cannot_close_an_action_in_the_trip_page_inline(self, client, editor):
        action = factories.ActionItemFactory(trip__status=Trip.Status.PUBLISHED)
        client.force_login(editor)
        url = change_url(action.trip)
        data = form_data(client.get(url))
        data |= {"action_items-0-status": "closed", "action_items-0-progress": "100"}
        assert client.post(url, data).status_code == 302
        action.refresh_from_db()
        assert (action.status, action.progress) == ("not_started", 0)

    def test_an_action_added_in_the_admin_starts_not_started(self, client, editor):
        trip = factories.TripFactory()
        unit = factories.OrganizationFactory()
        client.force_login(editor)
        add = reverse("admin:tours_actionitem_add") + f"?trip={trip.pk}"
        data = form_data(client.get(add)) | {
            "trip": trip.pk,
            "title": "建立季度对接会制度",
            "owner_organization": unit.pk,
            "status": "closed",
            "progress": "100",
        }
        assert client.post(add, data).status_code == 302
        action = ActionItem.objects.get()
        assert (action.status, action.progress, action.closed_at) == ("not_started", 0, None)

    def test_progress_is_not_reported_in_the_admin(self, client, editor):
        action = factories.ActionItemFactory()
        editor.groups.add(Group.objects.get(name="责任人"))
        factories.ParticipantFactory(user=editor, organization=action.owner_organization)
        client.force_login(editor)
        assert client.get(reverse("admin:tours_actionupdate_add")).status_code == 403
        page = client.get(change_url(action))
        data = form_data(page) | {
            "updates-TOTAL_FORMS": "1",
            "updates-0-date": "2024-04-01",
            "updates-0-progress": "100",
            "updates-0-note": "已完成",
            "updates-0-author": editor.pk,
        }
        client.post(change_url(action), data)
        assert not ActionUpdate.objects.exists()
        action.refresh_from_db()
        assert action.progress == 0


class TestGrantingAccess:
    def test_editor_cannot_link_an_account_to_a_person(self, client, editor, owner):
        person = factories.ParticipantFactory(name="李明")
        client.force_login(editor)
        data = form_data(client.get(change_url(person))) | {"user": owner.pk, "title": "科长"}
        assert client.post(change_url(person), data).status_code == 302
        person.refresh_from_db()
        assert (person.title, person.user) == ("科长", None)

    def test_editor_cannot_link_an_account_to_a_new_person(self, client, editor):
        account = factories.UserFactory(username="lisi")
        unit = factories.OrganizationFactory()
        client.force_login(editor)
        data = {"name": "李四", "gender": "male", "organization": unit.pk, "user": account.pk}
        assert client.post(reverse("admin:people_participant_add"), data).status_code == 302
        assert Participant.objects.get(name="李四").user is None

    def test_editor_cannot_relink_an_account_by_reverting(self, client, editor):
        account = factories.UserFactory(username="lisi")
        person = factories.ParticipantFactory(user=account)
        record = oldest(person)
        person.user = None
        person.save()
        client.force_login(editor)
        assert revert(client, person, record).status_code == 302
        person.refresh_from_db()
        assert person.user is None

    def test_who_may_change_accounts_links_one(self, client, editor):
        editor.user_permissions.add(Permission.objects.get(codename="change_user"))
        account = factories.UserFactory(username="lisi")
        person = factories.ParticipantFactory()
        client.force_login(editor)
        data = form_data(client.get(change_url(person))) | {"user": account.pk}
        assert client.post(change_url(person), data).status_code == 302
        person.refresh_from_db()
        assert person.user == account
