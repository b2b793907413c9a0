"""Every admin page answers, for the roles that use it, on the demo data."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo")


def admin_urls(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in ("tours", "people"):
            continue
        first = model.objects.first()
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if model_admin.has_add_permission(request):  # logs, such as sent e-mails, are not added
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        if first is not None:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[first.pk])


def test_every_page_opens_for_a_superuser(client, superuser, demo):
    client.force_login(superuser)
    for url in admin_urls(superuser):
        response = client.get(url)
        assert response.status_code == 200, url


def test_list_filters_work(client, superuser, demo):
    client.force_login(superuser)
    base = reverse("admin:tours_trip_changelist")
    for query in (
        "?status__exact=published",
        "?year=2026",
        "?province=广东省",
        "?kind__exact=training",
    ):
        assert client.get(base + query).status_code == 200, query
    actions = reverse("admin:tours_actionitem_changelist")
    overdue = client.get(actions + "?overdue=yes")
    assert overdue.status_code == 200
    assert overdue.context["cl"].result_count >= 1


def test_editor_opens_the_pages_of_their_work(client, editor, demo):
    client.force_login(editor)
    for name in ("trip", "sitevisit", "takeaway", "actionitem", "question", "indicator"):
        assert client.get(reverse(f"admin:tours_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:tours_{name}_add")).status_code == 200
    assert client.get(reverse("admin:people_participant_add")).status_code == 200


def test_person_pickers_show_name_organization_and_title(client, editor, demo):
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "tours", "model_name": "takeaway", "field_name": "speaker", "term": "王志强"},
    )
    assert response.json()["results"][0]["text"] == "王志强（梁平区经济和信息化委员会 主任）"


def test_view_on_site_links_a_draft_to_its_preview(client, editor, demo):
    from tours.models import Trip

    client.force_login(editor)
    draft = Trip.objects.filter(status="draft").first()
    page = client.get(reverse("admin:tours_trip_change", args=[draft.pk])).content.decode()
    assert reverse("tours:trip-preview", args=[draft.pk]) in page


def test_a_cancelled_items_admin_page_shows_when_who_and_why_read_only(client, editor, leader):
    from tests import factories
    from tours.services import cancel_action

    action = factories.ActionItemFactory(title="编制屏锦镇农文旅融合发展规划")
    cancel_action(action=action, user=leader, reason="并入全区规划统一编制")
    client.force_login(editor)
    response = client.get(reverse("admin:tours_actionitem_change", args=[action.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "取消原因" in page and "并入全区规划统一编制" in page
    assert 'name="cancel_reason"' not in page
    assert 'name="status"' not in page
