import importlib

import pytest
from django.contrib.auth.models import Group

from tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to a folder of its own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    """Evidence files of a test go to a folder of its own, outside its media folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached pages of one test never answer another."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in the site's default language, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


# Migrations that grant the roles their permissions, in order, with what each grants.
ROLE_GRANTS = [
    ("tours.migrations.0002_roles", "ROLES"),
    ("tours.migrations.0003_review", "NEW_PERMISSIONS"),
    ("tours.migrations.0009_shapes", "NEW_PERMISSIONS"),
]


@pytest.fixture
def warm_process(db):
    """What a running worker already holds: the content types it looked up once.

    A transactional test's flush empties that cache, so without this a budget would
    count the lookup or not depending on which tests ran before.
    """
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries, warm_process):
    """Query budgets count what every request does, not what a process does once."""
    return django_assert_max_num_queries


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, warm_process):
    return django_assert_num_queries


@pytest.fixture
def roles(transactional_db):
    """The roles the migrations create, for transactional tests, whose flushes drop them."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for module, attribute in ROLE_GRANTS:
        for name, perms in getattr(importlib.import_module(module), attribute).items():
            group, _ = Group.objects.get_or_create(name=name)
            for perm in perms:
                app_label, codename = perm.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


def _user_in(group_name, **kwargs):
    user = factories.UserFactory(**kwargs)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    """A 录入员 of the home department: enters its trips in the admin."""
    return factories.act_for(_user_in("录入员", username="editor", is_staff=True))


@pytest.fixture
def leader(db):
    """A 审阅人 of the home department: reviews its takeaways and publishes its trips."""
    return factories.act_for(_user_in("审阅人", username="leader", is_staff=True))


@pytest.fixture
def owner(db):
    """A 责任人: a contact in a responsible unit, linked to a person."""
    user = _user_in("责任人", username="owner")
    factories.ParticipantFactory(user=user)
    return user


@pytest.fixture
def outsider(db):
    """Signed in, but in no group."""
    return _user_in(None, username="outsider")


@pytest.fixture
def superuser(db):
    return _user_in(None, username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def anonymous(client):
    return client
