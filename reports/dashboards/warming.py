"""Pages rendered before anyone asks for them: after the data of a morning is in, each audience's
dashboards and its zones' first table pages are put into the shared page cache, so the first person
to open one reads it instead of waiting for it (``manage.py warm_pages``).

A page is requested through Django's own request handling, as a browser of that audience would ask
for it (same address, language, role), so the kept page is the page that request would have
rendered; ``page_cache`` keys it on the summary's version like any other, so a write still makes the
next view fresh. Warming only makes sense where the app servers share the cache (Redis): a
process's local memory is its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.periods import Period
from reports.dashboards import page_cache
from reports.display.pages import provinces_if_several, table_url
from zones.access import can_see_zone, enterprise_zone_ids
from zones.models import Zone
from zones.roles import Role, province_limit_id, role_of

_DONE_KEY = "page-warming:version"


@dataclass
class Warmed:
    """What a warming did: pages asked for, those refused, audiences, and how long it took."""

    pages: int = 0
    refused: int = 0
    audiences: int = 0
    seconds: float = 0.0


def shared_cache() -> bool:
    """Whether the app servers share the page cache (warming it reaches them)."""
    backend = settings.CACHES.get(settings.PAGE_CACHE, {}).get("BACKEND", "") if settings.PAGE_CACHE else ""
    return bool(backend) and not backend.endswith(("LocMemCache", "DummyCache"))


def audiences(since_days: int | None) -> dict[str, object]:
    """One user per audience (what decides a page's content) among active users with a role who
    logged in within ``since_days`` (None: any time)."""
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    if since_days is not None:
        users = users.filter(last_login__gte=timezone.now() - timedelta(days=since_days))
    found = {}
    for user in users.prefetch_related("groups"):
        if role_of(user) is not None:
            found.setdefault(page_cache.audience(user), user)
    return found


def addresses(user, periods: list[Period], table_pages: int) -> list[str]:
    """The pages an audience opens first: its home page, its provinces and kinds of zone, each zone
    it may see and that zone's first table pages, for each period, addressed as the pages link them."""
    zones = [
        zone for zone in Zone.objects.select_related("province").order_by("code") if can_see_zone(user, zone)
    ]
    if role_of(user) == Role.ZONE_EDITOR:
        own = enterprise_zone_ids(user) or set()
        listed = [zone for zone in zones if zone.pk in own]
    else:
        listed = zones
    limit = province_limit_id(user)
    provinces = [p for p in provinces_if_several() if limit is None or p.pk == limit]
    kinds = sorted({zone.kind for zone in zones})
    found = []
    for period in periods:
        query = f"?period={period}"
        found.append(reverse("home") + query)
        found += [reverse("province-detail", args=[p.code]) + query for p in provinces]
        found += [reverse("zone-kind-detail", args=[kind]) + query for kind in kinds]
        for zone in zones:
            found.append(reverse("zone-detail", args=[zone.code]) + query)
        for zone in listed:
            first = table_url(period, [zone.code])
            found += [first if n == 1 else f"{first}&page={n}" for n in range(1, table_pages + 1)]
    return found


def warm(
    periods: list[Period], *, table_pages: int = 1, languages=None, since_days: int | None = 30
) -> Warmed:
    """Ask for each audience's first pages in each language; the page cache keeps them."""
    started = time.perf_counter()
    done = Warmed()
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    for user in audiences(since_days).values():
        done.audiences += 1
        paths = addresses(user, periods, table_pages)
        for language in languages or [settings.LANGUAGE_CODE]:
            # A page that fails is counted as refused (and logged by Django as any 500), not fatal.
            client = Client(HTTP_HOST=host, raise_request_exception=False)
            client.force_login(user)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            client.get(reverse("home"))  # the CSRF cookie: a page that sets a cookie is not kept
            for path in paths:
                status = client.get(path, secure=settings.SECURE_SSL_REDIRECT).status_code
                done.pages += 1
                done.refused += status != 200
            client.logout()
    done.seconds = time.perf_counter() - started
    return done


def warmed_version() -> int | None:
    """The summary's version the last warming saw (None: none since the cache was emptied)."""
    return caches[settings.PAGE_CACHE].get(_DONE_KEY)


def mark_warmed(at: int) -> None:
    caches[settings.PAGE_CACHE].set(_DONE_KEY, at, settings.PAGE_CACHE_SECONDS)
