"""Accounts: password rules, lockout after failed logins, session expiry, log out everywhere, and
deactivated users who keep their audit trail."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enterprises import services
from enterprises.models import Enterprise
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
PASSWORD = "correct horse battery"  # the fixtures' password


def attempt(client, password, username="viewer", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# --- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!pw", "This password is too short. It must contain at least 10 characters."),
        ("1234567890", "This password is entirely numeric."),
        ("password123", "This password is too common."),
        ("theviewer1", "The password is too similar to the username."),
    ],
)
def test_weak_passwords_are_refused(viewer, password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password, viewer)
    assert message in error.value.messages


def test_a_long_uncommon_password_is_accepted(viewer):
    validate_password("lúa chín vàng đồi 17", viewer)


# --- lockout after repeated failures ------------------------------------------------------------------


def test_five_failures_lock_the_account_out_for_15_minutes_with_a_clear_message(client, viewer):
    for _ in range(4):
        response = attempt(client, "wrong password")
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    response = attempt(client, "wrong password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page and "blocked for 15 minutes" in page
    # Even the right password is refused while locked out.
    locked = attempt(client, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lockout is for this username from every address: moving elsewhere gives no more guesses.
    assert attempt(Client(REMOTE_ADDR="10.0.0.9"), PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, viewer):
    for _ in range(5):
        attempt(client, "wrong password")
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, viewer):
    for _ in range(4):
        attempt(client, "wrong password")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong password").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


def test_failures_from_one_address_lock_it_out_for_every_username(client, viewer, editor_bdh):
    """Guessing across many usernames from one address is stopped too (the price: colleagues behind
    the same address wait for the cool-off time, or an administrator lifts the lockout)."""
    for _ in range(5):
        attempt(client, "wrong password")
    assert attempt(client, PASSWORD, username="editor-bdh").status_code == 429


# --- sessions ----------------------------------------------------------------------------------------


def test_sessions_last_a_working_day_and_end_with_the_browser(client, viewer):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    response = attempt(client, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    expires = Session.objects.get(session_key=cookie.value).expire_date
    assert abs((expires - timezone.now()) - dt.timedelta(hours=8)) < dt.timedelta(minutes=1)


def test_an_expired_session_sends_back_to_the_login_page(client, viewer):
    attempt(client, PASSWORD)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_log_out_everywhere_ends_every_session_of_that_user_only(viewer, editor_bdh):
    laptop, phone, colleague = Client(), Client(), Client()
    laptop.force_login(viewer)
    phone.force_login(viewer)
    colleague.force_login(editor_bdh)
    assert phone.get("/").status_code == 200
    response = laptop.post(reverse("logout-everywhere"), follow=True)
    assert "You have been logged out everywhere (2 sessions ended)." in response.content.decode()
    for client in (laptop, phone):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert colleague.get("/").status_code == 200


def test_log_out_everywhere_is_a_post_for_logged_in_users(client, viewer):
    assert client.post(reverse("logout-everywhere")).url.startswith(LOGIN)
    client.force_login(viewer)
    assert client.get(reverse("logout-everywhere")).status_code == 405
    assert 'formaction="/accounts/logout-everywhere/"' in client.get("/").content.decode()


# --- deactivation keeps the audit trail ----------------------------------------------------------------


def test_a_deactivated_user_keeps_their_history_and_cannot_log_in(client, editor_bdh, administrator):
    enterprise = f.enterprise("BDH", name="Before")
    services.enterprise_update(
        enterprise=enterprise, expected_version=enterprise.version, changes={"name": "After"}, user=editor_bdh
    )
    session = Client()
    session.force_login(editor_bdh)
    # The administrator deactivates the account in the admin (the "active" box), not deleting it.
    client.force_login(administrator)
    change = client.get(reverse("admin:auth_user_change", args=[editor_bdh.pk]))
    assert 'name="is_active"' in change.content.decode()
    # Deleting is not offered: it would take the user's name out of the audit trail.
    assert client.get(reverse("admin:auth_user_delete", args=[editor_bdh.pk])).status_code == 403
    assert "delete_selected" not in client.get(reverse("admin:auth_user_changelist")).content.decode()
    editor_bdh.is_active = False
    editor_bdh.save()

    changed_by = Enterprise.history.filter(id=enterprise.pk, history_user=editor_bdh)
    assert list(changed_by.values_list("name", flat=True)) == ["After"]
    response = session.get("/")  # the open session ends at its next request
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    refused = attempt(Client(), PASSWORD, username="editor-bdh")
    assert refused.status_code == 200 and "did not match" in refused.content.decode()
