"""Daily e-mails: owners' deadline reminders and followers' progress digests."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tours.models import EmailDigest
from tours.services import post_action_update, watch_action

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 4, 1)
MORNING = datetime.datetime(2024, 4, 1, 0, 30, tzinfo=datetime.UTC)  # 8:30 in Shanghai


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def owner_person(owner):
    person = owner.participant
    person.email = "wangzhiqiang@liangping.example.cn"
    person.save()
    return person


def item(person, title, due, **kwargs):
    return factories.ActionItemFactory(
        title=title, owner=person, owner_organization=person.organization, due_date=due, **kwargs
    )


def remind():
    out = StringIO()
    call_command("remind_overdue", stdout=out)
    return out.getvalue()


class TestDeadlineReminders:
    def test_an_owner_gets_one_digest_of_overdue_and_upcoming_items(self, owner_person):
        item(owner_person, "逾期的事项", days(-3))
        item(owner_person, "七天内到期的事项", days(7))
        item(owner_person, "下个月的事项", days(30))
        item(owner_person, "已完成的逾期事项", days(-3), status="done")
        with time_machine.travel(MORNING, tick=False):
            assert remind() == "Deadline reminders sent: 1.\n"
        [message] = mail.outbox
        assert message.to == ["wangzhiqiang@liangping.example.cn"]
        assert message.subject == "落实事项提醒：1项已逾期，1项7日内到期"
        assert "逾期的事项" in message.body
        assert "七天内到期的事项" in message.body
        assert "下个月的事项" not in message.body
        assert "已完成的逾期事项" not in message.body
        assert "2024年3月29日" in message.body
        assert reverse("tours:my-actions") in message.body

    def test_at_most_once_a_day_per_owner(self, owner_person):
        item(owner_person, "逾期的事项", days(-3))
        with time_machine.travel(MORNING, tick=False):
            remind()
            assert remind() == "Deadline reminders sent: 0.\n"
        assert len(mail.outbox) == 1
        with time_machine.travel(MORNING + datetime.timedelta(days=1), tick=False):
            remind()
        assert len(mail.outbox) == 2

    def test_the_linked_accounts_address_is_preferred(self, owner, owner_person):
        owner.email = "owner@liangping.example.cn"
        owner.save()
        item(owner_person, "逾期的事项", days(-3))
        with time_machine.travel(MORNING, tick=False):
            remind()
        assert mail.outbox[0].to == ["owner@liangping.example.cn"]

    def test_owners_without_an_address_are_skipped(self):
        item(factories.ParticipantFactory(email=""), "没人能收到的事项", days(-3))
        with time_machine.travel(MORNING, tick=False):
            assert remind() == "Deadline reminders sent: 0.\n"

    def test_a_failed_send_is_retried_by_the_next_run(self, owner_person, settings):
        item(owner_person, "逾期的事项", days(-3))
        settings.EMAIL_BACKEND = "tests.tours.test_notifications.FailingBackend"
        with time_machine.travel(MORNING, tick=False):
            with pytest.raises(ConnectionError):
                remind()
            assert not EmailDigest.objects.exists()
            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
            remind()
        assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP server unreachable")


class TestProgressDigest:
    def digest(self):
        out = StringIO()
        call_command("send_progress_digest", stdout=out)
        return out.getvalue()

    def test_the_creator_and_watchers_get_the_days_updates(self, owner, owner_person, leader):
        leader.email = "leader@liangping.example.cn"
        leader.save()
        watcher = factories.UserFactory(username="deputy", email="deputy@liangping.example.cn")
        watcher.groups.add(*leader.groups.all())
        factories.act_for(watcher)
        with time_machine.travel(MORNING - datetime.timedelta(hours=2), tick=False):
            action = item(owner_person, "出台技改专项资金管理办法", days(30), created_by=leader)
            watch_action(action=action, user=watcher)
            post_action_update(action=action, user=owner, progress=60, note="已形成送审稿。")
            item(owner_person, "无人关注的事项", days(30))
        with time_machine.travel(MORNING, tick=False):
            assert self.digest() == "Progress digests sent: 2.\n"
        assert sorted(m.to[0] for m in mail.outbox) == [
            "deputy@liangping.example.cn",
            "leader@liangping.example.cn",
        ]
        message = mail.outbox[0]
        assert message.subject == "您关注的落实事项有1条新进展"
        assert "出台技改专项资金管理办法" in message.body
        assert "已形成送审稿。" in message.body

    def test_each_update_is_sent_once_and_the_digest_once_a_day(self, owner, owner_person, leader):
        leader.email = "leader@liangping.example.cn"
        leader.save()
        action = item(owner_person, "事项", days(30), created_by=leader)
        with time_machine.travel(MORNING - datetime.timedelta(hours=1), tick=False):
            post_action_update(action=action, user=owner, progress=30, note="第一次进展")
        with time_machine.travel(MORNING, tick=False):
            self.digest()
        with time_machine.travel(MORNING + datetime.timedelta(hours=1), tick=False):
            post_action_update(action=action, user=owner, progress=50, note="第二次进展")
            assert self.digest() == "Progress digests sent: 0.\n"
        with time_machine.travel(MORNING + datetime.timedelta(days=1), tick=False):
            self.digest()
        assert len(mail.outbox) == 2
        assert "第一次进展" not in mail.outbox[1].body
        assert "第二次进展" in mail.outbox[1].body

    def test_nobody_is_told_of_their_own_updates(self, owner, owner_person):
        owner.email = "owner@liangping.example.cn"
        owner.save()
        action = item(owner_person, "事项", days(30), created_by=owner)
        post_action_update(action=action, user=owner, progress=30, note="自己的进展")
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
            assert self.digest() == "Progress digests sent: 0.\n"


def test_the_commands_say_what_they_do():
    from tours.management.commands import remind_overdue, send_progress_digest

    assert "at most once a day" in remind_overdue.Command.help
    assert remind_overdue.Command.__doc__
    assert send_progress_digest.Command.__doc__
