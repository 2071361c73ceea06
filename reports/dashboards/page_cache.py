"""Rendered dashboards kept in the cache, so that a page read many times costs one cache read.

A page is kept per address (period and scope are in it), language, what the user's role lets them
see (role, province limit, a zone editor's zones, staff) and day, under the summary's version
(``reports.engine.version``): every write moves the version, so the first view after it renders
afresh and nothing stale is ever served. What differs between two users who see the same content
(their name, the CSRF tokens of the header's forms) is put back into the kept page on each hit.
When the cache cannot be read or written (Redis down) the page is served uncached and the failure
logged, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language

from reports.engine import version
from zones.access import enterprise_zone_ids
from zones.roles import Role, province_limit_id, role_of

logger = logging.getLogger("coverage.page_cache")

_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_MARK = b"\x00csrf\x00"
_USER_MARK = b"\x00user\x00"


def _user_name(user) -> bytes:
    """The header's name of the user, as base.html writes it."""
    return f'<span class="user">{escape(user.get_full_name() or user.username)}</span>'.encode()


def audience(user) -> str:
    """What decides the content a user is shown, beyond the address: two users with the same
    audience see the same page."""
    role = role_of(user)
    zones = sorted(enterprise_zone_ids(user) or ()) if role == Role.ZONE_EDITOR else ()
    return f"{role}|{province_limit_id(user)}|{','.join(map(str, zones))}|{int(user.is_staff)}"


def page_key(request) -> str:
    # ``page=1`` is the page without it: one kept page for both addresses.
    query = "&".join(
        sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values if (k, v) != ("page", "1"))
    )
    parts = [
        str(version.current()),
        get_language(),
        str(timezone.localdate()),
        audience(request.user),
        request.path,
        query,
    ]
    # "zpage": kept compressed (an older release's uncompressed pages are never read as such).
    return "zpage:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _has_messages(request) -> bool:
    """Messages waiting to be shown: the page that shows them is neither served from nor kept."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _read(key):
    try:
        return caches[settings.PAGE_CACHE].get(key)
    except Exception:  # any backend's failure (redis.ConnectionError, timeouts): serve uncached
        logger.warning("page cache unavailable: served uncached", exc_info=True)
        return None


def _keep(key, kept) -> None:
    try:
        caches[settings.PAGE_CACHE].set(key, kept, settings.PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("page cache unavailable: page not kept", exc_info=True)


def _kept(request, response) -> tuple[str, bytes]:
    content = _CSRF.sub(rb"\1" + _CSRF_MARK + rb"\2", response.content)
    content = content.replace(_user_name(request.user), _USER_MARK)
    # Compressed: a zone's table at national scale is 74 KB of HTML, 11 KB kept (level 1: 0.25 ms).
    return response["Content-Type"], zlib.compress(content, 1)


def _served(request, kept) -> HttpResponse:
    content_type, content = kept
    content = zlib.decompress(content).replace(_USER_MARK, _user_name(request.user))
    if _CSRF_MARK in content:
        content = content.replace(_CSRF_MARK, get_token(request).encode())
    return HttpResponse(content, content_type=content_type)


def cached_page(view):
    """Serve the view's page from the cache when it is there under the current version; keep it
    there otherwise. Goes inside ``role_required`` (only users who may see a page reach it)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD") or _has_messages(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        kept = _read(key)
        if kept is not None:
            return _served(request, kept)
        response = view(request, *args, **kwargs)
        if getattr(response, "is_rendered", True) is False:
            response.render()  # a class-based view's TemplateResponse
        if response.status_code == 200 and not response.streaming and not response.cookies:
            _keep(key, _kept(request, response))
        return response

    return wrapped
