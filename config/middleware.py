"""Request and response rules that hold for every view: no NUL characters in, JSON errors out of the
API, and no signed-in answer kept in a shared cache.

settings.MIDDLEWARE places them: ``PrivateCacheMiddleware`` and ``ApiErrorMiddleware`` after the
security headers and WhiteNoise (static files keep their own caching and never reach them), and
before the session, so that they see every answer, the error pages of a database outage included;
``RejectNulMiddleware`` after the language is chosen and before any view.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.urls import get_resolver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

API_PREFIX = "/api/"

NUL_IN_REQUEST = gettext_lazy("The address contains a NUL character (a zero byte): remove it and try again.")


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, message: str) -> JsonResponse:
    """The API's error body (docs/api.md): the status repeated and a message."""
    return JsonResponse({"status": status, "error": message}, status=status)


class RejectNulMiddleware:
    """400 for a NUL character in the path, a query parameter or a cookie.

    PostgreSQL refuses NUL in text parameters, so ``?q=a%00b`` reaching a query would be a 500 there
    (SQLite accepts it and finds nothing). Forms already refuse NUL in what they validate; this
    covers what views read straight from the address, once for every view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._has_nul(request):
            return self.get_response(request)
        if is_api(request):
            return json_error(400, str(NUL_IN_REQUEST))
        return get_resolver().resolve_error_handler(400)(request, BadRequest(str(NUL_IN_REQUEST)))

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path_info:
            return True
        # The session cookie is looked up in the database, the other cookies are not, but a NUL in
        # any of them is never legitimate.
        texts = [*request.COOKIES.values(), *request.COOKIES]
        for name, values in request.GET.lists():
            texts += [name, *values]
        return any("\x00" in text for text in texts)


def api_error_message(status: int) -> str:
    messages = {
        400: _("The request is not valid."),
        403: _("You may not see this."),
        404: _("There is no such resource: see the list of endpoints in the API documentation."),
        405: _("The API is read-only: only GET is allowed."),
        500: _("Something went wrong on our side; the error has been logged."),
        503: _("The database cannot be reached at the moment: try again shortly."),
    }
    return messages.get(status) or HTTPStatus(status).phrase


class ApiErrorMiddleware:
    """Every answer under /api/ is JSON: an HTML error page from Django (a 404 for an unknown
    endpoint, the 405 of a POST, the 500 or 503 page of handler500) becomes the API's JSON error with
    the same status. Headers that tell the client what to do next (Allow, Retry-After) are kept."""

    KEPT_HEADERS = ("Allow", "Retry-After")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not is_api(request)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        converted = json_error(response.status_code, api_error_message(response.status_code))
        for header in self.KEPT_HEADERS:
            if header in response:
                converted[header] = response[header]
        converted.cookies = response.cookies  # a session that ended still clears its cookie
        return converted


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on the API's answers and on every answer to a signed-in
    user: membership data must not stay in a proxy's or the browser's cache. Answers to anonymous
    visitors that set their own caching keep it (the login page); answers that set none get the same
    rule, since every page but the login page needs a login."""

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        current = response.get("Cache-Control", "")
        if "no-store" in current and "private" in current:
            return response
        if not current or is_api(request) or self._signed_in(request):
            response["Cache-Control"] = self.VALUE
        return response

    @staticmethod
    def _signed_in(request) -> bool:
        # The user only if the request already loaded it: knowing must not cost a session query
        # (nor fail when the database is away).
        user = getattr(request, "_cached_user", None)
        return bool(user and user.is_authenticated)
