import pytest
from django.contrib.auth.models import Group

from zones.models import Zone, ZoneEditor
from zones.roles import Role

# Test modules import these after this conftest: their failing asserts then explain themselves too.
pytest.register_assert_rewrite("tests.helpers", "tests.servers")


def _user(django_user_model, username, role, zones=()):
    user = django_user_model.objects.create_user(username=username, password="correct horse battery")
    user.groups.add(Group.objects.get(name=role.value))
    for code in zones:
        ZoneEditor.objects.create(user=user, zone=Zone.objects.get(code=code))
    return user


@pytest.fixture
def viewer(db, django_user_model):
    return _user(django_user_model, "viewer", Role.VIEWER)


@pytest.fixture
def editor_bdh(db, django_user_model):
    return _user(django_user_model, "editor-bdh", Role.ZONE_EDITOR, ["BDH"])


@pytest.fixture
def editor_dpm(db, django_user_model):
    return _user(django_user_model, "editor-dpm", Role.ZONE_EDITOR, ["DPM"])


@pytest.fixture
def administrator(db, django_user_model):
    user = _user(django_user_model, "admin", Role.ADMINISTRATOR)
    user.is_staff = True
    user.save()
    return user


# --- Translations -----------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """Compile locale/*/LC_MESSAGES/*.po when a .mo is missing or older, so `pytest` alone suffices.

    The .mo files are built, never committed; `make test` compiles them too. Django caches catalogs
    once loaded, so the cache is dropped after compiling.
    """
    import contextlib
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import trans_real

    def stale(po: Path) -> bool:
        mo = po.with_suffix(".mo")
        return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime

    if any(stale(po) for path in settings.LOCALE_PATHS for po in Path(path).glob("*/LC_MESSAGES/*.po")):
        with contextlib.chdir(settings.BASE_DIR):
            call_command("compilemessages", ignore_patterns=[".venv/*", "staticfiles/*"], verbosity=0)
        trans_real._translations = {}
        trans_real._default = None
    yield


@pytest.fixture(autouse=True)
def installation_language():
    """Each test starts in the test settings' language: a request in Vietnamese (LocaleMiddleware)
    leaves its language active in the thread, which would leak into the next test's messages."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test's database starts again from the same summary version: pages kept by an earlier test
    must not be served to this one."""
    from django.core.cache import caches

    caches["pages"].clear()
