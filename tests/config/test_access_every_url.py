"""The access matrix: every URL of the URLconf x every role x GET and POST, on the demo's objects.

Each URL is classified here once (a new URL fails the first test until it is): who may open it and
who may write to it. A role that may not gets 403 (an enterprise of another zone: 404; anonymous
users: the login page, or 401 from the API), never a page; a page that only reads answers 405 to
POST for everyone; nothing answers 500. The writes' effects, role by role, are checked in
tests/zones/test_permissions_matrix.py."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse

from reports.document_models import ReportVersion
from tests.config.test_security import every_url
from tests.config.test_vietnamese_pages import _patterns, demo_world, kwargs_for  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "editor_own", "editor_other", "administrator")
# Who may open (GET) a URL, and who may write to it.
PUBLIC = {"login", "healthz", "set_language", "logout", "logout-everywhere"}
READ = {
    "home", "province-detail", "zone-kind-detail", "zone-detail", "enterprise-list", "organization-list",
    "target-list", "report", "reporting-due", "reporting", "api-indicators", "api-periods",
    "api-zones", "api-enterprises",
}  # fmt: skip
# Any role reads them, but an enterprise of another zone does not exist for an editor (404).
ZONE_READ = {"enterprise-detail", "enterprise-history", "organization-detail"}
EXPORT = {
    "enterprise-export",
    "report-download",
    "report-document",
    "report-version",
}  # viewers, administrators
EDITORS = {
    "import-upload", "import-template", "import-preview", "import-confirm", "import-cancel",
    "entry-start", "period-grid-start", "data-quality", "organization-entry",
    "enterprise-create", "flag-check",
}  # fmt: skip
ZONE = {
    "enterprise-edit", "enterprise-close", "period-grid",
    "enterprise-organizations", "party-org-found", "union-found", "enterprise-attach",
    "enterprise-detach", "party-org-upgrade", "party-org-dissolve", "union-dissolve",
    "value-review", "zone-review", "reporting-step",
}  # fmt: skip
ADMIN = {
    "target-create", "target-edit", "period-locks", "period-lock-reopen", "party-org-found-body",
    "approval-queue", "report-document-draft", "note-list", "note-edit",
}  # fmt: skip
# Writes only: a GET is answered 405 before anyone is asked who they are, which tells nothing.
POST_ONLY = {
    "flag-check",
    "reporting-step",
    "enterprise-detach",
    "import-confirm",
    "import-cancel",
    "period-lock-reopen",
    "logout",
    "logout-everywhere",
}
READ_ONLY = READ | ZONE_READ | EXPORT | {
    "healthz", "entry-start", "period-grid-start", "data-quality", "organization-entry",
    "enterprise-organizations", "import-template",
}  # fmt: skip


def may_open(name: str, role: str) -> bool:
    if name in PUBLIC:
        return True
    if role == "anonymous":
        return False
    if role == "administrator" or name in READ:
        return True
    if name in ZONE_READ:
        return role != "editor_other"
    if name in EXPORT:
        return role == "viewer"
    if name in EDITORS:
        return role.startswith("editor")
    if name in ZONE:
        return role == "editor_own"
    return False


@pytest.fixture
def clients(demo_world, django_user_model, editor_dpm):  # noqa: F811
    administrator = django_user_model.objects.get(username="demo-admin")
    demo_world["pk"]["report-version"] = ReportVersion.objects.create(
        period="2024S1", language="vi", number=1, content=b"PK", created_by=administrator
    ).pk
    users = {
        "viewer": "demo-viewer",
        "editor_own": "demo-editor-bdh",
        "administrator": "demo-admin",
    }
    result = {"anonymous": Client()}
    for role, username in users.items():
        result[role] = Client()
        result[role].force_login(django_user_model.objects.get(username=username))
    result["editor_other"] = Client()
    result["editor_other"].force_login(editor_dpm)
    return result


def urls(world) -> list[tuple[str, str]]:
    found = []
    patterns = {p.name: p for p in _patterns()}
    for _route, path in every_url():
        if path.startswith("/admin/"):
            continue
        name = get_resolver().resolve(path).url_name
        if name == "import-preview" or name in ("import-confirm", "import-cancel"):
            found.append((name, path))  # an upload nobody made: its own tests open real ones
            continue
        try:
            found.append((name, reverse(name, kwargs=kwargs_for(name, patterns[name], world))))
        except (
            NoReverseMatch,
            KeyError,
        ):  # a regular expression, or an argument the demo has no value for: the sample path of every_url
            found.append((name, path))
    return found


def test_every_url_is_classified():
    names = {
        get_resolver().resolve(path).url_name for _r, path in every_url() if not path.startswith("/admin/")
    }
    assert names - (PUBLIC | READ | ZONE_READ | EXPORT | EDITORS | ZONE | ADMIN) == set()


def refused(response, name: str, role: str) -> bool:
    if role == "anonymous":
        if name.startswith("api-"):
            return response.status_code == 401
        return response.status_code in (302, 405) and (
            response.status_code == 405 or response.url.startswith(reverse("login"))
        )
    return response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_opens_only_what_it_may(demo_world, clients, role):  # noqa: F811
    client = clients[role]
    checked = 0
    for name, url in urls(demo_world):
        if name in ("logout", "logout-everywhere"):
            continue  # they end the session the rest of the walk needs (tests/accounts check them)
        response = client.get(url)
        assert response.status_code < 500, (name, url)
        if may_open(name, role):
            assert not refused(response, name, role) or name.startswith("import-"), (
                name,
                url,
                response.status_code,
            )
        elif name in POST_ONLY and response.status_code == 405:
            pass
        else:
            assert refused(response, name, role), (name, url, response.status_code)
        post = client.post(url, {})
        assert post.status_code < 500, (name, url, "POST")
        if name in READ_ONLY and role != "anonymous":
            assert post.status_code == 405, (name, url, post.status_code)
        elif not may_open(name, role):
            assert refused(post, name, role) or (name in READ_ONLY and post.status_code == 405), (
                name,
                url,
                "POST",
                post.status_code,
            )
        checked += 1
    assert checked >= 55
