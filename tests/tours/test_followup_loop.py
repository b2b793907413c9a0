"""The follow-up loop (督办闭环), both ways: owners sign for items, ask for more time and
acknowledge notices; leaders split items, verify or return them, decide extensions and
issue notices; the leader who gave an instruction hears when its items are closed."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tours.models import ActionItem, DeadlineExtension, SupervisionNotice
from tours.services import (
    acknowledge_action,
    acknowledge_notice,
    add_subtask,
    cancel_action,
    close_action,
    create_action,
    decide_extension,
    issue_notice,
    post_action_update,
    request_extension,
    return_action,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 4, 1)
NOON = datetime.datetime(2024, 4, 1, 4, 0, tzinfo=datetime.UTC)
Status = ActionItem.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def mine(owner, leader):
    """An open item of the home department that the owner's unit leads."""
    unit = owner.participant.organization
    return factories.ActionItemFactory(
        owner_organization=unit, due_date=TODAY + datetime.timedelta(30), created_by=leader
    )


@pytest.fixture
def helper_unit_owner(db):
    """A 责任人 in a co-responsible unit (协办)."""
    from django.contrib.auth.models import Group

    user = factories.UserFactory(username="helper", email="helper@example.cn")
    user.groups.add(Group.objects.get(name="责任人"))
    factories.ParticipantFactory(user=user, organization=factories.OrganizationFactory())
    return user


def done(action, owner, note="已完成"):
    post_action_update(action=action, user=owner, progress=100, note=note)
    action.refresh_from_db()
    return action


def messages_of(error):
    return " ".join(error.value.messages)


class TestSigningFor:
    def test_the_lead_unit_signs_for_a_new_item_with_who_and_when(self, mine, owner):
        acknowledge_action(action=mine, user=owner)
        mine.refresh_from_db()
        assert mine.acknowledged_by == owner
        assert mine.acknowledged_at is not None
        assert mine.history.first().history_change_reason == "签收"

    def test_an_item_is_signed_for_once(self, mine, owner):
        acknowledge_action(action=mine, user=owner)
        with pytest.raises(ValidationError, match="已经签收"):
            acknowledge_action(action=mine, user=owner)

    def test_nobody_but_the_lead_unit_signs(self, mine, leader, helper_unit_owner):
        mine.support_organizations.add(helper_unit_owner.participant.organization)
        for user in (leader, helper_unit_owner):
            with pytest.raises(PermissionDenied):
                acknowledge_action(action=mine, user=user)

    def test_a_first_progress_update_signs_for_the_item(self, mine, owner):
        post_action_update(action=mine, user=owner, progress=10, note="已召开专题会")
        mine.refresh_from_db()
        assert mine.acknowledged_by == owner

    def test_a_new_assignment_is_announced_to_the_owner(self, leader, owner):
        owner.email = "owner@example.cn"
        owner.save()
        trip = factories.TripFactory()
        create_action(
            trip=trip,
            user=leader,
            title="建立镇村干部跟班学习机制",
            owner_organization=owner.participant.organization,
            owner=owner.participant,
        )
        assert [m.to for m in mail.outbox] == [["owner@example.cn"]]
        assert "请及时签收" in mail.outbox[0].body


class TestCoResponsibleUnits:
    def test_a_co_unit_sees_the_item_and_reports_on_record_without_moving_it(
        self, mine, owner, helper_unit_owner
    ):
        mine.support_organizations.add(helper_unit_owner.participant.organization)
        assert ActionItem.objects.for_owner(helper_unit_owner).filter(pk=mine.pk).exists()
        update = post_action_update(
            action=mine, user=helper_unit_owner, progress=50, note="已提供用地指标测算"
        )
        mine.refresh_from_db()
        assert update.is_from_support_unit
        assert update.organization == helper_unit_owner.participant.organization
        assert (mine.progress, mine.status) == (0, Status.NOT_STARTED)

    def test_the_lead_unit_cannot_also_be_a_co_unit(self, leader, owner):
        unit = owner.participant.organization
        with pytest.raises(ValidationError) as error:
            create_action(
                trip=factories.TripFactory(),
                user=leader,
                title="推进工改工",
                owner_organization=unit,
                support_organizations=[unit],
            )
        assert "support_organizations" in error.value.message_dict

    def test_a_unit_neither_leading_nor_helping_cannot_report(self, mine, helper_unit_owner):
        with pytest.raises(PermissionDenied):
            post_action_update(action=mine, user=helper_unit_owner, progress=10, note="x")


class TestSubTasks:
    def split(self, mine, leader, owner, weights=(1, 3)):
        unit = owner.participant.organization
        return [
            add_subtask(
                action=mine, user=leader, title=f"子任务{i}", owner_organization=unit, weight=w
            )
            for i, w in enumerate(weights, 1)
        ]

    def test_the_parents_progress_is_the_weighted_mean_of_its_sub_tasks(self, mine, leader, owner):
        light, heavy = self.split(mine, leader, owner)
        post_action_update(action=light, user=owner, progress=100, note="完成")
        post_action_update(action=heavy, user=owner, progress=40, note="过半")
        mine.refresh_from_db()
        assert mine.progress == round((100 * 1 + 40 * 3) / 4)
        assert mine.status == Status.IN_PROGRESS

    def test_the_parent_is_done_when_every_sub_task_is_and_closes_with_them(
        self, mine, leader, owner
    ):
        subtasks = self.split(mine, leader, owner)
        for subtask in subtasks:
            done(subtask, owner)
        mine.refresh_from_db()
        assert (mine.status, mine.progress) == (Status.DONE, 100)
        close_action(action=mine, user=leader)
        assert set(mine.subtasks.values_list("status", flat=True)) == {Status.CLOSED}

    def test_a_parent_with_sub_tasks_takes_no_direct_progress(self, mine, leader, owner):
        self.split(mine, leader, owner)
        with pytest.raises(ValidationError, match="子任务"):
            post_action_update(action=mine, user=owner, progress=50, note="推进")

    def test_a_sub_task_is_not_split_again(self, mine, leader, owner):
        first, _ = self.split(mine, leader, owner)
        with pytest.raises(ValidationError):
            add_subtask(
                action=first,
                user=leader,
                title="再分解",
                owner_organization=owner.participant.organization,
            )

    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"title": " "}, "title"),
            ({"owner_organization": None}, "owner_organization"),
            ({"weight": 0}, "weight"),
            ({"due_date": TODAY - datetime.timedelta(1)}, "due_date"),
            ({"due_date": TODAY + datetime.timedelta(90)}, "due_date"),  # after the parent's
        ],
    )
    def test_bad_sub_tasks_are_refused_on_their_field(self, mine, leader, owner, changes, field):
        values = {"title": "子任务", "owner_organization": owner.participant.organization}
        with pytest.raises(ValidationError) as error:
            add_subtask(action=mine, user=leader, **{**values, **changes})
        assert field in error.value.message_dict
        assert not mine.subtasks.exists()

    def test_only_leaders_split_items(self, mine, owner, editor):
        for user in (owner, editor):
            with pytest.raises(PermissionDenied):
                add_subtask(
                    action=mine,
                    user=user,
                    title="子任务",
                    owner_organization=owner.participant.organization,
                )


class TestVerifyingAndReturning:
    def test_a_leader_returns_a_done_item_with_a_comment_and_it_is_back_in_progress(
        self, mine, leader, owner
    ):
        owner.email = "owner@example.cn"
        owner.save()
        done(mine, owner)
        mail.outbox.clear()
        return_action(action=mine, user=leader, comment="佐证材料不足，请补充验收报告")
        mine.refresh_from_db()
        assert mine.status == Status.IN_PROGRESS
        assert mine.returns.get().comment == "佐证材料不足，请补充验收报告"
        assert "佐证材料不足" in mail.outbox[0].body

    def test_a_return_needs_a_comment(self, mine, leader, owner):
        done(mine, owner)
        with pytest.raises(ValidationError) as error:
            return_action(action=mine, user=leader, comment="  ")
        assert "comment" in error.value.message_dict
        mine.refresh_from_db()
        assert mine.status == Status.DONE

    def test_only_a_done_item_is_returned(self, mine, leader):
        with pytest.raises(ValidationError, match="已完成"):
            return_action(action=mine, user=leader, comment="重办")

    def test_owners_neither_return_nor_close(self, mine, owner):
        done(mine, owner)
        with pytest.raises(PermissionDenied):
            return_action(action=mine, user=owner, comment="自己退回")
        with pytest.raises(PermissionDenied):
            close_action(action=mine, user=owner)

    def test_another_departments_leader_cannot_return(self, mine, owner):
        from django.contrib.auth.models import Group

        stranger = factories.UserFactory(is_staff=True)
        stranger.groups.add(Group.objects.get(name="审阅人"))
        factories.act_for(stranger, factories.OrganizationFactory(name="中共万州区委组织部"))
        done(mine, owner)
        with pytest.raises(PermissionDenied):
            return_action(action=mine, user=stranger, comment="退回")


class TestCancelling:
    REASON = "并入全区农文旅融合发展规划统一编制"

    def stranger(self):
        from django.contrib.auth.models import Group

        user = factories.UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name="审阅人"))
        return factories.act_for(user, factories.OrganizationFactory(name="中共万州区委组织部"))

    def test_a_cancelled_items_unacknowledged_notice_waits_for_nobody(self, mine, leader):
        issue_notice(action=mine, user=leader, level="yellow", text="请尽快报送进展")
        assert ActionItem.objects.attention_tally()["notice"] == 1
        cancel_action(action=mine, user=leader, reason=self.REASON)
        assert ActionItem.objects.attention_tally()["notice"] == 0

    def test_a_leader_cancels_an_open_item_with_the_reason_on_record(self, mine, leader, owner):
        post_action_update(action=mine, user=owner, progress=10, note="完成资源调查")
        cancel_action(action=mine, user=leader, reason=f"  {self.REASON}  ")
        mine.refresh_from_db()
        assert mine.status == Status.CANCELLED
        assert (mine.cancel_reason, mine.cancelled_by) == (self.REASON, leader)
        assert mine.cancelled_at == NOON
        record = mine.history.first()
        assert record.history_change_reason == f"已取消：{self.REASON}"
        assert record.history_user == leader

    def test_the_owners_are_told_why_by_e_mail(self, mine, leader, owner):
        owner.email = "owner@example.cn"
        owner.save()
        mail.outbox.clear()
        cancel_action(action=mine, user=leader, reason=self.REASON)
        assert [m.to for m in mail.outbox] == [["owner@example.cn"]]
        assert mail.outbox[0].subject == f"事项已取消：{mine.title}"
        assert self.REASON in mail.outbox[0].body
        assert f"/my-actions/{mine.pk}/" in mail.outbox[0].body

    def test_a_cancelled_item_takes_no_more_progress(self, mine, leader, owner):
        cancel_action(action=mine, user=leader, reason=self.REASON)
        with pytest.raises(ValidationError, match="已取消"):
            post_action_update(action=mine, user=owner, progress=20, note="继续推进")

    def test_its_timeline_ends_with_the_cancellation_and_its_reason(self, mine, leader, owner):
        from tours.models.followup import timeline

        post_action_update(action=mine, user=owner, progress=10, note="完成资源调查")
        with time_machine.travel(NOON + datetime.timedelta(days=3), tick=False):
            cancel_action(action=mine, user=leader, reason=self.REASON)
        mine.refresh_from_db()
        entries = timeline(mine, updates=mine.updates.all(), returns=[], extensions=[], notices=[])
        last = entries[-1]
        assert (last.kind, last.label, last.text) == ("cancelled", "已取消", self.REASON)
        assert last.who == leader
        assert last.shown_day == TODAY + datetime.timedelta(days=3)

    def test_its_open_sub_tasks_are_cancelled_with_it_and_a_done_one_stays_done(
        self, mine, leader, owner
    ):
        unit = owner.participant.organization
        first, second, _third = (
            add_subtask(action=mine, user=leader, title=t, owner_organization=unit)
            for t in ("资源调查", "规划编制", "专家评审")
        )
        done(first, owner)
        post_action_update(action=second, user=owner, progress=40, note="初稿")
        cancel_action(action=mine, user=leader, reason=self.REASON)
        statuses = dict(mine.subtasks.values_list("title", "status"))
        assert statuses == {
            "资源调查": Status.DONE,
            "规划编制": Status.CANCELLED,
            "专家评审": Status.CANCELLED,
        }
        second.refresh_from_db()
        assert (second.cancel_reason, second.cancelled_by) == (self.REASON, leader)
        assert second.history.first().history_change_reason == f"已取消：{self.REASON}"

    def test_a_cancelled_sub_task_leaves_its_parents_progress(self, mine, leader, owner):
        unit = owner.participant.organization
        kept, dropped = (
            add_subtask(action=mine, user=leader, title=t, owner_organization=unit, weight=w)
            for t, w in (("资源调查", 1), ("规划编制", 3))
        )
        done(kept, owner)
        mine.refresh_from_db()
        assert mine.progress == 25
        cancel_action(action=dropped, user=leader, reason=self.REASON)
        mine.refresh_from_db()
        # The one sub-task still counted is done, so the parent is done and awaits 销号.
        assert (mine.status, mine.progress) == (Status.DONE, 100)

    def test_a_waiting_request_for_more_time_is_refused_with_the_item(self, mine, leader, owner):
        extension = request_extension(
            action=mine, user=owner, due_date=TODAY + datetime.timedelta(60), reason="资金未到位"
        )
        cancel_action(action=mine, user=leader, reason=self.REASON)
        extension.refresh_from_db()
        assert extension.status == DeadlineExtension.Status.REFUSED
        assert (extension.decided_by, extension.comment) == (leader, "该事项已取消。")
        assert not ActionItem.objects.needing("extension").exists()

    def test_the_last_item_of_an_instruction_cancelled_sends_the_completion_report(
        self, leader, owner, django_capture_on_commit_callbacks
    ):
        instruction = factories.InstructionFactory(
            author=factories.ParticipantFactory(name="钱正华", email="qian@example.cn")
        )
        unit = owner.participant.organization
        closed, dropped = (
            factories.ActionItemFactory(
                trip=instruction.trip, source_instruction=instruction, owner_organization=unit
            )
            for _ in range(2)
        )
        close_action(action=done(closed, owner), user=leader)
        with django_capture_on_commit_callbacks(execute=True):
            cancel_action(action=dropped, user=leader, reason=self.REASON)
        instruction.refresh_from_db()
        assert instruction.feedback_sent_at is not None

    def test_a_reason_is_required_on_its_field(self, mine, leader):
        with pytest.raises(ValidationError) as error:
            cancel_action(action=mine, user=leader, reason="  ")
        assert error.value.message_dict == {"reason": ["请说明取消该事项的原因。"]}
        mine.refresh_from_db()
        assert mine.status == Status.NOT_STARTED

    @pytest.mark.parametrize(
        "reach, message",
        [
            ("done", "该事项已完成，不能取消：请审核后销号，或退回重办。"),
            ("closed", "该事项已销号，不能取消。"),
            ("cancelled", "该事项已经取消。"),
        ],
    )
    def test_only_an_open_item_is_cancelled(self, mine, leader, owner, reach, message):
        done(mine, owner)
        if reach == "closed":
            close_action(action=mine, user=leader)
        if reach == "cancelled":
            return_action(action=mine, user=leader, comment="重办")
            cancel_action(action=mine, user=leader, reason=self.REASON)
        status = ActionItem.objects.get(pk=mine.pk).status
        mail.outbox.clear()
        with pytest.raises(ValidationError) as error:
            cancel_action(action=mine, user=leader, reason="另有安排")
        assert error.value.messages == [message]
        mine.refresh_from_db()
        assert mine.status == status
        assert mine.cancel_reason in ("", self.REASON)
        assert not mail.outbox

    def test_owners_and_editors_cannot_cancel(self, mine, owner, editor):
        for user in (owner, editor):
            with pytest.raises(PermissionDenied, match="只有审阅领导才能取消事项"):
                cancel_action(action=mine, user=user, reason=self.REASON)
        mine.refresh_from_db()
        assert mine.status == Status.NOT_STARTED

    def test_another_departments_leader_cannot_cancel(self, mine):
        with pytest.raises(PermissionDenied):
            cancel_action(action=mine, user=self.stranger(), reason=self.REASON)
        mine.refresh_from_db()
        assert mine.status == Status.NOT_STARTED


class TestExtensions:
    def ask(self, mine, owner, days=60, reason="用地报批尚在省厅审核"):
        return request_extension(
            action=mine, user=owner, due_date=TODAY + datetime.timedelta(days), reason=reason
        )

    def test_an_approved_extension_moves_the_due_date_and_keeps_the_original(
        self, mine, leader, owner
    ):
        original = mine.due_date
        decide_extension(extension=self.ask(mine, owner), user=leader, approve=True)
        mine.refresh_from_db()
        assert mine.due_date == TODAY + datetime.timedelta(60)
        assert mine.original_due_date == original
        assert mine.was_extended

    def test_overdue_and_the_colours_follow_the_approved_date(self, mine, leader, owner):
        decide_extension(extension=self.ask(mine, owner), user=leader, approve=True)
        with time_machine.travel(NOON + datetime.timedelta(days=45), tick=False):
            assert not ActionItem.objects.overdue().filter(pk=mine.pk).exists()
            assert ActionItem.objects.with_warning().get(pk=mine.pk).warning != "red"

    def test_a_second_extension_keeps_the_first_original_date(self, mine, leader, owner):
        original = mine.due_date
        decide_extension(extension=self.ask(mine, owner), user=leader, approve=True)
        decide_extension(extension=self.ask(mine, owner, 90), user=leader, approve=True)
        mine.refresh_from_db()
        assert (mine.original_due_date, mine.due_date) == (
            original,
            TODAY + datetime.timedelta(90),
        )

    def test_a_refusal_needs_a_comment_and_leaves_the_date(self, mine, leader, owner):
        extension = self.ask(mine, owner)
        with pytest.raises(ValidationError) as error:
            decide_extension(extension=extension, user=leader, approve=False)
        assert "comment" in error.value.message_dict
        decide_extension(extension=extension, user=leader, approve=False, comment="时限不变")
        mine.refresh_from_db()
        assert mine.original_due_date is None
        assert extension.__class__.objects.get().status == DeadlineExtension.Status.REFUSED

    @pytest.mark.parametrize(
        "days, reason, field",
        [
            (0, "原因", "due_date"),
            (-5, "原因", "due_date"),
            (10, "原因", "due_date"),
            (60, "", "reason"),
        ],
    )
    def test_bad_requests_are_refused_on_their_field(self, mine, owner, days, reason, field):
        # Day 10 is before the current due date (day 30): that is no extension.
        with pytest.raises(ValidationError) as error:
            self.ask(mine, owner, days, reason)
        assert field in error.value.message_dict

    def test_one_request_waits_at_a_time(self, mine, owner):
        self.ask(mine, owner)
        with pytest.raises(ValidationError, match="等待"):
            self.ask(mine, owner, 90)

    def test_a_decided_request_is_not_decided_again(self, mine, leader, owner):
        extension = self.ask(mine, owner)
        decide_extension(extension=extension, user=leader, approve=True)
        with pytest.raises(ValidationError):
            decide_extension(extension=extension, user=leader, approve=False, comment="改主意")

    def test_only_the_lead_unit_asks_and_only_leaders_decide(
        self, mine, owner, leader, helper_unit_owner
    ):
        mine.support_organizations.add(helper_unit_owner.participant.organization)
        with pytest.raises(PermissionDenied):
            self.ask(mine, helper_unit_owner)
        extension = self.ask(mine, owner)
        with pytest.raises(PermissionDenied):
            decide_extension(extension=extension, user=owner, approve=True)

    def test_a_finished_item_needs_no_more_time(self, mine, owner):
        done(mine, owner)
        with pytest.raises(ValidationError, match="进行中"):
            self.ask(mine, owner)


class TestNotices:
    def test_a_red_notice_is_issued_mailed_and_acknowledged(self, mine, leader, owner):
        owner.email = "owner@example.cn"
        owner.save()
        notice = issue_notice(action=mine, user=leader, level="red", text="请于本周内报送整改方案")
        assert "挂牌督办" in mail.outbox[-1].subject
        assert SupervisionNotice.objects.unacknowledged().get() == notice
        acknowledge_notice(notice=notice, user=owner)
        notice.refresh_from_db()
        assert (notice.acknowledged_by, notice.is_acknowledged) == (owner, True)

    def test_a_notice_is_acknowledged_once_and_only_by_the_lead_unit(
        self, mine, leader, owner, helper_unit_owner
    ):
        mine.support_organizations.add(helper_unit_owner.participant.organization)
        notice = issue_notice(action=mine, user=leader, level="reminder", text="请尽快推进")
        for user in (leader, helper_unit_owner):
            with pytest.raises(PermissionDenied):
                acknowledge_notice(notice=notice, user=user)
        acknowledge_notice(notice=notice, user=owner)
        with pytest.raises(ValidationError, match="已经确认"):
            acknowledge_notice(notice=notice, user=owner)

    @pytest.mark.parametrize(
        "level, text, field", [("purple", "请推进", "level"), ("yellow", " ", "text")]
    )
    def test_bad_notices_are_refused_on_their_field(self, mine, leader, level, text, field):
        with pytest.raises(ValidationError) as error:
            issue_notice(action=mine, user=leader, level=level, text=text)
        assert field in error.value.message_dict

    def test_owners_do_not_issue_notices_and_closed_items_take_none(self, mine, leader, owner):
        with pytest.raises(PermissionDenied):
            issue_notice(action=mine, user=owner, level="blue", text="提醒")
        close_action(action=done(mine, owner), user=leader)
        with pytest.raises(ValidationError):
            issue_notice(action=mine, user=leader, level="blue", text="提醒")


class TestCompletionReport:
    def test_when_an_instructions_items_are_all_closed_its_author_hears_what_was_done(
        self, leader, owner, django_capture_on_commit_callbacks
    ):
        author = factories.ParticipantFactory(name="钱正华", email="qian@example.cn")
        instruction = factories.InstructionFactory(author=author)
        unit = owner.participant.organization
        first, second = (
            factories.ActionItemFactory(
                trip=instruction.trip,
                source_instruction=instruction,
                owner_organization=unit,
                title=title,
            )
            for title in ("编制产业链图谱", "建立项目专班")
        )
        with django_capture_on_commit_callbacks(execute=True):
            close_action(action=done(first, owner, "图谱已印发"), user=leader)
        assert not [m for m in mail.outbox if "办结反馈" in m.subject]
        with django_capture_on_commit_callbacks(execute=True):
            close_action(action=done(second, owner), user=leader)
        reports = [m for m in mail.outbox if "办结反馈" in m.subject]
        assert len(reports) == 1
        assert "qian@example.cn" in reports[0].to
        assert "编制产业链图谱" in reports[0].body and "图谱已印发" in reports[0].body
        instruction.refresh_from_db()
        assert instruction.feedback_sent_at is not None


def page(client, name, pk):
    from django.urls import reverse

    return reverse(f"tours:{name}", args=[pk])


class TestOwnersPages:
    def test_an_owner_signs_for_asks_for_time_and_acknowledges_on_the_items_page(
        self, client, mine, owner, leader
    ):
        notice = issue_notice(action=mine, user=leader, level="red", text="请本周报送方案")
        client.force_login(owner)
        body = client.get(page(client, "my-action", mine.pk)).content.decode()
        assert "签收交办事项" in body and "请本周报送方案" in body
        client.post(page(client, "my-action-acknowledge", mine.pk))
        client.post(page(client, "my-notice-acknowledge", notice.pk))
        client.post(
            page(client, "my-action-extension", mine.pk),
            {"due_date": "2024-09-30", "reason": "用地报批尚在省厅审核"},
        )
        mine.refresh_from_db()
        notice.refresh_from_db()
        assert mine.is_acknowledged and notice.is_acknowledged
        assert mine.extensions.pending().get().due_date == datetime.date(2024, 9, 30)
        body = client.get(page(client, "my-action", mine.pk)).content.decode()
        assert "正在等待领导审批" in body

    def test_an_extension_to_a_past_date_is_refused_on_its_field_and_the_reason_kept(
        self, client, mine, owner
    ):
        client.force_login(owner)
        response = client.post(
            page(client, "my-action-extension", mine.pk),
            {"due_date": "2024-03-01", "reason": "用地报批尚在省厅审核"},
        )
        form = response.context["extension_form"]
        assert form.errors["due_date"] == ["申请延至的日期必须晚于今天。"]
        assert form["reason"].value() == "用地报批尚在省厅审核"
        assert not mine.extensions.exists()

    def test_a_returned_items_page_shows_the_leaders_comment(self, client, mine, owner, leader):
        return_action(action=done(mine, owner), user=leader, comment="请补充验收报告")
        client.force_login(owner)
        body = client.get(page(client, "my-action", mine.pk)).content.decode()
        assert "退回重办" in body and "请补充验收报告" in body

    def test_a_co_unit_sees_the_item_in_its_list_marked_as_helping(
        self, client, mine, helper_unit_owner
    ):
        mine.support_organizations.add(helper_unit_owner.participant.organization)
        client.force_login(helper_unit_owner)
        assert mine.title in client.get("/my-actions/").content.decode()
        body = client.get(page(client, "my-action", mine.pk)).content.decode()
        assert "协办单位" in body
        assert "签收交办事项" not in body  # the lead unit signs, not the co-unit


class TestLeadersPages:
    def test_a_return_without_a_comment_shows_the_error_on_the_page(
        self, client, mine, owner, leader
    ):
        done(mine, owner)
        client.force_login(leader)
        response = client.post(page(client, "review-action-return", mine.pk), {"comment": ""})
        assert response.context["return_form"].errors["comment"] == ["请写明还需要做什么。"]
        mine.refresh_from_db()
        assert mine.status == Status.DONE

    def test_a_leader_splits_decides_and_issues_from_the_items_page(
        self, client, mine, owner, leader
    ):
        extension = request_extension(
            action=mine, user=owner, due_date=datetime.date(2024, 8, 1), reason="资金未到位"
        )
        client.force_login(leader)
        unit = owner.participant.organization
        client.post(
            page(client, "review-action-subtask", mine.pk),
            {"title": "完成选址", "owner_organization": unit.pk, "weight": "2"},
        )
        client.post(
            page(client, "review-extension-decide", extension.pk), {"approve": "1", "comment": ""}
        )
        client.post(
            page(client, "review-action-notice", mine.pk), {"level": "yellow", "text": "请加快"}
        )
        mine.refresh_from_db()
        assert mine.subtasks.get().weight == 2
        assert mine.due_date == datetime.date(2024, 8, 1)
        assert mine.notices.get().level == "yellow"
        body = client.get(page(client, "review-action", mine.pk)).content.decode()
        assert "完成选址" in body and "批准延期" in body and "督办" in body

    def test_the_overview_counts_what_needs_attention_and_links_to_it(
        self, client, mine, owner, leader
    ):
        request_extension(
            action=mine, user=owner, due_date=datetime.date(2024, 8, 1), reason="资金未到位"
        )
        client.force_login(leader)
        response = client.get("/review/actions/")
        figures = {f["kind"]: f["count"] for f in response.context["attention"]}
        assert figures == {"awaiting": 0, "extension": 1, "notice": 0, "unsigned": 1}
        listed = client.get("/review/actions/?attention=extension").context["page"]
        assert [a.pk for a in listed] == [mine.pk]

    def test_a_leader_cancels_from_the_items_page_after_a_confirmation(self, client, mine, leader):
        client.force_login(leader)
        body = client.get(page(client, "review-action", mine.pk)).content.decode()
        cancel_url = page(client, "review-action-cancel", mine.pk)
        assert f'action="{cancel_url}" data-confirm="确认取消该事项？' in body
        assert "js/confirm" in body
        response = client.post(cancel_url, {"reason": "并入全区规划统一编制"}, follow=True)
        mine.refresh_from_db()
        assert mine.status == Status.CANCELLED
        body = response.content.decode()
        assert "事项已取消，并将取消原因通知责任单位。" in body
        assert "并入全区规划统一编制" in body  # the callout and the timeline
        assert cancel_url not in body  # nothing left to cancel

    def test_a_cancellation_without_a_reason_shows_the_error_on_the_page(
        self, client, mine, leader
    ):
        client.force_login(leader)
        response = client.post(page(client, "review-action-cancel", mine.pk), {"reason": ""})
        assert response.context["cancel_form"].errors["reason"] == ["请说明取消该事项的原因。"]
        assert "请说明取消该事项的原因。" in response.content.decode()
        mine.refresh_from_db()
        assert mine.status == Status.NOT_STARTED

    def test_a_closed_items_cancellation_is_refused_on_the_page(self, client, mine, leader, owner):
        close_action(action=done(mine, owner), user=leader)
        client.force_login(leader)
        response = client.post(
            page(client, "review-action-cancel", mine.pk), {"reason": "另有安排"}
        )
        assert "该事项已销号，不能取消。" in response.content.decode()
        mine.refresh_from_db()
        assert mine.status == Status.CLOSED

    def test_another_departments_item_is_not_found_for_cancelling(self, client, leader):
        theirs = factories.ActionItemFactory(
            trip=factories.TripFactory(
                organizer=factories.OrganizationFactory(name="万州区委组织部")
            )
        )
        client.force_login(leader)
        response = client.post(page(client, "review-action-cancel", theirs.pk), {"reason": "x"})
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.status == Status.NOT_STARTED

    def test_the_owner_reads_why_the_item_was_cancelled(self, client, mine, leader, owner):
        cancel_action(action=mine, user=leader, reason="并入全区规划统一编制")
        client.force_login(owner)
        body = client.get(page(client, "my-action", mine.pk)).content.decode()
        assert "已取消" in body and "并入全区规划统一编制" in body

    def test_an_instructions_page_shows_how_each_item_is_handled(self, client, leader, owner):
        instruction = factories.InstructionFactory(trip=factories.TripFactory())
        factories.ActionItemFactory(
            trip=instruction.trip, source_instruction=instruction, title="编制产业链图谱"
        )
        client.force_login(leader)
        body = client.get(page(client, "review-instruction-detail", instruction.pk)).content
        assert "编制产业链图谱" in body.decode() and "办理情况" in body.decode()


@pytest.mark.parametrize("scale", [1, 5])
def test_the_items_pages_stay_within_budget_however_long_the_loop(
    client, mine, owner, leader, scale, django_assert_max_num_queries
):
    unit = owner.participant.organization
    mine.support_organizations.add(*factories.OrganizationFactory.create_batch(scale))
    for i in range(scale):
        add_subtask(action=mine, user=leader, title=f"子任务{i}", owner_organization=unit)
        issue_notice(action=mine, user=leader, level="reminder", text=f"催办{i}")
    for subtask in mine.subtasks.all():
        post_action_update(action=subtask, user=owner, progress=100, note="完成")
        return_action(action=subtask, user=leader, comment="补充材料")
    request_extension(action=mine, user=owner, due_date=datetime.date(2024, 9, 1), reason="延期")
    for user, name, budget in ((owner, "my-action", 14), (leader, "review-action", 16)):
        client.force_login(user)
        with django_assert_max_num_queries(budget):
            assert client.get(page(client, name, mine.pk)).status_code == 200
    client.force_login(leader)
    instruction = factories.InstructionFactory(trip=mine.trip)
    mine.subtasks.update(source_instruction=instruction)
    with django_assert_max_num_queries(10):
        client.get(page(client, "review-instruction-detail", instruction.pk))
