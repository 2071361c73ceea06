"""Every data-entry URL x every role x own zone / other zone.

The objects live in BDH. "editor_own" edits BDH; "editor_other" edits DPM only. A write that is
allowed must change the database; one that is refused must answer 403 (the login page for
anonymous users) and change nothing. An enterprise (or organization) a role may not see at all
answers 404, to reads and writes alike: another zone's, for an editor (DOMAIN.md "Access").
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, PeriodLock, Return
from membership.models import Attachment, GrassrootsUnion, PartyOrganization
from tests import factories as f
from tests.helpers import grid_row
from zones.models import Zone

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "editor_own", "editor_other", "administrator")
OTHER_ZONE = ("editor_other",)  # a BDH object, for an editor of DPM
EDITORS = ("editor_own", "editor_other")  # an organization of another body: outside every zone


@dataclass
class Case:
    url: str
    scope: str  # "zone": editors of the object's zone; "editors": any editor; "admin"; "read": any role
    data: dict | None = None  # POST data; None: a page read with GET only
    effect: Any = None  # a callable whose value changes when the POST was carried out
    refused_status: int = 403
    page_scope: str = ""  # who may open the page, when it differs from who may write
    hidden_from: tuple[str, ...] = ()  # roles for which the object does not exist (404)


@pytest.fixture
def world(administrator):
    bdh = Zone.objects.get(code="BDH")
    enterprise = f.enterprise("BDH", name="Host", established=dt.date(2010, 1, 1))
    f.report(enterprise, "2024S1", workers=10)
    organization = f.party_org(enterprise, founded=dt.date(2020, 1, 1))
    union = f.union(enterprise, founded=dt.date(2020, 1, 1))
    bare = f.enterprise("BDH", name="Bare", established=dt.date(2010, 1, 1))
    attached = f.enterprise("BDH", name="Attached")
    association = f.party_org(None, host_body="Hiệp hội", name="Chi bộ Hiệp hội", founded=dt.date(2016, 9, 6))
    Attachment.objects.create(enterprise=attached, organization=association)
    lock = PeriodLock.objects.create(zone=bdh, period="2020", closed_by=administrator)
    return {
        "bdh": bdh,
        "enterprise": enterprise,
        "organization": organization,
        "union": union,
        "bare": bare,
        "attached": attached,
        "association": association,
        "lock": lock,
    }


def build_cases(w) -> dict[str, Case]:
    e, org, union, bare = w["enterprise"], w["organization"], w["union"], w["bare"]
    enterprise_data = {"tax_code": e.tax_code, "name": "Changed", "zone": w["bdh"].pk, "ownership": "state"}
    return {
        "enterprise-create": Case(
            reverse("enterprise-create"),
            "zone",
            {**enterprise_data, "tax_code": "5300999999", "name": "New"},
            lambda: Enterprise.objects.filter(tax_code="5300999999").exists(),
            refused_status=200,  # an editor of another zone is refused by the zone field's choices
            page_scope="editors",
        ),
        "enterprise-edit": Case(
            reverse("enterprise-edit", args=[e.pk]),
            "zone",
            {**enterprise_data, "version": 1},
            lambda: Enterprise.objects.get(pk=e.pk).name,
            hidden_from=OTHER_ZONE,
        ),
        "enterprise-close": Case(
            reverse("enterprise-close", args=[e.pk]),
            "zone",
            {"closed_on": "2024-12-31", "version": 1},
            lambda: Enterprise.objects.get(pk=e.pk).closed_on,
            hidden_from=OTHER_ZONE,
        ),
        "period-grid-start": Case(reverse("period-grid-start"), "editors"),
        "period-grid": Case(
            reverse("period-grid", args=["BDH", "2024S1"]),
            "zone",
            grid_row(e, version=1, workers=99),
            lambda: Return.objects.get(enterprise=e).workers,
        ),
        "data-quality": Case(reverse("data-quality"), "editors"),
        "period-locks": Case(
            reverse("period-locks"),
            "admin",
            {"zone": w["bdh"].pk, "period": "2022"},
            lambda: PeriodLock.objects.count(),
        ),
        "period-lock-reopen": Case(
            reverse("period-lock-reopen", args=[w["lock"].pk]),
            "admin",
            {},
            lambda: PeriodLock.objects.filter(pk=w["lock"].pk).exists(),
        ),
        "organization-entry": Case(reverse("organization-entry"), "editors"),
        "enterprise-organizations": Case(
            reverse("enterprise-organizations", args=[e.pk]), "zone", hidden_from=OTHER_ZONE
        ),
        "enterprise-history": Case(
            reverse("enterprise-history", args=[e.pk]), "read", hidden_from=OTHER_ZONE
        ),
        "party-org-found": Case(
            reverse("party-org-found", args=[bare.pk]),
            "zone",
            {"name": "Chi bộ", "level": "cell", "founded_on": "2024-01-10", "founding_members": 3},
            lambda: PartyOrganization.objects.filter(host_enterprise=bare).count(),
            hidden_from=OTHER_ZONE,
        ),
        "party-org-found-body": Case(
            reverse("party-org-found-body"),
            "admin",
            {
                "name": "X",
                "host_body": "Y",
                "level": "cell",
                "founded_on": "2024-01-10",
                "founding_members": 3,
            },
            lambda: PartyOrganization.objects.filter(host_body="Y").count(),
        ),
        "party-org-upgrade": Case(
            reverse("party-org-upgrade", args=[org.pk]),
            "zone",
            {"since": "2024-01-01"},
            lambda: org.levels.count(),
            hidden_from=OTHER_ZONE,
        ),
        "party-org-dissolve": Case(
            reverse("party-org-dissolve", args=[org.pk]),
            "zone",
            {"dissolved_on": "2024-06-01"},
            lambda: PartyOrganization.objects.get(pk=org.pk).dissolved_on,
            hidden_from=OTHER_ZONE,
        ),
        "host-body-upgrade": Case(
            reverse("party-org-upgrade", args=[w["association"].pk]),
            "admin",  # another body is outside every zone
            {"since": "2024-01-01"},
            lambda: w["association"].levels.count(),
            hidden_from=EDITORS,
        ),
        "union-found": Case(
            reverse("union-found", args=[bare.pk]),
            "zone",
            {"founded_on": "2024-01-10", "founding_members": 5},
            lambda: GrassrootsUnion.objects.filter(enterprise=bare).count(),
            hidden_from=OTHER_ZONE,
        ),
        "union-dissolve": Case(
            reverse("union-dissolve", args=[union.pk]),
            "zone",
            {"dissolved_on": "2024-06-01"},
            lambda: GrassrootsUnion.objects.get(pk=union.pk).dissolved_on,
            hidden_from=OTHER_ZONE,
        ),
        "enterprise-attach": Case(
            reverse("enterprise-attach", args=[bare.pk]),
            "zone",
            {"organization": w["association"].pk},
            lambda: Attachment.objects.filter(enterprise=bare).exists(),
            hidden_from=OTHER_ZONE,
        ),
        "enterprise-detach": Case(
            reverse("enterprise-detach", args=[w["attached"].pk]),
            "zone",
            {},
            lambda: Attachment.objects.filter(enterprise=w["attached"]).exists(),
            hidden_from=OTHER_ZONE,
        ),
    }


CASE_NAMES = [
    "enterprise-create",
    "enterprise-edit",
    "enterprise-close",
    "period-grid-start",
    "period-grid",
    "data-quality",
    "period-locks",
    "period-lock-reopen",
    "organization-entry",
    "enterprise-organizations",
    "enterprise-history",
    "party-org-found",
    "party-org-found-body",
    "party-org-upgrade",
    "party-org-dissolve",
    "host-body-upgrade",
    "union-found",
    "union-dissolve",
    "enterprise-attach",
    "enterprise-detach",
]


def allowed(scope: str, role: str) -> bool:
    if role == "anonymous":
        return False
    if role == "administrator" or scope == "read":
        return True
    if role == "viewer" or scope == "admin":
        return False
    if scope == "editors":
        return True
    return role == "editor_own"


@pytest.fixture
def login(client, viewer, editor_bdh, editor_dpm, administrator):
    users = {
        "viewer": viewer,
        "editor_own": editor_bdh,
        "editor_other": editor_dpm,
        "administrator": administrator,
    }

    def as_role(role):
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return as_role


POST_ONLY = ("period-lock-reopen", "enterprise-detach")


def assert_status(response, role, expected):
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected, response.content.decode()[:2000]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CASE_NAMES)
def test_permission_matrix(world, login, name, role):
    case = build_cases(world)[name]
    client = login(role)
    may = allowed(case.scope, role)
    if role in case.hidden_from:
        if name not in POST_ONLY:
            assert client.get(case.url).status_code == 404
        if case.data is not None:
            before = case.effect()
            assert client.post(case.url, case.data).status_code == 404
            assert case.effect() == before
        return
    if name not in POST_ONLY:
        page_ok = allowed(case.page_scope or case.scope, role)
        assert_status(client.get(case.url), role, 200 if page_ok else 403)
    if case.data is None:
        return
    before = case.effect()
    response = client.post(case.url, case.data)
    after = case.effect()
    if may:
        assert_status(response, role, 302)
        assert after != before
    else:
        assert_status(response, role, case.refused_status if role == "editor_other" else 403)
        assert after == before


def test_objects_that_do_not_exist_are_404(client, administrator):
    client.force_login(administrator)
    for name in (
        "enterprise-edit",
        "enterprise-close",
        "enterprise-history",
        "enterprise-organizations",
        "party-org-found",
        "union-found",
        "enterprise-attach",
        "party-org-upgrade",
        "party-org-dissolve",
        "union-dissolve",
    ):
        assert client.get(reverse(name, args=[999999])).status_code == 404, name
    assert client.post(reverse("period-lock-reopen", args=[999999])).status_code == 404
    assert client.post(reverse("enterprise-detach", args=[999999])).status_code == 404


def test_enterprises_outside_every_zone_are_for_administrators(client, editor_bdh, administrator):
    outside = f.enterprise(None, name="Outside")
    url = reverse("enterprise-organizations", args=[outside.pk])
    client.force_login(editor_bdh)
    # Enterprises outside every zone are not a zone editor's to see: they do not exist for them.
    assert client.get(url).status_code == 404
    assert client.get(reverse("enterprise-edit", args=[outside.pk])).status_code == 404
    client.force_login(administrator)
    assert client.get(url).status_code == 200
