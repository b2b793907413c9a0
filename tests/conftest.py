import pytest
from django.contrib.auth.models import Group

from tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to a folder of its own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached pages of one test never answer another."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in the site's default language, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


def _user_in(group_name, **kwargs):
    user = factories.UserFactory(**kwargs)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    """A 录入员: enters trips in the admin."""
    return _user_in("录入员", username="editor", is_staff=True)


@pytest.fixture
def leader(db):
    """A 审阅人: reviews takeaways and publishes trips."""
    return _user_in("审阅人", username="leader", is_staff=True)


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the database's starting state (the roles) restorable in every test.

    Django serializes the freshly migrated database onto the connection object, and a
    transactional test with serialized_rollback reloads it from there after each flush.
    Once a non-transactional test has run, later tests get a new connection object
    without it, so their rollback silently restored nothing and the roles vanished
    (the browser tests failed whenever the whole suite ran). Any connection now has it.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
