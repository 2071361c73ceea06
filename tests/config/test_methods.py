"""Methods: a page that only reads answers 405 to POST (and to PUT, DELETE), for every URL of the
URLconf but the writes listed here, the admin's and Django's own set_language."""

import pytest
from django.test import Client
from django.urls import resolve

from tests.config.test_security import every_url

pytestmark = pytest.mark.django_db

# The URLs that write (their access is checked role by role in tests/zones/test_permissions_matrix.py
# and tests/zones/test_access_every_url.py).
WRITES = {
    "login",
    "logout",
    "logout-everywhere",
    "set_language",
    "import-upload",
    "import-confirm",
    "import-cancel",
    "target-create",
    "target-edit",
    "note-list",
    "note-edit",
    "enterprise-create",
    "enterprise-edit",
    "enterprise-close",
    "period-locks",
    "period-lock-reopen",
    "period-grid",
    "flag-check",
    "reporting-step",
    "party-org-found",
    "party-org-found-body",
    "party-org-upgrade",
    "party-org-dissolve",
    "union-found",
    "union-dissolve",
    "enterprise-attach",
    "enterprise-detach",
    "value-review",
    "zone-review",
    "approval-queue",
    "report-document-draft",
}


def read_only_urls() -> list[tuple[str, str]]:
    return [
        (route, path)
        for route, path in every_url()
        if not path.startswith("/admin/") and resolve(path).url_name not in WRITES
    ]


def test_the_writes_listed_are_urls_of_the_urlconf():
    names = {resolve(path).url_name for _route, path in every_url()}
    assert WRITES <= names


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_every_read_only_url_answers_405_to_a_write_method(administrator, method):
    client = Client()
    client.force_login(administrator)
    urls = read_only_urls()
    names = {resolve(path).url_name for _route, path in urls}
    assert {"target-list", "reporting-due", "reporting", "organization-list", "zone-detail"} <= names
    assert len(urls) >= 27  # every read-only page of the URLconf, the API and healthz
    for route, path in urls:
        response = getattr(client, method)(path, {"name": "x"} if method == "post" else None)
        assert response.status_code == 405, (route, response.status_code)


def test_an_anonymous_post_to_a_read_only_page_is_405_too():
    assert Client().post("/targets/").status_code == 405
    assert Client().post("/zones/BDH/").status_code == 405
