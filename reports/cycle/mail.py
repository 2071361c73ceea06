"""E-mail of the reporting cycle, each in its recipient's language (``UserPreference``, else the
site's ``LANGUAGE_CODE``). A send that fails is logged and reported to the caller, never raised: a
step of the cycle never fails because a mail server is down, and the commands retry what failed.
The cycle's steps and the review's comments are queued in the outbox (``reports.cycle.outbox``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from reports.display.labels import OUTSIDE_ZONES
from reports.models import UserPreference
from zones.models import Zone
from zones.roles import Role

logger = logging.getLogger(__name__)


def language_of(user) -> str:
    preference = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return preference or settings.LANGUAGE_CODE


def administrators():
    User = get_user_model()
    admins = User.objects.filter(Q(is_superuser=True) | Q(groups__name=Role.ADMINISTRATOR.value))
    return admins.filter(is_active=True).exclude(email="").distinct().order_by("pk")


def zone_editors(zone: Zone | None):
    """The zone's editors; the outside zones have none (administrators run them)."""
    if zone is None:
        return get_user_model().objects.none()
    users = get_user_model().objects.filter(zone_assignments__zone=zone, is_active=True)
    return users.exclude(email="").distinct().order_by("pk")


def send(user, template: str, context: Callable[[], dict], attachments=()) -> bool:
    """Render ``reporting/email/<template>_subject.txt`` and ``.txt`` in the user's language (the
    context is built inside it, so labels translate too) and send them; False when sending failed."""
    with translation.override(language_of(user)):
        values = {"user": user, "site_url": settings.SITE_URL, **context()}
        subject = " ".join(render_to_string(f"reporting/email/{template}_subject.txt", values).split())
        body = render_to_string(f"reporting/email/{template}.txt", values)
    message = EmailMessage(subject, body, to=[user.email])
    for attachment in attachments:
        message.attach(*attachment)
    try:
        message.send()
    except Exception:  # any transport error: logged, and the caller retries on its next run
        logger.exception("could not send %s e-mail to %s", template, user.email)
        return False
    return True


def zone_name(zone: Zone | None) -> str:
    return f"{zone.code} – {zone.name}" if zone else str(OUTSIDE_ZONES)
