"""Nobody gets around the workflow through the admin (DESIGN.md, "Integrity").

Workflow fields change only through the services; a history revert is a change like any
other; only account managers link a person to an account.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests import factories
from tests.admin_forms import form_data
from tours.models import ActionItem, ActionUpdate, Trip

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
