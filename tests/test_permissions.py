"""Every URL of the site × every role, with the expected answer in one table.

In the manner of pretix's tests/control/test_permissions.py: a page or role added to the
product is a row or a column added here. Expected answers:

- 200 (or another status code): the page answers with it;
- LOGIN: a redirect to a login page (anonymous visitors of staff pages);
- REDIRECT: a redirect elsewhere (e.g. a signed-in user leaving the login page);
- 403: signed in, but the role has no business in this area;
- 404: the role may not know the object exists (docs/architecture.md, "Access").

To add a URL: write it with `{placeholders}` filled from the `world` fixture (add the
objects it needs there), and give each role its answer with `expect(...)` or one of the
role profiles below. POST-only URLs are swept with GET: 405 proves the access check
passed without changing anything.
"""

import pytest
from django.core.files.base import ContentFile

from tests import factories, files
from tours.models import Attachment, Campaign, DeadlineExtension, SupervisionNotice

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "owner", "editor", "leader", "superuser")
LOGIN = "login"
REDIRECT = "redirect"


def expect(default=None, **answers):
    """Every role's answer: `default`, except the roles named."""
    unknown = set(answers) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: answers.get(role, default) for role in ROLES}


EVERYONE = expect(200)
NO_ONE = expect(404)
# Staff areas: anonymous → login; others by their role.
PREVIEWERS = expect(404, anonymous=LOGIN, editor=200, leader=200, superuser=200)
ADMIN = expect(LOGIN, editor=200, leader=200, superuser=200)
EDITORS = expect(LOGIN, editor=200, leader=403, superuser=200)
LEADERS = expect(403, anonymous=LOGIN, leader=200, superuser=200)
LEADERS_POST = expect(403, anonymous=LOGIN, leader=405, superuser=405)
LEADERS_MISSING = expect(403, anonymous=LOGIN, leader=404, superuser=404)
OWNERS = expect(403, anonymous=LOGIN, owner=200, superuser=200)
OWNERS_THEIRS = expect(403, anonymous=LOGIN, owner=404, superuser=200)
OWNERS_POST = expect(403, anonymous=LOGIN, owner=405, superuser=405)
# Evidence: staff with view permission and the item's owners; 404 to everyone else.
EVIDENCE_MINE = expect(200, anonymous=LOGIN, outsider=404)
EVIDENCE_THEIRS = expect(200, anonymous=LOGIN, outsider=404, owner=404)
SIGNED_IN = expect(200, anonymous=LOGIN)

TABLE = [
    # The public site.
    ("/", EVERYONE),
    ("/trips/", EVERYONE),
    ("/trips/?year=2024&kind=study_tour", EVERYONE),
    ("/trips/{published}/", EVERYONE),
    ("/trips/{archived}/", EVERYONE),
    ("/trips/{draft}/", NO_ONE),
    ("/trips/{submitted}/", NO_ONE),
    ("/trips/999999/", NO_ONE),
    ("/actions/", EVERYONE),
    ("/actions/?overdue=on", EVERYONE),
    ("/actions/{mine}/", EVERYONE),
    ("/actions/{private_action}/", NO_ONE),
    ("/actions/{draft_action}/", NO_ONE),
    ("/actions/999999/", NO_ONE),
    ("/tags/招商引资/", EVERYONE),
    ("/feed/", EVERYONE),
    ("/feed/actions/", EVERYONE),
    ("/feed/actions/tags/招商引资/", EVERYONE),
    ("/feed/actions/tags/没有这个标签/", NO_ONE),
    ("/feed/actions/hosts/{host}/", EVERYONE),
    ("/feed/actions/hosts/{private_host}/", NO_ONE),
    ("/sitemap.xml", EVERYONE),
    ("/robots.txt", EVERYONE),
    ("/search/?q=招商", EVERYONE),
    ("/search/", EVERYONE),
    ("/insights/", EVERYONE),
    ("/hosts/{host}/", EVERYONE),
    ("/hosts/{private_host}/", NO_ONE),
    ("/campaigns/{campaign}/", EVERYONE),
    ("/campaigns/{private_campaign}/", NO_ONE),
    ("/campaigns/999999/", NO_ONE),
    # Office files of the public report.
    ("/trips/{published}/report.docx", EVERYONE),
    ("/trips/{draft}/report.docx", NO_ONE),
    ("/trips/{published}/itinerary.ics", EVERYONE),
    ("/trips/{submitted}/itinerary.ics", NO_ONE),
    # Staff see a trip as the public will.
    ("/trips/{draft}/preview/", PREVIEWERS),
    ("/trips/{submitted}/preview/", PREVIEWERS),
    # The admin (editors work there; leaders read).
    ("/admin/", ADMIN),
    ("/admin/tours/trip/", ADMIN),
    ("/admin/tours/trip/{submitted}/change/", ADMIN),
    ("/admin/tours/actionitem/{mine}/change/", ADMIN),
    # Office files for staff: imports change a trip; exports need only the right to read.
    ("/admin/tours/trip/{draft}/import/roster/", EDITORS),
    ("/admin/tours/trip/{draft}/import/itinerary/", EDITORS),
    ("/admin/tours/trip/{draft}/writeup/", EDITORS),
    ("/admin/tours/trip/writeup/", EDITORS),
    (
        "/admin/tours/trip/{submitted}/writeup/",
        expect(LOGIN, editor=REDIRECT, leader=403, superuser=REDIRECT),
    ),
    ("/admin/tours/trip/import/actions/template.xlsx", ADMIN),
    ("/admin/tours/trip/{published}/roster.xlsx", ADMIN),
    ("/admin/tours/trip/{draft}/report.docx", ADMIN),
    ("/admin/tours/trip/booklet/", ADMIN),
    ("/admin/tours/actionitem/ledger.xlsx", ADMIN),
    ("/admin/search/?q=招商", ADMIN),
    # Photos: editors upload and arrange, leaders look.
    ("/admin/tours/trip/{draft}/photos/", ADMIN),
    ("/admin/tours/trip/{draft}/photos/upload/", EDITORS),
    (
        "/admin/tours/trip/{draft}/photos/assign/",
        expect(LOGIN, editor=405, leader=405, superuser=405),
    ),
    # A trip's history: its parts' changes too, and 恢复 for a deleted part (POST).
    ("/admin/tours/trip/{published}/history/", ADMIN),
    (
        "/admin/tours/trip/{draft}/history/restore/takeaway/{deleted_takeaway}/",
        expect(LOGIN, editor=405, leader=405, superuser=405),
    ),
    # The leaders' review desk.
    ("/review/", LEADERS),
    ("/review/trips/{submitted}/", LEADERS),
    ("/review/trips/{submitted}/?all=1", LEADERS),
    ("/review/trips/{published}/", LEADERS),
    ("/review/trips/999999/", LEADERS_MISSING),
    ("/review/trips/{submitted}/takeaways/", LEADERS_POST),
    ("/review/trips/{submitted}/instruction/", LEADERS_POST),
    ("/review/trips/{submitted}/publish/", LEADERS_POST),
    ("/review/trips/{submitted}/return/", LEADERS_POST),
    ("/review/trips/{published}/archive/", LEADERS_POST),
    ("/review/trips/{published}/edits-seen/", LEADERS_POST),
    ("/review/trips/{published}/followup.docx", LEADERS),
    ("/review/trips/{draft}/followup.docx", LEADERS),
    ("/review/trips/999999/followup.docx", LEADERS_MISSING),
    ("/review/pick/people/?term=张", LEADERS),
    ("/review/pick/units/?term=镇&page=2", LEADERS),
    ("/review/pick/trips/", LEADERS_MISSING),
    ("/review/actions/", LEADERS),
    ("/review/actions/?warning=red", LEADERS),
    ("/review/actions/{mine}/", LEADERS),
    ("/review/actions/{theirs}/", LEADERS),
    ("/review/actions/999999/", LEADERS_MISSING),
    ("/review/actions/{mine}/watch/", LEADERS_POST),
    ("/review/actions/{mine}/close/", LEADERS_POST),
    ("/review/actions/{mine}/return/", LEADERS_POST),
    ("/review/actions/{mine}/notice/", LEADERS_POST),
    ("/review/actions/{mine}/cancel/", LEADERS_POST),
    ("/review/actions/{mine}/subtasks/", LEADERS_POST),
    ("/review/actions/?attention=extension", LEADERS),
    ("/review/extensions/{extension}/decide/", LEADERS_POST),
    ("/review/notices/{notice}/notice.docx", LEADERS),
    ("/review/notices/999999/notice.docx", LEADERS_MISSING),
    ("/review/instructions/{instruction}/", LEADERS),
    ("/review/instructions/999999/", LEADERS_MISSING),
    # Action owners.
    ("/my-actions/", OWNERS),
    ("/my-actions/{mine}/", OWNERS),
    ("/my-actions/{theirs}/", OWNERS_THEIRS),
    ("/my-actions/999999/", expect(403, anonymous=LOGIN, owner=404, superuser=404)),
    ("/my-actions/{mine}/acknowledge/", OWNERS_POST),
    ("/my-actions/{mine}/extension/", OWNERS_POST),
    ("/my-actions/notices/{notice}/acknowledge/", OWNERS_POST),
    # Evidence files.
    ("{evidence_mine}", EVIDENCE_MINE),
    ("{evidence_theirs}", EVIDENCE_THEIRS),
    ("{evidence_published}", EVERYONE),
    ("/private/evidence/0123456789abcdef.pdf", NO_ONE),
    # A trip's documents: public ones for anyone, the others for the trip's staff.
    ("{attachment_public}", EVERYONE),
    ("{attachment_internal}", expect(200, anonymous=LOGIN, outsider=404, owner=404)),
    ("{attachment_of_a_draft}", expect(200, anonymous=LOGIN, outsider=404, owner=404)),
    ("/private/attachments/0123456789abcdef.pdf", NO_ONE),
    # The new parts' admin pages.
    ("/admin/tours/campaign/", ADMIN),
    ("/admin/tours/placement/", ADMIN),
    ("/admin/tours/signedproject/", ADMIN),
    ("/admin/tours/attachment/", ADMIN),
    # Accounts.
    ("/accounts/login/", expect(REDIRECT, anonymous=200)),
    ("/accounts/", expect(REDIRECT, anonymous=LOGIN, outsider=200)),
    ("/accounts/password/", SIGNED_IN),
    ("/accounts/password/done/", SIGNED_IN),
    ("/accounts/logout/", expect(405)),
]


@pytest.fixture
def world(owner):
    """One of everything the table's URLs point at."""
    published = factories.TripFactory(status="published")
    published.tags.add("招商引资")
    host = factories.OrganizationFactory(name="中山市三角镇人民政府")
    factories.SiteVisitFactory(trip=published, host_organization=host)
    draft = factories.TripFactory(status="draft")
    private_host = factories.OrganizationFactory(name="只接待过草稿考察的单位")
    factories.SiteVisitFactory(trip=draft, host_organization=private_host)
    factories.TripMemberFactory(trip=published, role="leader")
    submitted = factories.TripFactory(status="submitted")
    factories.TakeawayFactory(trip=submitted, review_status="pending")
    person = owner.participant
    mine = factories.ActionItemFactory(
        trip=published, owner=person, owner_organization=person.organization
    )
    theirs = factories.ActionItemFactory(
        trip=published, owner_organization=factories.OrganizationFactory(name="屏锦镇人民政府")
    )

    deleted_takeaway = factories.TakeawayFactory(trip=draft)
    deleted_takeaway_pk = deleted_takeaway.pk
    deleted_takeaway.delete()
    campaign = Campaign.objects.create(title="乡镇党委书记赴浙江学习活动", year=2024)
    published.campaign = campaign
    published.save()
    private_campaign = Campaign.objects.create(title="只有草稿考察组的活动", year=2024)
    draft.campaign = private_campaign
    draft.save()

    def document(trip, **kwargs):
        row = Attachment.objects.create(
            trip=trip, title="讲话", file=ContentFile(files.PDF, name="讲话.pdf"), **kwargs
        )
        return row.file.url

    def evidence(action, **kwargs):
        update = factories.ActionUpdateFactory(
            action=action, evidence=ContentFile(files.PDF, name="材料.pdf"), **kwargs
        )
        return update.evidence.url

    return {
        "published": published.pk,
        "host": host.pk,
        "private_host": private_host.pk,
        "archived": factories.TripFactory(status="archived").pk,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "mine": mine.pk,
        "theirs": theirs.pk,
        "private_action": factories.ActionItemFactory(trip=published, is_public=False).pk,
        "draft_action": factories.ActionItemFactory(trip=draft).pk,
        "evidence_mine": evidence(mine),
        "evidence_theirs": evidence(theirs),
        "evidence_published": evidence(theirs, evidence_is_public=True),
        "extension": DeadlineExtension.objects.create(
            action=mine, due_date=mine.due_date.replace(year=2099), reason="用地报批"
        ).pk,
        "notice": SupervisionNotice.objects.create(action=mine, level="red", text="请报送").pk,
        "instruction": factories.InstructionFactory(trip=published).pk,
        "deleted_takeaway": deleted_takeaway_pk,
        "campaign": campaign.pk,
        "private_campaign": private_campaign.pk,
        "attachment_public": document(published, is_public=True),
        "attachment_internal": document(published),
        "attachment_of_a_draft": document(draft, is_public=True),
    }


def answer(response):
    if response.status_code in (301, 302):
        return LOGIN if "/login/" in response.url else REDIRECT
    return response.status_code


def test_the_table_covers_every_role():
    assert all(set(expected) == set(ROLES) for _path, expected in TABLE)


@pytest.mark.parametrize("path, expected", TABLE, ids=[path for path, _ in TABLE])
def test_every_url_answers_every_role_as_the_table_says(client, request, world, path, expected):
    url = path.format(**world)
    wrong = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        got = answer(client.get(url))
        if got != expected[role]:
            wrong.append(f"{role}: expected {expected[role]}, got {got}")
    assert not wrong, f"{url}\n" + "\n".join(wrong)
