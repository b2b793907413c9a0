"""Action owners (/my-actions/): their items, progress reports, and nothing else."""

import datetime

import pytest
from django.urls import reverse

from tests import factories, files
from tours.models import ActionUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(owner):
    person = owner.participant
    return factories.ActionItemFactory(
        title="出台技改专项资金管理办法",
        owner=person,
        owner_organization=person.organization,
        due_date=datetime.date.today() + datetime.timedelta(days=30),
    )


@pytest.fixture
def theirs():
    return factories.ActionItemFactory(
        title="别人的事项",
        owner_organization=factories.OrganizationFactory(name="屏锦镇人民政府"),
    )


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def item_url(action):
    return reverse("tours:my-action", args=[action.pk])


def update(**changes):
    return {
        "date": datetime.date.today().isoformat(),
        "progress": "50",
        "note": "方案已报区政府常务会审议。",
        **changes,
    }


class TestWhatAnOwnerSees:
    def test_the_list_has_their_items_and_their_units_but_no_one_elses(
        self, signed_in, owner, mine, theirs
    ):
        unit_item = factories.ActionItemFactory(
            title="单位的事项", owner_organization=owner.participant.organization
        )
        page = signed_in.get(reverse("tours:my-actions")).content.decode()
        assert mine.title in page
        assert unit_item.title in page
        assert theirs.title not in page

    def test_anyone_elses_item_is_404(self, signed_in, theirs):
        assert signed_in.get(item_url(theirs)).status_code == 404

    def test_an_update_posted_to_anyone_elses_item_is_404_and_saves_nothing(
        self, signed_in, theirs
    ):
        assert signed_in.post(item_url(theirs), update()).status_code == 404
        assert not ActionUpdate.objects.exists()

    def test_the_item_page_shows_its_warning(self, signed_in, owner):
        late = factories.ActionItemFactory(
            owner=owner.participant,
            owner_organization=owner.participant.organization,
            due_date=datetime.date(2020, 1, 1),
        )
        page = signed_in.get(item_url(late)).content.decode()
        assert 'class="warning warning--red"' in page


class TestReportingProgress:
    def test_an_update_with_a_pdf_moves_the_item(self, signed_in, owner, mine):
        response = signed_in.post(item_url(mine), update(evidence=files.pdf()))
        assert response.status_code == 302
        mine.refresh_from_db()
        assert (mine.progress, mine.status) == (50, "in_progress")
        saved = mine.updates.get()
        assert saved.author == owner
        assert saved.evidence.name.endswith(".pdf")
        page = signed_in.get(item_url(mine)).content.decode()
        assert "方案已报区政府常务会审议。" in page
        assert saved.evidence.url in page

    @pytest.mark.parametrize(
        "changes, field, message",
        [
            ({"progress": "120"}, "progress", "完成进度须在 0 到 100 之间。"),
            ({"progress": "-5"}, "progress", "完成进度须在 0 到 100 之间。"),
            ({"progress": ""}, "progress", "请填写进度百分比（0到100）。"),
            ({"progress": "五十"}, "progress", "进度请填写0到100之间的整数。"),
            ({"note": ""}, "note", "请填写进展说明：做了哪些工作。"),
            ({"date": "2999-01-01"}, "date", "进展日期不能晚于今天。"),
            (
                {"evidence": files.exe_named_pdf},
                "evidence",
                "“报告.pdf”不是PDF、JPEG、PNG、Word（.docx）或Excel（.xlsx）文件，"
                "佐证材料只能上传这几种格式。",
            ),
            (
                {"evidence": files.html},
                "evidence",
                "“说明.html”不是PDF、JPEG、PNG、Word（.docx）或Excel（.xlsx）文件，"
                "佐证材料只能上传这几种格式。",
            ),
            (
                {"evidence": files.zip_archive},
                "evidence",
                "“材料.zip”不是PDF、JPEG、PNG、Word（.docx）或Excel（.xlsx）文件，"
                "佐证材料只能上传这几种格式。",
            ),
            (
                {"evidence": files.oversized_pdf},
                "evidence",
                "“扫描件.pdf”大小为21.0\xa0MB，佐证材料不能超过20.0\xa0MB。",
            ),
        ],
    )
    def test_bad_input_is_named_on_its_field_and_nothing_is_saved(
        self, signed_in, mine, changes, field, message
    ):
        changes = {k: v() if callable(v) else v for k, v in changes.items()}
        response = signed_in.post(item_url(mine), update(**changes))
        assert response.status_code == 200
        assert response.context["form"].errors[field] == [message]
        assert message in response.content.decode()
        assert not ActionUpdate.objects.exists()
        mine.refresh_from_db()
        assert (mine.progress, mine.status) == (0, "not_started")

    def test_the_note_is_kept_when_the_file_is_refused(self, signed_in, mine):
        response = signed_in.post(
            item_url(mine), update(note="很长的一段说明", evidence=files.exe_named_pdf())
        )
        assert response.context["form"]["note"].value() == "很长的一段说明"

    def test_going_backwards_without_a_note_names_the_drop(self, signed_in, owner, mine):
        signed_in.post(item_url(mine), update(progress="70"))
        response = signed_in.post(item_url(mine), update(progress="55", note=""))
        assert response.context["form"].errors["note"] == [
            "进度从70%降到55%，请在进展说明中写明原因。"
        ]

    def test_a_large_drop_is_refused_until_the_owner_confirms_it(self, signed_in, mine):
        signed_in.post(item_url(mine), update(progress="60"))
        page = signed_in.post(item_url(mine), update(progress="6", note="笔误？"))
        assert page.context["form"].errors["confirm_drop"] == [
            "进度将从60%降到6%，降幅超过20个百分点。如确实如此，请勾选“是的，进度确实降到这么低”"
            "后再次提交。"
        ]
        assert 'name="confirm_drop"' in page.content.decode()
        mine.refresh_from_db()
        assert mine.progress == 60
        signed_in.post(
            item_url(mine), update(progress="6", note="方案被否决，重新编制。", confirm_drop="on")
        )
        mine.refresh_from_db()
        assert mine.progress == 6

    def test_a_small_drop_needs_no_confirmation(self, signed_in, mine):
        signed_in.post(item_url(mine), update(progress="60"))
        signed_in.post(item_url(mine), update(progress="45", note="验收发现问题。"))
        mine.refresh_from_db()
        assert mine.progress == 45

    def test_the_form_carries_what_the_browser_asks_before_a_drop(self, signed_in, mine):
        page = signed_in.get(item_url(mine)).content.decode()
        assert 'data-drop-limit="20"' in page
        assert "进度将从{before}%降到{after}%，确定吗？" in page
        assert "js/confirm.js" in page
        assert 'name="confirm_drop"' not in page  # asked only once a drop is refused

    def test_a_closed_item_offers_no_form(self, signed_in, mine):
        mine.status = "closed"
        mine.save()
        page = signed_in.get(item_url(mine)).content.decode()
        assert "不再接受进展报送" in page
        assert 'name="progress"' not in page

    def test_the_new_progress_reaches_the_public_board_and_report(self, signed_in, owner):
        trip = factories.TripFactory(status="published")
        action = factories.ActionItemFactory(
            trip=trip, owner=owner.participant, owner_organization=owner.participant.organization
        )
        signed_in.post(
            item_url(action),
            update(
                progress="80", note="已在全区推开。", evidence=files.pdf(), evidence_is_public="on"
            ),
        )
        for url in (reverse("tours:action-board"), trip.get_absolute_url()):
            page = signed_in.get(url).content.decode()
            assert 'value="80"' in page
            assert "已在全区推开。" in page
            assert action.updates.get().evidence.url in page


def build_owner_data(owner, scale: int):
    person = owner.participant
    for n in range(scale * 5):
        action = factories.ActionItemFactory(
            owner=person,
            owner_organization=person.organization,
            due_date=datetime.date(2020 + n, 1, 1),
        )
        factories.ActionUpdateFactory.create_batch(2, action=action, author=owner)
        action.source_takeaways.add(factories.TakeawayFactory(trip=action.trip))
    return action


@pytest.mark.parametrize("scale", [1, 5])
def test_owner_pages_stay_within_their_query_budget(
    signed_in, owner, scale, django_assert_max_num_queries
):
    action = build_owner_data(owner, scale)
    for url, budget in ((reverse("tours:my-actions"), 8), (item_url(action), 14)):
        with django_assert_max_num_queries(budget, info=url):
            assert signed_in.get(url).status_code == 200
