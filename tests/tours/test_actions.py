"""Action items followed until closed: creation, progress, closing, the three-colour warning."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories, files
from tours.models import ActionItem, ActionUpdate, Instruction
from tours.services import (
    ActionRowsError,
    close_action,
    create_action,
    post_action_update,
    record_instruction,
    watch_action,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 4, 1)
# Noon in Shanghai, so the local date is TODAY whatever the server's zone.
NOON = datetime.datetime(2024, 4, 1, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def mine(owner):
    """An item the owner's person is responsible for."""
    person = owner.participant
    return factories.ActionItemFactory(
        owner=person,
        owner_organization=person.organization,
        due_date=TODAY + datetime.timedelta(30),
    )


class TestCreatingActions:
    def test_two_takeaways_become_one_action_item_linked_to_both(self, leader, frozen):
        trip = factories.TripFactory(status="submitted")
        sources = factories.TakeawayFactory.create_batch(2, trip=trip, review_status="pending")
        unit = factories.OrganizationFactory(name="梁平区招商投资促进中心")
        action = create_action(
            trip=trip,
            user=leader,
            title="绘制主导产业链图谱",
            owner_organization=unit,
            due_date=TODAY + datetime.timedelta(days=60),
            source_takeaways=sources,
        )
        assert set(action.source_takeaways.all()) == set(sources)
        assert action.created_by == leader
        assert action.status == ActionItem.Status.NOT_STARTED
        assert action.history.first().history_user == leader
        assert {t.review_status for t in sources} == {"pending"}

    def test_a_leader_may_adopt_the_pending_sources_in_the_same_step(self, leader):
        trip = factories.TripFactory(status="submitted")
        sources = factories.TakeawayFactory.create_batch(2, trip=trip, review_status="pending")
        create_action(
            trip=trip,
            user=leader,
            title="绘制主导产业链图谱",
            owner_organization=factories.OrganizationFactory(),
            source_takeaways=sources,
            adopt_sources=True,
        )
        assert set(trip.takeaways.values_list("review_status", flat=True)) == {"adopted"}

    @pytest.mark.parametrize(
        "changes, field, message",
        [
            ({"title": "  "}, "title", "请填写事项名称：要做什么。"),
            ({"owner_organization": None}, "owner_organization", "请选择该事项的责任单位。"),
            (
                {"due_date": TODAY - datetime.timedelta(days=1)},
                "due_date",
                "完成时限不能早于今天。",
            ),
        ],
    )
    def test_bad_input_names_its_field_and_saves_nothing(
        self, leader, frozen, changes, field, message
    ):
        trip = factories.TripFactory()
        values = {
            "title": "建立企业服务专员制度",
            "owner_organization": factories.OrganizationFactory(),
            **changes,
        }
        with pytest.raises(ValidationError) as refused:
            create_action(trip=trip, user=leader, **values)
        assert refused.value.message_dict == {field: [message]}
        assert not ActionItem.objects.exists()

    def test_takeaways_of_another_trip_are_refused(self, leader):
        other = factories.TakeawayFactory()
        with pytest.raises(ValidationError) as refused:
            create_action(
                trip=factories.TripFactory(),
                user=leader,
                title="事项",
                owner_organization=factories.OrganizationFactory(),
                source_takeaways=[other],
            )
        assert refused.value.message_dict == {"source_takeaways": ["只能选择本次考察的收获。"]}

    def test_a_returned_takeaway_cannot_become_an_action(self, leader):
        returned = factories.TakeawayFactory(review_status="returned")
        with pytest.raises(ValidationError, match="已退回的收获不能转为落实事项"):
            create_action(
                trip=returned.trip,
                user=leader,
                title="事项",
                owner_organization=factories.OrganizationFactory(),
                source_takeaways=[returned],
            )

    def test_an_owner_cannot_create_action_items(self, owner):
        with pytest.raises(PermissionDenied):
            create_action(
                trip=factories.TripFactory(),
                user=owner,
                title="事项",
                owner_organization=factories.OrganizationFactory(),
            )


class TestInstructions:
    def test_an_instruction_and_the_items_it_orders_are_recorded_together(self, leader, frozen):
        trip = factories.TripFactory()
        takeaway = factories.TakeawayFactory(trip=trip)
        author = factories.ParticipantFactory(name="钱正华", title="区委副书记")
        unit = factories.OrganizationFactory()
        instruction = record_instruction(
            trip=trip,
            user=leader,
            author=author,
            text="链长制要尽快在全区推开。",
            takeaway=takeaway,
            actions=[
                {"title": "出台链长制实施方案", "owner_organization": unit},
                {"title": "召开链长制推进会", "owner_organization": unit, "due_date": TODAY},
            ],
        )
        assert instruction.date == TODAY
        assert not instruction.is_public
        items = list(instruction.action_items.order_by("id"))
        assert [i.title for i in items] == ["出台链长制实施方案", "召开链长制推进会"]
        assert all(list(i.source_takeaways.all()) == [takeaway] for i in items)

    def test_one_bad_row_saves_neither_the_instruction_nor_any_item(self, leader, frozen):
        trip = factories.TripFactory()
        unit = factories.OrganizationFactory()
        with pytest.raises(ActionRowsError) as refused:
            record_instruction(
                trip=trip,
                user=leader,
                author=factories.ParticipantFactory(),
                text="抓紧落实。",
                actions=[
                    {"title": "好的一行", "owner_organization": unit},
                    {"title": "缺责任单位", "owner_organization": None},
                ],
            )
        assert list(refused.value.rows) == [1]
        assert refused.value.rows[1].message_dict == {
            "owner_organization": ["请选择该事项的责任单位。"]
        }
        assert not Instruction.objects.exists()
        assert not ActionItem.objects.exists()

    def test_an_instruction_recorded_after_the_fact_keeps_its_past_deadlines(self, leader, frozen):
        given = datetime.date(2023, 11, 20)
        instruction = record_instruction(
            trip=factories.TripFactory(),
            user=leader,
            author=factories.ParticipantFactory(),
            text="年底前拿出方案。",
            date=given,
            actions=[
                {
                    "title": "拿出链长制方案",
                    "owner_organization": factories.OrganizationFactory(),
                    "due_date": datetime.date(2023, 12, 31),
                }
            ],
        )
        [item] = instruction.action_items.all()
        assert item.due_date == datetime.date(2023, 12, 31)
        assert item.is_overdue

    def test_a_deadline_before_the_instruction_itself_is_refused(self, leader, frozen):
        with pytest.raises(ActionRowsError) as refused:
            record_instruction(
                trip=factories.TripFactory(),
                user=leader,
                author=factories.ParticipantFactory(),
                text="年底前拿出方案。",
                date=datetime.date(2023, 11, 20),
                actions=[
                    {
                        "title": "拿出链长制方案",
                        "owner_organization": factories.OrganizationFactory(),
                        "due_date": datetime.date(2023, 11, 19),
                    }
                ],
            )
        assert refused.value.rows[0].message_dict == {
            "due_date": ["完成时限不能早于交办日期（2023年11月20日）。"]
        }
        assert not Instruction.objects.exists()

    def test_an_instruction_needs_an_author_and_a_text(self, leader):
        with pytest.raises(ValidationError) as refused:
            record_instruction(trip=factories.TripFactory(), user=leader, author=None, text="")
        assert refused.value.message_dict == {
            "author": ["请选择作出批示的领导。"],
            "text": ["请填写批示内容。"],
        }

    def test_an_editor_cannot_record_instructions(self, editor):
        with pytest.raises(PermissionDenied):
            record_instruction(
                trip=factories.TripFactory(),
                user=editor,
                author=factories.ParticipantFactory(),
                text="批示",
            )


class TestProgressUpdates:
    def test_the_first_update_starts_the_item(self, owner, mine, frozen):
        update = post_action_update(action=mine, user=owner, progress=30, note="成立工作专班。")
        mine.refresh_from_db()
        assert (mine.status, mine.progress) == ("in_progress", 30)
        assert update.author == owner
        assert update.date == TODAY

    def test_one_hundred_percent_finishes_it(self, owner, mine):
        post_action_update(action=mine, user=owner, progress=100, note="方案已印发。")
        mine.refresh_from_db()
        assert mine.status == ActionItem.Status.DONE

    def test_progress_going_backwards_needs_a_note_saying_why(self, owner, mine):
        post_action_update(action=mine, user=owner, progress=60, note="完成初稿。")
        with pytest.raises(ValidationError) as refused:
            post_action_update(action=mine, user=owner, progress=40, note="")
        assert refused.value.message_dict == {
            "note": ["进度从60%降到40%，请在进展说明中写明原因。"]
        }
        post_action_update(action=mine, user=owner, progress=40, note="方案被退回重新修改。")
        mine.refresh_from_db()
        assert mine.progress == 40

    def test_a_done_item_going_back_is_in_progress_again(self, owner, mine):
        post_action_update(action=mine, user=owner, progress=100, note="完成。")
        post_action_update(action=mine, user=owner, progress=90, note="验收发现问题，需整改。")
        mine.refresh_from_db()
        assert (mine.status, mine.progress) == ("in_progress", 90)

    @pytest.mark.parametrize("progress", [-5, 101, 250])
    def test_progress_outside_0_to_100_is_refused(self, owner, mine, progress):
        with pytest.raises(ValidationError) as refused:
            post_action_update(action=mine, user=owner, progress=progress, note="说明")
        assert refused.value.message_dict == {"progress": ["完成进度须在 0 到 100 之间。"]}
        assert not ActionUpdate.objects.exists()

    def test_a_date_in_the_future_is_refused(self, owner, mine, frozen):
        with pytest.raises(ValidationError) as refused:
            post_action_update(
                action=mine,
                user=owner,
                progress=10,
                note="说明",
                date=TODAY + datetime.timedelta(days=1),
            )
        assert refused.value.message_dict == {"date": ["进展日期不能晚于今天。"]}

    def test_an_update_on_someone_elses_item_is_refused(self, owner):
        theirs = factories.ActionItemFactory(
            owner_organization=factories.OrganizationFactory(name="屏锦镇人民政府")
        )
        with pytest.raises(PermissionDenied) as refused:
            post_action_update(action=theirs, user=owner, progress=50, note="冒名报送")
        assert str(refused.value) == "您不是该事项的责任人，不能报送其进展。"
        assert not ActionUpdate.objects.exists()

    def test_a_colleague_in_the_same_unit_may_report(self, owner):
        unit_item = factories.ActionItemFactory(
            owner_organization=owner.participant.organization, owner=None
        )
        post_action_update(action=unit_item, user=owner, progress=20, note="单位已部署。")
        assert unit_item.updates.count() == 1

    def test_a_closed_item_takes_no_more_updates(self, owner, mine):
        ActionItem.objects.filter(pk=mine.pk).update(status="closed")
        with pytest.raises(ValidationError, match="该事项已销号，不再接受进展报送。"):
            post_action_update(action=mine, user=owner, progress=100, note="补报")

    def test_evidence_is_stored_privately_under_a_random_name_by_its_content(
        self, owner, mine, settings
    ):
        update = post_action_update(
            action=mine,
            user=owner,
            progress=50,
            note="见附件。",
            evidence=files.pdf("../../etc/秘密材料.docx"),
        )
        name = update.evidence.name
        assert name.startswith("evidence/") and name.endswith(".pdf")
        assert "秘密" not in name
        stored = settings.PRIVATE_MEDIA_ROOT / name
        assert stored.exists()
        assert not str(stored).startswith(str(settings.MEDIA_ROOT))
        assert update.evidence.url == f"/private/{name}"

    @pytest.mark.parametrize(
        "upload, message",
        [
            (
                files.exe_named_pdf,
                "“报告.pdf”不是PDF、JPEG、PNG、Word（.docx）或Excel（.xlsx）文件，"
                "佐证材料只能上传这几种格式。",
            ),
            (files.oversized_pdf, "“扫描件.pdf”大小为21.0\xa0MB，佐证材料不能超过20.0\xa0MB。"),
            (files.huge_png, "“巨幅.png”超过50百万像素，请上传尺寸较小的图片。"),
            (files.broken_png, "“坏图.png”图片已损坏，无法打开。"),
        ],
    )
    def test_bad_evidence_is_refused_and_nothing_is_stored(
        self, owner, mine, settings, upload, message
    ):
        with pytest.raises(ValidationError) as refused:
            post_action_update(
                action=mine, user=owner, progress=50, note="见附件。", evidence=upload()
            )
        assert refused.value.message_dict == {"evidence": [message]}
        assert not ActionUpdate.objects.exists()
        assert not list(settings.PRIVATE_MEDIA_ROOT.glob("evidence/*"))

    @pytest.mark.parametrize(
        "upload, extension",
        [
            (files.pdf, ".pdf"),
            (lambda: files.image("照片.jpeg", format="JPEG"), ".jpg"),
            (files.image, ".png"),
            (files.docx, ".docx"),
            (files.xlsx, ".xlsx"),
        ],
    )
    def test_every_accepted_kind_is_stored(self, owner, mine, upload, extension):
        update = post_action_update(
            action=mine, user=owner, progress=50, note="见附件。", evidence=upload()
        )
        assert update.evidence.name.endswith(extension)


class TestClosingAndWatching:
    def test_a_leader_closes_a_done_item_and_closed_at_is_recorded(self, leader, mine, frozen):
        ActionItem.objects.filter(pk=mine.pk).update(status="done", progress=100)
        action = close_action(action=mine, user=leader)
        assert action.status == ActionItem.Status.CLOSED
        assert action.closed_at == timezone.now()

    def test_an_item_not_done_cannot_be_closed(self, leader, mine):
        with pytest.raises(ValidationError) as refused:
            close_action(action=mine, user=leader)
        assert refused.value.messages == ["只有已完成的事项才能销号，该事项当前为未启动。"]

    @pytest.mark.parametrize("who", ["owner", "editor"])
    def test_only_leaders_close(self, request, who, mine):
        ActionItem.objects.filter(pk=mine.pk).update(status="done")
        with pytest.raises(PermissionDenied):
            close_action(action=mine, user=request.getfixturevalue(who))

    def test_a_leader_follows_and_unfollows(self, leader, mine):
        watch_action(action=mine, user=leader)
        assert list(mine.watchers.all()) == [leader]
        watch_action(action=mine, user=leader, watch=False)
        assert not mine.watchers.exists()


class TestThreeColourWarning:
    """三色预警: red overdue, yellow lagging by more than 25 points, blue due within 7 days."""

    def warning_of(self, *, created, due, progress=0, status="in_progress"):
        created_at = timezone.make_aware(datetime.datetime.combine(created, datetime.time(9)))
        item = factories.ActionItemFactory(
            due_date=due, progress=progress, status=status, created_at=created_at
        )
        return ActionItem.objects.with_warning().get(pk=item.pk)

    @pytest.mark.parametrize(
        "created, due, progress, status, expected",
        [
            # Overdue beats everything.
            (
                TODAY - datetime.timedelta(60),
                TODAY - datetime.timedelta(1),
                90,
                "in_progress",
                "red",
            ),
            # Half the time used, 20 % done: 30 points behind.
            (
                TODAY - datetime.timedelta(30),
                TODAY + datetime.timedelta(30),
                20,
                "in_progress",
                "yellow",
            ),
            # Half the time used, 25 % done: exactly 25 points is not "more than 25".
            (TODAY - datetime.timedelta(30), TODAY + datetime.timedelta(30), 25, "in_progress", ""),
            # Due in 7 days and on track.
            (
                TODAY - datetime.timedelta(30),
                TODAY + datetime.timedelta(7),
                90,
                "in_progress",
                "blue",
            ),
            # Due in 8 days and on track.
            (TODAY - datetime.timedelta(30), TODAY + datetime.timedelta(8), 90, "in_progress", ""),
            # Due within 7 days and far behind: lagging is the stronger warning.
            (
                TODAY - datetime.timedelta(30),
                TODAY + datetime.timedelta(3),
                10,
                "not_started",
                "yellow",
            ),
            # Due today is not yet overdue.
            (TODAY - datetime.timedelta(30), TODAY, 95, "in_progress", "blue"),
            # Finished or cancelled items carry no warning, however late.
            (TODAY - datetime.timedelta(60), TODAY - datetime.timedelta(9), 100, "done", ""),
            (TODAY - datetime.timedelta(60), TODAY - datetime.timedelta(9), 30, "cancelled", ""),
            # No due date, no warning.
            (TODAY - datetime.timedelta(60), None, 0, "not_started", ""),
        ],
    )
    def test_each_colour(self, frozen, created, due, progress, status, expected):
        item = self.warning_of(created=created, due=due, progress=progress, status=status)
        assert item.warning == expected

    def test_the_expected_progress_follows_the_elapsed_time(self, frozen):
        item = self.warning_of(
            created=TODAY - datetime.timedelta(30), due=TODAY + datetime.timedelta(30)
        )
        assert item.expected_progress == 50
        assert item.warning_label == "进展滞后"

    def test_red_agrees_with_overdue(self, frozen):
        for days in (-10, -1, 0, 5, 30):
            factories.ActionItemFactory(due_date=TODAY + datetime.timedelta(days))
        red = set(ActionItem.objects.with_warning().filter(warning="red").values_list("pk"))
        assert red == set(ActionItem.objects.overdue().values_list("pk"))


class TestForOwner:
    def test_an_owner_answers_for_their_items_and_their_units(self, owner):
        person = owner.participant
        own = factories.ActionItemFactory(
            owner=person, owner_organization=factories.OrganizationFactory(name="屏锦镇人民政府")
        )
        unit = factories.ActionItemFactory(owner_organization=person.organization)
        factories.ActionItemFactory(owner_organization=factories.OrganizationFactory(name="明达镇"))
        assert set(ActionItem.objects.for_owner(owner)) == {own, unit}

    def test_an_account_without_a_person_answers_for_nothing(self, outsider):
        factories.ActionItemFactory()
        assert not ActionItem.objects.for_owner(outsider).exists()
