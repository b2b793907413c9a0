"""Signing in and out, changing a password, and locking out password guessers."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


class TestSigningIn:
    def test_the_login_page_is_chinese(self, client):
        page = client.get(LOGIN).content.decode()
        assert "<h1>登录</h1>" in page
        assert "密码连续输错5次，账号将锁定15分钟" in page

    @pytest.mark.parametrize(
        "who, lands_on",
        [
            ("leader", "/review/"),
            ("owner", "/my-actions/"),
            ("editor", "/admin/"),
        ],
    )
    def test_each_role_lands_where_its_work_is(self, client, request, who, lands_on):
        user = request.getfixturevalue(who)
        response = sign_in(client, user.username, "correct horse battery")
        assert response.status_code == 302
        assert client.get(response.url).url == lands_on

    def test_an_owner_not_yet_linked_to_a_person_is_told_to_ask_for_it(self, client):
        user = factories.UserFactory(username="new-owner")
        user.groups.add(Group.objects.get(name="责任人"))
        client.force_login(user)
        page = client.get(reverse("accounts:home"), follow=True).content.decode()
        assert "您的账号尚未关联人员信息" in page

    def test_an_account_without_a_role_is_told_so(self, client, outsider):
        sign_in(client, "outsider", "correct horse battery")
        page = client.get(reverse("accounts:home")).content.decode()
        assert "您的账号尚未分配角色" in page

    def test_a_wrong_password_says_so_in_chinese(self, client, leader):
        page = sign_in(client, "leader", "wrong").content.decode()
        assert "请输入一个正确的" in page

    def test_next_brings_the_leader_back_to_the_page_they_asked_for(self, client, leader):
        asked = client.get(reverse("tours:review-actions"))
        assert asked.url == f"{LOGIN}?next=/review/actions/"
        response = client.post(
            asked.url,
            {"username": "leader", "password": "correct horse battery", "next": "/review/actions/"},
        )
        assert response.url == "/review/actions/"


class TestSigningOut:
    def test_logout_is_a_post(self, client, leader):
        client.force_login(leader)
        assert client.get(reverse("accounts:logout")).status_code == 405
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert client.get(reverse("tours:review-desk")).status_code == 302

    def test_every_staff_page_offers_a_logout_form(self, client, leader):
        client.force_login(leader)
        page = client.get(reverse("tours:review-desk")).content.decode()
        assert f'method="post" action="{reverse("accounts:logout")}"' in page


class TestPasswordChange:
    def test_a_user_changes_their_password(self, client, owner):
        client.force_login(owner)
        response = client.post(
            reverse("accounts:password-change"),
            {
                "old_password": "correct horse battery",
                "new_password1": "梁平区-落实-2024-新密码",
                "new_password2": "梁平区-落实-2024-新密码",
            },
        )
        assert response.url == reverse("accounts:password-changed")
        owner.refresh_from_db()
        assert owner.check_password("梁平区-落实-2024-新密码")

    def test_a_wrong_old_password_is_named_on_its_field(self, client, owner):
        client.force_login(owner)
        response = client.post(
            reverse("accounts:password-change"),
            {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
        )
        assert "old_password" in response.context["form"].errors


class TestLockout:
    def test_five_failures_lock_the_account_and_address_for_15_minutes(self, client, leader):
        start = datetime.datetime(2024, 4, 1, 2, 0, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False):
            for _ in range(5):
                sign_in(client, "leader", "guess")
            locked = sign_in(client, "leader", "correct horse battery")
            assert locked.status_code == 429
            assert "账号已锁定" in locked.content.decode()
        with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
            assert sign_in(client, "leader", "correct horse battery").status_code == 302

    def test_four_failures_do_not_lock(self, client, leader):
        for _ in range(4):
            sign_in(client, "leader", "guess")
        assert sign_in(client, "leader", "correct horse battery").status_code == 302

    def test_another_account_from_the_same_address_is_not_locked(self, client, leader):
        factories.UserFactory(username="colleague")
        for _ in range(5):
            sign_in(client, "leader", "guess")
        assert sign_in(client, "colleague", "correct horse battery").status_code == 302


@pytest.fixture
def behind_proxy(settings):
    """What DJANGO_BEHIND_PROXY=1 sets (tests/test_deploy.py checks that it does)."""
    settings.TRUSTED_PROXIES = 1
    settings.AXES_CLIENT_IP_CALLABLE = "config.ops.client_ip_address"


def guess(client, forwarded_for, password="guess"):
    return client.post(
        LOGIN, {"username": "leader", "password": password}, HTTP_X_FORWARDED_FOR=forwarded_for
    )


class TestLockoutBehindTheProxy:
    """Every request reaches gunicorn from nginx at 127.0.0.1 (the test client's address)."""

    @pytest.mark.usefixtures("behind_proxy")
    def test_a_guesser_locks_out_only_their_own_address(self, client, leader):
        for _ in range(5):
            guess(client, "203.0.113.5")
        assert guess(client, "203.0.113.5", "correct horse battery").status_code == 429
        assert guess(client, "198.51.100.7", "correct horse battery").status_code == 302

    @pytest.mark.usefixtures("behind_proxy")
    def test_an_address_the_client_adds_itself_does_not_dodge_the_lockout(self, client, leader):
        for number in range(5):
            guess(client, f"10.0.0.{number}, 203.0.113.5")  # nginx appends what it saw
        assert guess(client, "10.9.9.9, 203.0.113.5", "correct horse battery").status_code == 429

    def test_without_a_proxy_x_forwarded_for_is_ignored(self, client, leader):
        for number in range(5):
            guess(client, f"10.0.0.{number}")
        assert guess(client, "10.9.9.9", "correct horse battery").status_code == 429
