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
