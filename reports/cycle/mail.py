"""E-mail of the reporting cycle, each in its recipient's language (``UserPreference``, else the
site's ``LANGUAGE_CODE``). A send that fails is logged and reported to the caller, never raised: a
step of the cycle never fails because a mail server is down, and the commands retry what failed."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.periods import Period
from reports.display.labels import OUTSIDE_ZONES
from reports.models import ReportingStatus, UserPreference
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


def page_url(period: Period) -> str:
    return settings.SITE_URL + reverse("reporting", args=[str(period)])


def _zone_name(zone: Zone | None) -> str:
    return f"{zone.code} – {zone.name}" if zone else str(OUTSIDE_ZONES)


def _context(record) -> Callable[[], dict]:
    period = Period.parse(record.period)

    def build():
        return {
            "record": record,
            "zone": _zone_name(record.zone),
            "period": period.label(),
            "url": page_url(period),
        }

    return build


def submitted(record) -> None:
    """Tell every administrator that a zone submitted its returns."""
    for user in administrators():
        send(user, "submitted", _context(record))


def reviewed(record) -> None:
    """Tell the zone's editors that their period was approved or returned (with the comment)."""
    template = "approved" if record.status == ReportingStatus.APPROVED else "returned"
    for user in zone_editors(record.zone):
        send(user, template, _context(record))
