"""What the web layer guarantees whatever the view: administrators cannot raise anyone above their
role, targets are positive, a NUL in the address is a 400, database time limits, the API's JSON
error contract, no shared caching of signed-in answers, and a lockout per username."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from config import health
from config.database import limit_statements
from config.middleware import PrivateCacheMiddleware
from reports.models import TARGET_NOT_POSITIVE, Target
from tests import factories as f
from zones.models import ApiToken
from zones.roles import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"  # the fixtures' password
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL behaviour")


def token_for(user) -> dict[str, str]:
    _token, key = ApiToken.issue(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


# --- administrators manage users and roles, not superusers or permissions ----------------------------


def change_form(user, **changes) -> dict:
    """The admin's change form of ``user`` as a browser posts it."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(g.pk) for g in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_an_administrator_sees_neither_superuser_status_nor_individual_permissions(
    client, administrator, viewer
):
    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_change", args=[viewer.pk])).content.decode()
    assert 'name="is_active"' in page and 'name="is_staff"' in page and 'name="groups"' in page
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    changelist = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "is_superuser__exact" not in changelist  # no "superuser status" filter either


def test_an_administrator_cannot_make_themselves_or_anyone_a_superuser(client, administrator, viewer):
    permission = Permission.objects.get(codename="delete_user")
    client.force_login(administrator)
    for user in (administrator, viewer):
        response = client.post(
            reverse("admin:auth_user_change", args=[user.pk]),
            change_form(user, is_staff="on", is_superuser="on", user_permissions=[str(permission.pk)]),
        )
        assert response.status_code == 302, response.content.decode()
        user.refresh_from_db()
        assert not user.is_superuser
        assert not user.user_permissions.exists()
    assert viewer.is_staff  # what an administrator may change is saved


def test_an_administrator_gives_the_roles_and_only_the_roles(client, administrator, viewer):
    other = Group.objects.create(name="auditors")
    other.permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[viewer.pk])
    page = client.get(url).content.decode()
    for role in Role:
        assert f">{role.value}</option>" in page
    assert ">auditors</option>" not in page
    editor = Group.objects.get(name=Role.ZONE_EDITOR.value)
    assert client.post(url, change_form(viewer, groups=[str(editor.pk)])).status_code == 302
    assert list(viewer.groups.values_list("name", flat=True)) == [Role.ZONE_EDITOR.value]
    refused = client.post(url, change_form(viewer, groups=[str(other.pk)]))
    assert refused.status_code == 200
    assert (
        f"Select a valid choice. {other.pk} is not one of the available choices." in refused.content.decode()
    )
    assert not viewer.groups.filter(name="auditors").exists()


def test_groups_given_by_a_superuser_survive_an_administrators_edit(client, administrator, viewer):
    viewer.groups.add(Group.objects.create(name="auditors"))
    client.force_login(administrator)
    viewer_group = Group.objects.get(name=Role.VIEWER.value)
    response = client.post(
        reverse("admin:auth_user_change", args=[viewer.pk]),
        change_form(viewer, groups=[str(viewer_group.pk)], first_name="Lan"),
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.first_name == "Lan"
    assert set(viewer.groups.values_list("name", flat=True)) == {"viewer", "auditors"}


def test_an_administrator_cannot_change_a_superusers_account(client, administrator, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[root.pk])
    page = client.get(url)
    assert page.status_code == 200  # they may see the account...
    assert 'name="_save"' not in page.content.decode()  # ...read-only
    assert client.post(url, change_form(root, is_active=None)).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == 403
    assert client.post(password_url, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.check_password(PASSWORD)


def test_a_superuser_still_grants_superuser_status_and_permissions(client, django_user_model, viewer):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    permission = Permission.objects.get(codename="delete_user")
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[viewer.pk])
    assert 'name="is_superuser"' in client.get(url).content.decode()
    response = client.post(url, change_form(viewer, is_superuser="on", user_permissions=[str(permission.pk)]))
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.is_superuser and viewer.user_permissions.get() == permission


# --- targets are positive ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -5])
def test_a_target_of_zero_or_less_is_refused_by_the_model(value):
    with pytest.raises(ValidationError) as error:
        Target(indicator="new_union_members", year=2024, value=value).full_clean()
    assert error.value.message_dict["value"] == [str(TARGET_NOT_POSITIVE)]


def test_the_database_refuses_a_target_of_zero():
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(indicator="new_union_members", year=2024, value=0)


@pytest.mark.parametrize("value", ["0", "-1"])
def test_the_target_form_refuses_zero(client, administrator, value):
    client.force_login(administrator)
    response = client.post(
        reverse("target-create"),
        {"indicator": "new_union_members", "zone": "", "year": "2024", "value": value},
    )
    assert response.status_code == 200
    assert "A target is a positive whole number: 1 or more." in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.parametrize("value", ["0", "-3"])
def test_set_target_refuses_zero(value):
    with pytest.raises(
        CommandError, match=rf"--value must be a positive whole number \(1 or more\), not {value}"
    ):
        call_command("set_target", "--indicator", "new_union_members", "--year", "2024", "--value", value)
    assert not Target.objects.exists()


# --- a NUL in the address ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/organizations/?q=a%00b", "/enterprises/?q=%00", "/zones/BDH%00/", "/?period=2024%00"]
)
def test_a_nul_in_a_page_address_is_a_400_page(client, viewer, url):
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Bad request</h1>" in page
    assert "The address of this page is not valid" in page


@pytest.mark.parametrize(
    "url", ["/api/v1/indicators?zone=BDH%00", "/api/v1/enterprises?period=2024&page%00=1", "/api/v1/zones%00"]
)
def test_a_nul_in_an_api_address_is_a_json_400(client, viewer, url):
    response = client.get(url, **token_for(viewer))
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "error": "The address contains a NUL character (a zero byte): remove it and try again.",
    }


def test_a_nul_in_the_session_cookie_is_a_400_not_a_lookup(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 400


# --- database time limits ------------------------------------------------------------------------------

SHOW_DATABASES = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({alias: db.get("OPTIONS", {}) for alias, db in settings.DATABASES.items()}))
"""


def database_options(**env) -> dict:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SHOW_DATABASES],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_postgresql_connections_give_up_after_the_connect_timeout():
    url = "postgres://coverage@10.0.0.2:5432/coverage"
    assert database_options(DATABASE_URL=url) == {"default": {"connect_timeout": 5}}
    both = database_options(DATABASE_URL=url, DATABASE_REPLICA_URL=url, DATABASE_CONNECT_TIMEOUT="2")
    assert both == {"default": {"connect_timeout": 2}, "replica": {"connect_timeout": 2}}
    assert database_options() == {"default": {}}  # SQLite has no such option


SHOW_STATEMENT_TIMEOUT = """
import sys
if sys.argv[1] == "web":
    import config.wsgi
else:
    import django
    django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print(cursor.fetchone()[0])
"""


@postgres_only
@pytest.mark.parametrize(("process", "env", "expected"), [
    ("web", {}, "30s"),
    ("web", {"DATABASE_STATEMENT_TIMEOUT": "5"}, "5s"),
    ("web", {"DATABASE_STATEMENT_TIMEOUT": "0"}, "0"),
    ("command", {}, "0"),  # imports and exports run as long as they need
])  # fmt: skip
def test_what_gunicorn_serves_cancels_long_statements_and_commands_do_not(process, env, expected):
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SHOW_STATEMENT_TIMEOUT, process],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "development",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def sleep_in_the_database(*args, **kwargs):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(10)")


@postgres_only
@pytest.mark.parametrize("url", ["/", "/api/v1/indicators?period=2024"])
def test_a_statement_past_the_timeout_gets_the_unavailable_answer_instead_of_hanging(viewer, settings, url):
    # The served app's limit on this connection, shortened; the test's transaction undoes the SET.
    settings.DATABASE_STATEMENT_TIMEOUT = 1
    limit_statements(sender=None, connection=connection)
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    started = time.monotonic()
    with (
        mock.patch("reports.display.pages.period_choice", sleep_in_the_database),
        mock.patch("reports.engine.indicators.compute", sleep_in_the_database),
    ):
        response = client.get(url)
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    if url.startswith("/api/"):
        assert response.json()["status"] == 503
    else:
        assert "Temporarily unavailable" in response.content.decode()


@postgres_only
def test_healthz_gives_up_on_a_database_that_does_not_answer_within_seconds(client, monkeypatch):
    monkeypatch.setattr(health, "PROBE", "SELECT pg_sleep(10)")
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json() == {"status": "error", "unavailable": ["default"]}


def test_healthz_answers_503_for_a_connection_already_closed(client):
    with mock.patch.object(connection, "cursor", side_effect=InterfaceError("connection already closed")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "unavailable": ["default"]}


# --- the API answers in JSON, errors included -------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_refuses_writes_with_a_json_405_even_with_a_token(viewer, method):
    client = Client(enforce_csrf_checks=True)  # as a script sends it: no CSRF cookie
    response = getattr(client, method)(reverse("api-zones"), **token_for(viewer))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"status": 405, "error": "The API is read-only: only GET is allowed."}


def test_a_signed_in_browser_gets_the_same_405(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post(reverse("api-indicators"), {"period": "2024"})
    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_an_unknown_endpoint_is_a_json_404(client, viewer):
    response = client.get("/api/v1/nothing-here", **token_for(viewer))
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "error": "There is no such resource: see the list of endpoints in the API documentation.",
    }


def test_a_database_outage_is_a_json_503(viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("gone")
    ):
        response = client.get(reverse("api-zones"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "status": 503,
        "error": "The database cannot be reached at the moment: try again shortly.",
    }


def test_an_unexpected_error_is_a_json_500_and_is_logged(viewer, caplog):
    client = Client(raise_request_exception=False)
    with mock.patch("reports.engine.indicators.compute", side_effect=ZeroDivisionError("bug")):
        response = client.get(reverse("api-indicators"), {"period": "2024"}, **token_for(viewer))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 500,
        "error": "Something went wrong on our side; the error has been logged.",
    }
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_api_errors_keep_their_own_messages(client, viewer):
    response = client.get(reverse("api-indicators"), {"period": "2024S3"}, **token_for(viewer))
    assert response.status_code == 400
    assert "“2024S3” is not a period" in response.json()["error"]
    assert client.get(reverse("api-zones")).json() == {
        "status": 401,
        "error": "Authentication required: log in or send an API token.",
    }


# --- no shared caching of signed-in answers -------------------------------------------------------------


def test_signed_in_pages_and_api_answers_are_private_and_not_stored(client, viewer):
    f.report(f.enterprise("BDH"), "2024S1", workers=10)
    api = Client()
    for response in (
        api.get(reverse("api-indicators"), {"period": "2024"}, **token_for(viewer)),
        api.get(reverse("api-zones")),  # the 401 as well
        api.get("/api/v1/nothing-here", **token_for(viewer)),
    ):
        assert response["Cache-Control"] == "private, no-store", response
    client.force_login(viewer)
    for url in ("/", "/zones/BDH/", "/enterprises/", "/organizations/", reverse("target-list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_a_signed_in_answer_that_asks_for_caching_is_made_private(rf, viewer):
    def cached(request):
        response = HttpResponse("figures")
        response["Cache-Control"] = "public, max-age=600"
        return response

    request = rf.get("/")
    request._cached_user = viewer  # as AuthenticationMiddleware leaves it once the view asked
    assert PrivateCacheMiddleware(cached)(request)["Cache-Control"] == "private, no-store"
    anonymous = rf.get("/")
    assert PrivateCacheMiddleware(cached)(anonymous)["Cache-Control"] == "public, max-age=600"


def test_the_login_page_and_static_files_keep_their_own_caching(client):
    login = client.get(reverse("login"))
    assert login["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
    assert (
        client.get("/healthz")["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    )


# --- lockout per username, whatever the address ------------------------------------------------------------


def log_in(password, username="viewer", **client_kwargs):
    return Client(**client_kwargs).post(reverse("login"), {"username": username, "password": password})


def test_changing_address_does_not_give_more_guesses(viewer):
    for i in range(5):
        log_in("wrong password", REMOTE_ADDR=f"10.0.0.{i + 1}")
    response = log_in(PASSWORD, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_behind_the_proxy_attempts_are_recorded_with_the_address_it_reports(viewer, settings):
    settings.TRUST_PROXY_HEADERS = True
    log_in("wrong password", HTTP_X_REAL_IP="203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
    # Forging the header, where the app could be reached around the proxy, does not help either.
    for i in range(4):
        log_in("wrong password", HTTP_X_REAL_IP=f"198.51.100.{i}")
    assert log_in(PASSWORD, HTTP_X_REAL_IP="192.0.2.1").status_code == 429


def test_without_the_proxy_the_header_is_not_believed(viewer, settings):
    settings.TRUST_PROXY_HEADERS = False
    log_in("wrong password", HTTP_X_REAL_IP="203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]
