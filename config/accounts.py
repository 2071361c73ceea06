"""Account safety: the page shown to a locked-out login, and "log out everywhere".

Failed logins are counted by django-axes (settings: AXES_*): after AXES_FAILURE_LIMIT failures for
one username from one address, that pair is locked out for AXES_COOLOFF_TIME; a successful login
resets the count. Administrators deactivate a user (is_active off in the admin) rather than delete
them, which keeps the audit trail that names them and ends their sessions at their next request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.sessions.models import Session
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again, saying why and for how long (HTTP 429)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next", ""),
        "locked_out_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/login.html", context, status=429)


def end_sessions(user) -> int:
    """Delete every unexpired session of ``user``; returns how many.

    Sessions are signed blobs keyed by a random id, so finding a user's means decoding each live
    one. Sessions last SESSION_COOKIE_AGE (8 hours by default) and clearsessions removes expired
    ones, so there are about as many as people logged in today; this runs on a button press only.
    """
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@require_POST
@login_required
def logout_everywhere(request):
    """Log the user out on every browser and device, this one included (a lost phone, a shared PC)."""
    count = end_sessions(request.user)
    logout(request)
    message = ngettext(
        "You have been logged out everywhere (%(count)d session ended). Log in again to continue.",
        "You have been logged out everywhere (%(count)d sessions ended). Log in again to continue.",
        count,
    )
    messages.success(request, message % {"count": count})
    return redirect(settings.LOGIN_URL)
