"""Nobody gets around the workflow through the admin (DESIGN.md, "Integrity").

Workflow fields change only through the services; a history revert is a change like any
other; only account managers link a person to an account.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from people.models import Participant
from tests import factories
from tests.admin_forms import form_data, rendered_forms
from tours import services
from tours.admin.base import TRIP_SCOPED_FIELDS
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

    def test_viewer_sees_an_old_version_read_only(self, client, editor):
        instruction = factories.InstructionFactory(text="各责任单位每月报送进展。")
        record = oldest(instruction)
        instruction.text = "各责任单位每季度报送进展。"
        instruction.save()
        client.force_login(editor)
        response = client.get(version_url(instruction, record))
        assert response.status_code == 200
        page = response.content.decode()
        assert "各责任单位每月报送进展。" in page
        assert 'name="text"' not in page
        assert 'name="_save"' not in page

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
        # The editor also answers for the item: its unit is the editor's.
        action = factories.ActionItemFactory(owner_organization=editor.participant.organization)
        editor.groups.add(Group.objects.get(name="责任人"))
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
        person = factories.ParticipantFactory(name="李明", organization=factories.home_department())
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
        person = factories.ParticipantFactory(
            user=account, organization=factories.home_department()
        )
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
        person = factories.ParticipantFactory(organization=factories.home_department())
        client.force_login(editor)
        data = form_data(client.get(change_url(person))) | {"user": account.pk}
        assert client.post(change_url(person), data).status_code == 302
        person.refresh_from_db()
        assert person.user == account


# The sweep: every role × every history URL and every admin form showing a guarded field.

SWEPT_ROLES = ("editor", "leader", "owner", "outsider", "staff")


@pytest.fixture
def staff(db):
    """May open the admin, but is in no group."""
    return factories.UserFactory(username="staff", is_staff=True)


@pytest.fixture
def mallory(db):
    """The account a forged form would put in a user field; no row ever points at it."""
    return factories.UserFactory(username="mallory")


def guarded_fields():
    """Each model an admin form shows, with the fields no admin form may set."""
    guarded = {Participant: ("user",)}
    for model, model_admin in admin.site._registry.items():
        for shown in (model, *(inline.model for inline in model_admin.inlines)):
            if getattr(shown, "WORKFLOW_FIELDS", ()):
                guarded[shown] = shown.WORKFLOW_FIELDS
    return guarded


def guarded_values():
    values = {}
    for model, names in guarded_fields().items():
        attnames = [model._meta.get_field(name).attname for name in names]
        for pk, *row in model.objects.values_list("pk", *attnames):
            values[model, pk] = dict(zip(names, row, strict=True))
    return values


def forged(model, name, current, prefix, mallory):
    """POST keys and values setting `name` to something it is not."""
    field = model._meta.get_field(name)
    key = f"{prefix}{name}"
    if field.choices:
        return {key: next(value for value, _ in field.flatchoices if value != current)}
    if isinstance(field, models.ForeignKey):
        return {key: str(mallory.pk)}
    if isinstance(field, models.DateTimeField):
        return {key: "2031-01-01 08:00", f"{key}_0": "2031-01-01", f"{key}_1": "08:00"}
    if isinstance(field, models.IntegerField):
        return {key: "77"}
    return {key: "篡改"}


def forge(data, response, mallory):
    """`data` with every guarded field of the page's forms and inline rows forged."""
    guarded = guarded_fields()
    for form in rendered_forms(response):
        model = getattr(getattr(form, "_meta", None), "model", None)
        prefix = f"{form.prefix}-" if form.prefix else ""
        for name in guarded.get(model, ()):
            current = getattr(form.instance, name, None)
            data = data | forged(model, name, current, prefix, mallory)
    return data


def without_files(data):
    return {key: value for key, value in data.items() if not hasattr(value, "read")}


@pytest.fixture
def world(editor, leader, owner):
    """A published trip with one of everything, each row moved along its workflow."""
    unit = owner.participant.organization
    trip = factories.TripFactory(status=Trip.Status.DRAFT)
    factories.SiteVisitFactory(trip=trip)
    factories.TripMemberFactory(trip=trip, role="leader")
    factories.QuestionFactory(trip=trip)
    factories.IndicatorFactory(trip=trip)
    factories.PhotoFactory(trip=trip)
    takeaway = factories.TakeawayFactory(trip=trip, review_status=Takeaway.ReviewStatus.PENDING)
    factories.InstructionFactory(trip=trip, takeaway=takeaway)
    services.submit_trip(trip=trip, user=editor)
    services.publish_trip(trip=trip, user=leader)
    services.review_takeaway(
        takeaway=takeaway, user=leader, decision=Takeaway.ReviewStatus.FEATURED, comment="写得好"
    )
    closed = factories.ActionItemFactory(trip=trip, owner_organization=unit)
    services.post_action_update(action=closed, user=owner, progress=100, note="已完成")
    services.close_action(action=closed, user=leader)
    going = factories.ActionItemFactory(trip=trip, owner_organization=unit)
    services.post_action_update(action=going, user=owner, progress=100, note="已完成")
    services.post_action_update(action=going, user=owner, progress=40, note="验收未通过，返工")
    linked = factories.ParticipantFactory(name="李明", organization=unit)
    linked.user = factories.UserFactory(username="liming")
    linked.save()
    return trip


def history_admins():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SimpleHistoryAdmin):
            yield model, model_admin


def url_of(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def sign_in(request, role):
    browser = Client()
    browser.force_login(request.getfixturevalue(role))
    return browser


def as_new(data, page):
    """A change page's values as the add page's: nothing pointing into the old trip.

    Each inline that shows guarded fields gets one new row, a copy of its first.
    """
    guarded = guarded_fields()
    scoped = (*TRIP_SCOPED_FIELDS, "cover_photo")
    new = {key: value for key, value in data.items() if key.rsplit("-")[-1] not in scoped}
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        copied = formset.model in guarded and formset.forms
        new[f"{formset.prefix}-TOTAL_FORMS"] = "1" if copied else "0"
        new[f"{formset.prefix}-INITIAL_FORMS"] = "0"
        new.pop(f"{formset.prefix}-0-id", None)
        new.pop(f"{formset.prefix}-0-{formset.fk.name}", None)
    return new


class Sweep:
    """Sends requests as a role; no guarded field may take a posted value.

    Each POST is saved if the role may do it (so the sweep really reaches the save) and
    refused (403, or the admin's login page) if not.
    """

    def __init__(self, request, role):
        self.role = role
        self.user = request.getfixturevalue(role)
        self.client = sign_in(request, role)
        self.superuser = sign_in(request, "superuser")

    def get(self, url):
        # 404: a record outside the account's department (for "staff", linked to nobody).
        assert self.client.get(url).status_code in (200, 302, 403, 404), url

    def post(self, url, data, *, may):
        before = guarded_values()
        response = self.client.post(url, without_files(data))
        after = guarded_values()
        saved = response.status_code == 302 and "/login/" not in response.url
        refused = response.status_code in (403, 404) or (
            response.status_code == 302 and "/login/" in response.url
        )
        assert saved if may else refused, f"{self.role} POST {url}: {response.status_code}"
        changed = {key: after[key] for key in before if after[key] != before[key]}
        assert not changed, f"{self.role} POST {url} changed {changed}"
        for (model, pk), values in after.items():
            if (model, pk) not in before:
                self.check_new_row(model, values, url)

    def may(self, action, model, obj=None):
        opts = model._meta
        allowed = self.user.is_staff and self.user.has_perm(
            f"{opts.app_label}.{action}_{opts.model_name}"
        )
        if allowed and obj is not None:
            # Units and people of another department are read-only (people.scope).
            asking = RequestFactory().get("/")
            asking.user = self.user
            allowed = admin.site._registry[model].has_change_permission(asking, obj)
        return allowed

    def check_new_row(self, model, values, url):
        # A row added through a form starts its workflow; only its creator is recorded.
        for name, value in values.items():
            field = model._meta.get_field(name)
            allowed = {field.get_default(), self.user.pk if field.is_relation else None}
            assert value in allowed, f"{self.role} POST {url} created a {model} with {name}={value}"

    def page_as_superuser(self, url):
        response = self.superuser.get(url)
        assert response.status_code == 200, url
        return response


@pytest.mark.parametrize("role", SWEPT_ROLES)
def test_no_role_restores_a_workflow_field_from_the_history(request, world, mallory, role):
    sweep = Sweep(request, role)
    for model, _model_admin in history_admins():
        for obj in model.objects.all():
            sweep.get(url_of(model, "history", obj.pk))
            for record in obj.history.all():
                url = url_of(model, "simple_history", obj.pk, record.history_id)
                sweep.get(url)
                page = sweep.page_as_superuser(url)
                data = forge(form_data(page), page, mallory)
                sweep.post(url, data, may=sweep.may("change", model, obj))


@pytest.mark.parametrize("role", SWEPT_ROLES)
def test_no_role_sets_a_workflow_field_through_an_admin_form(request, world, mallory, role):
    sweep = Sweep(request, role)
    guarded = guarded_fields()
    for model, model_admin in admin.site._registry.items():
        if not {model, *(inline.model for inline in model_admin.inlines)} & guarded.keys():
            continue
        for obj in model.objects.all():
            url = url_of(model, "change", obj.pk)
            page = sweep.page_as_superuser(url)
            data = forge(form_data(page), page, mallory)
            sweep.post(url, data, may=sweep.may("change", model, obj))
            add = url_of(model, "add") + (f"?trip={world.pk}" if hasattr(obj, "trip_id") else "")
            data = forge(as_new(form_data(page), page), page, mallory)
            sweep.post(add, data, may=sweep.may("add", model))
