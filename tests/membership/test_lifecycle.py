"""Founding, upgrading and dissolving party organizations and unions; attaching enterprises."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format

from core.periods import Period
from enterprises.locks import DATE_IN_CLOSED_PERIOD
from enterprises.models import PeriodLock
from membership import services
from membership.models import (
    Attachment,
    GrassrootsUnion,
    PartyOrganization,
    PartyOrganizationLevel,
    PartyOrgLevel,
)
from reports.cycle import quality
from reports.engine import indicators
from tests import factories as f

pytestmark = pytest.mark.django_db


def compute(period, zones=("BDH",)):
    return indicators.compute(Period.parse(period), zones=list(zones))


def found_data(**overrides):
    return {
        "name": "Chi bộ Công ty A",
        "level": "cell",
        "founded_on": "2024-03-10",
        "founding_members": 3,
        **overrides,
    }


def test_editor_founds_a_cell_and_the_dashboard_counts_it(client, editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.report(enterprise, "2024S1", workers=80, party_members=4)
    client.force_login(editor_bdh)
    assert compute("2024S1")["with_party_org"] == 0
    response = client.post(reverse("party-org-found", args=[enterprise.pk]), found_data())
    assert response.status_code == 302
    assert response.url == reverse("enterprise-organizations", args=[enterprise.pk])
    organization = PartyOrganization.objects.get()
    assert (organization.host_enterprise, organization.founded_on, organization.founding_members) == (
        enterprise,
        dt.date(2024, 3, 10),
        3,
    )
    assert list(organization.levels.values_list("level", "since")) == [("cell", dt.date(2024, 3, 10))]
    assert organization.history.get().history_user == editor_bdh
    assert compute("2024S1")["with_party_org"] == 1
    assert compute("2024S1")["party_members_in_orgs"] == 4
    assert compute("2023S2")["with_party_org"] == 0  # founded after that period


def test_a_cell_needs_three_official_members(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    response = client.post(reverse("party-org-found", args=[enterprise.pk]), found_data(founding_members=2))
    assert response.status_code == 200
    assert response.context["form"].errors["founding_members"] == [
        str(services.CELL_NEEDS_3_MEMBERS % {"members": 2})
    ]
    assert not PartyOrganization.objects.exists() and not PartyOrganizationLevel.objects.exists()


def test_one_organization_at_a_time(editor_bdh):
    enterprise = f.enterprise("BDH")
    existing = f.party_org(enterprise, founded=dt.date(2020, 1, 1), name="Chi bộ cũ")
    with pytest.raises(ValidationError) as caught:
        services.party_org_found(
            name="Another",
            level="cell",
            founded_on=dt.date(2024, 1, 1),
            founding_members=5,
            host_enterprise=enterprise,
            user=editor_bdh,
        )
    assert caught.value.messages == [
        str(
            services.HAS_PARTY_ORGANIZATION
            % {"enterprise": enterprise, "name": existing.name, "date": date_format(existing.founded_on)}
        )
    ]
    # Once it is dissolved, a new one can be founded after the dissolution.
    services.party_org_dissolve(organization=existing, dissolved_on=dt.date(2023, 6, 1), user=editor_bdh)
    services.party_org_found(
        name="Another",
        level="cell",
        founded_on=dt.date(2024, 1, 1),
        founding_members=5,
        host_enterprise=enterprise,
        user=editor_bdh,
    )
    assert PartyOrganization.objects.count() == 2


def test_founding_dates_are_checked(editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2018, 1, 1))
    common = {
        "name": "X",
        "level": "cell",
        "founding_members": 5,
        "host_enterprise": enterprise,
        "user": editor_bdh,
    }
    with pytest.raises(ValidationError) as future:
        services.party_org_found(founded_on=dt.date(2199, 1, 1), **common)
    assert future.value.message_dict["founded_on"] == ["01/01/2199 is in the future."]
    with pytest.raises(ValidationError) as early:
        services.party_org_found(founded_on=dt.date(2017, 1, 1), **common)
    assert early.value.message_dict["founded_on"] == [
        str(
            services.BEFORE_ESTABLISHED % {"enterprise": enterprise, "date": date_format(dt.date(2018, 1, 1))}
        )
    ]


def test_organization_of_another_body_is_for_administrators(client, editor_bdh, administrator):
    url = reverse("party-org-found-body")
    client.force_login(editor_bdh)
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    data = found_data(name="Chi bộ Hiệp hội", host_body="Hiệp hội Doanh nghiệp", founding_members=5)
    assert client.post(url, data).status_code == 302
    organization = PartyOrganization.objects.get()
    assert organization.host_body == "Hiệp hội Doanh nghiệp" and organization.host_enterprise is None


def test_upgrade_keeps_history_and_earlier_periods_still_see_a_cell(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    organization = f.party_org(enterprise, founded=dt.date(2020, 10, 10))
    for period in ("2023S2", "2024S1"):
        f.report(enterprise, period, workers=800, party_members=35)
    client.force_login(editor_bdh)
    response = client.post(reverse("party-org-upgrade", args=[organization.pk]), {"since": "2024-03-15"})
    assert response.status_code == 302
    assert list(organization.levels.order_by("since").values_list("level", "since")) == [
        (PartyOrgLevel.CELL, dt.date(2020, 10, 10)),
        (PartyOrgLevel.COMMITTEE, dt.date(2024, 3, 15)),
    ]
    assert organization.level_on(dt.date(2023, 12, 31)) == PartyOrgLevel.CELL
    assert organization.current_level == PartyOrgLevel.COMMITTEE
    # The indicators count it in both periods; the level in force at each period's end decides the flag.
    assert compute("2023S2")["with_party_org"] == compute("2024S1")["with_party_org"] == 1
    earlier = quality.flags(Period.parse("2023S2"), ["BDH"])
    assert [(flag.kind, flag.value) for flag in earlier] == [(quality.CELL_30_OR_MORE, 35)]
    assert quality.flags(Period.parse("2024S1"), ["BDH"]) == []
    level = PartyOrganizationLevel.history.filter(level=PartyOrgLevel.COMMITTEE).get()
    assert level.history_user == editor_bdh


def test_upgrade_rules(editor_bdh):
    organization = f.party_org(f.enterprise("BDH"), founded=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as early:
        services.party_org_upgrade(organization=organization, since=dt.date(2020, 1, 1), user=editor_bdh)
    assert early.value.message_dict["since"] == [
        str(services.NOT_AFTER_LAST_CHANGE % {"date": date_format(dt.date(2020, 1, 1))})
    ]
    services.party_org_upgrade(organization=organization, since=dt.date(2022, 1, 1), user=editor_bdh)
    with pytest.raises(ValidationError) as twice:
        services.party_org_upgrade(organization=organization, since=dt.date(2023, 1, 1), user=editor_bdh)
    assert twice.value.messages == [
        str(
            services.ALREADY_COMMITTEE % {"name": organization.name, "date": date_format(dt.date(2022, 1, 1))}
        )
    ]


def test_dissolution_removes_coverage_from_the_next_period_on_not_before(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    organization = f.party_org(enterprise, founded=dt.date(2020, 1, 1))
    union = f.union(enterprise, founded=dt.date(2020, 1, 1))
    client.force_login(editor_bdh)
    assert (
        client.post(
            reverse("party-org-dissolve", args=[organization.pk]), {"dissolved_on": "2024-08-20"}
        ).status_code
        == 302
    )
    assert (
        client.post(reverse("union-dissolve", args=[union.pk]), {"dissolved_on": "2024-08-20"}).status_code
        == 302
    )
    organization.refresh_from_db()
    assert organization.dissolved_on == dt.date(2024, 8, 20)
    for period, expected in (
        ("2023", 1),
        ("2024S1", 1),
        ("2024Q2", 1),
        ("2024Q3", 0),
        ("2024S2", 0),
        ("2025S1", 0),
    ):
        figures = compute(period)
        assert (period, figures["with_party_org"], figures["with_union"]) == (period, expected, expected)


def test_dissolution_rules(editor_bdh):
    organization = f.party_org(f.enterprise("BDH"), founded=dt.date(2020, 5, 1))
    with pytest.raises(ValidationError) as before:
        services.party_org_dissolve(
            organization=organization, dissolved_on=dt.date(2020, 4, 30), user=editor_bdh
        )
    assert before.value.message_dict["dissolved_on"] == [
        str(services.DISSOLVED_BEFORE % {"date": date_format(dt.date(2020, 5, 1))})
    ]
    services.party_org_dissolve(organization=organization, dissolved_on=dt.date(2022, 1, 1), user=editor_bdh)
    with pytest.raises(ValidationError) as again:
        services.party_org_dissolve(
            organization=organization, dissolved_on=dt.date(2023, 1, 1), user=editor_bdh
        )
    assert again.value.messages == [
        str(
            services.ALREADY_DISSOLVED % {"name": organization.name, "date": date_format(dt.date(2022, 1, 1))}
        )
    ]


def test_a_union_needs_five_members(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2024S1", workers=30)
    client.force_login(editor_bdh)
    url = reverse("union-found", args=[enterprise.pk])
    response = client.post(url, {"founded_on": "2024-05-01", "founding_members": 4})
    assert response.context["form"].errors["founding_members"] == [
        str(services.UNION_NEEDS_5_MEMBERS % {"members": 4})
    ]
    assert not GrassrootsUnion.objects.exists()
    assert client.post(url, {"founded_on": "2024-05-01", "founding_members": 5}).status_code == 302
    figures = compute("2024S1")
    assert (figures["with_union"], figures["new_union_bases"], figures["new_union_bases_non_state"]) == (
        1,
        1,
        1,
    )
    assert GrassrootsUnion.objects.get().history.get().history_user == editor_bdh
    again = client.post(url, {"founded_on": "2024-06-01", "founding_members": 9})
    assert again.context["form"].non_field_errors() == [
        str(services.HAS_UNION % {"enterprise": enterprise, "date": date_format(dt.date(2024, 5, 1))})
    ]


def test_attach_and_detach_an_enterprise(client, editor_bdh, administrator):
    association = f.party_org(None, host_body="Hiệp hội Doanh nghiệp", name="Chi bộ Hiệp hội")
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    response = client.post(
        reverse("enterprise-attach", args=[enterprise.pk]),
        {"organization": association.pk, "since": "2024-01-01"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.enterprise, attachment.organization, attachment.since) == (
        enterprise,
        association,
        dt.date(2024, 1, 1),
    )
    page = client.get(reverse("enterprise-organizations", args=[enterprise.pk]))
    assert "Its party members take part in the activities of Chi bộ Hiệp hội." in page.content.decode()
    assert client.post(reverse("enterprise-detach", args=[enterprise.pk])).status_code == 302
    assert not Attachment.objects.exists()
    assert [r.history_type for r in Attachment.history.order_by("history_id")] == ["+", "-"]


def test_an_enterprise_with_its_own_organization_is_not_attached(editor_bdh):
    association = f.party_org(None, host_body="Hiệp hội", name="Chi bộ Hiệp hội")
    enterprise = f.enterprise("BDH")
    own = f.party_org(enterprise, name="Chi bộ riêng")
    with pytest.raises(ValidationError) as caught:
        services.enterprise_attach(
            enterprise=enterprise, organization=association, since=None, user=editor_bdh
        )
    assert caught.value.messages == [
        str(services.HAS_OWN_ORGANIZATION % {"enterprise": enterprise, "name": own.name})
    ]


def test_founding_an_organization_ends_the_attachment(editor_bdh):
    association = f.party_org(None, host_body="Hiệp hội", name="Chi bộ Hiệp hội")
    enterprise = f.enterprise("BDH")
    services.enterprise_attach(enterprise=enterprise, organization=association, since=None, user=editor_bdh)
    services.party_org_found(
        name="Chi bộ mới",
        level="cell",
        founded_on=dt.date(2024, 2, 1),
        founding_members=3,
        host_enterprise=enterprise,
        user=editor_bdh,
    )
    assert not Attachment.objects.exists()


def test_events_in_a_closed_period_are_for_administrators(client, editor_bdh, administrator):
    enterprise = f.enterprise("BDH")
    lock = PeriodLock.objects.create(zone=enterprise.zone, period="2024S1", closed_by=administrator)
    url = reverse("party-org-found", args=[enterprise.pk])
    client.force_login(editor_bdh)
    response = client.post(url, found_data(founded_on="2024-03-10"))
    assert response.context["form"].errors["founded_on"] == [
        str(
            DATE_IN_CLOSED_PERIOD
            % {
                "date": date_format(dt.date(2024, 3, 10)),
                "period": Period.parse(lock.period).label(),
                "zone": "BDH",
            }
        )
    ]
    assert not PartyOrganization.objects.exists()
    client.force_login(administrator)
    assert client.post(url, found_data(founded_on="2024-03-10")).status_code == 302


def test_enterprise_page_of_actions(client, editor_bdh, django_assert_max_num_queries):
    enterprise = f.enterprise("BDH", name="Công ty Sao Đỏ")
    organization = f.party_org(enterprise, founded=dt.date(2020, 1, 1), name="Chi bộ Sao Đỏ")
    services.party_org_upgrade(organization=organization, since=dt.date(2023, 1, 1), user=editor_bdh)
    f.union(enterprise, founded=dt.date(2019, 1, 1))
    client.force_login(editor_bdh)
    # session, user, role x4, enterprise, zone binding, attachment, organizations, levels, unions, province
    with django_assert_max_num_queries(13):
        page = client.get(reverse("enterprise-organizations", args=[enterprise.pk]))
    html = page.content.decode()
    assert "Chi bộ Sao Đỏ" in html
    assert "grassroots party committee since" in html and "party cell since" in html
    assert reverse("union-dissolve", args=[GrassrootsUnion.objects.get().pk]) in html
    assert reverse("party-org-found", args=[enterprise.pk]) not in html  # it already has one


def test_lifecycle_forms_read_peoples_numbers_and_dates(client, editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.report(enterprise, "2024S1", workers=1500)
    client.force_login(editor_bdh)
    found = client.post(
        reverse("union-found", args=[enterprise.pk]),
        {"founded_on": "01/05/2024", "founding_members": "1.200"},
    )
    assert found.status_code == 302
    union = GrassrootsUnion.objects.get()
    assert (union.founded_on, union.founding_members) == (dt.date(2024, 5, 1), 1200)
    client.post(
        reverse("party-org-found", args=[enterprise.pk]),
        found_data(founded_on="10/03/2024", founding_members="1 200"),
    )
    organization = PartyOrganization.objects.get()
    assert (organization.founded_on, organization.founding_members) == (dt.date(2024, 3, 10), 1200)
    dissolved = client.post(reverse("union-dissolve", args=[union.pk]), {"dissolved_on": "1,5"})
    assert dissolved.context["form"].errors["dissolved_on"] == [
        "“1,5” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD (for example 25/06/2024)."
    ]
    refused = client.post(
        reverse("union-found", args=[enterprise.pk]), {"founded_on": "", "founding_members": "1,5"}
    )
    assert refused.context["form"].errors["founding_members"] == ["“1,5” is not a whole number."]


def test_count_fields_are_text_inputs_so_browsers_accept_grouped_digits(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    page = client.get(reverse("union-found", args=[enterprise.pk])).content.decode()
    assert 'type="text" name="founding_members" inputmode="numeric"' in page


def test_upgrade_offers_the_committee_name_and_keeps_the_old_one(client, editor_bdh, viewer):
    enterprise = f.enterprise("BDH")
    organization = f.party_org(enterprise, name="Chi bộ Công ty Hóa chất", founded=dt.date(2020, 10, 10))
    client.force_login(editor_bdh)
    url = reverse("party-org-upgrade", args=[organization.pk])
    assert client.get(url).context["form"]["name"].value() == "Đảng bộ Công ty Hóa chất"
    response = client.post(url, {"since": "15/03/2024", "name": "Đảng bộ Công ty Hóa chất"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Đảng bộ Công ty Hóa chất"
    assert organization.current_level == PartyOrgLevel.COMMITTEE
    names = list(organization.history.order_by("history_id").values_list("name", "history_user"))
    assert names == [("Chi bộ Công ty Hóa chất", None), ("Đảng bộ Công ty Hóa chất", editor_bdh.pk)]
    client.force_login(viewer)
    detail = client.get(reverse("organization-detail", args=[organization.pk]))
    assert detail.context["former_names"] == ["Chi bộ Công ty Hóa chất"]


def test_upgrade_without_a_name_keeps_the_name():
    organization = f.party_org(f.enterprise("BDH"), name="Association cell", founded=dt.date(2020, 1, 1))
    assert organization.committee_name() == "Association cell"
    services.party_org_upgrade(organization=organization, since=dt.date(2024, 1, 1), name="", user=None)
    organization.refresh_from_db()
    assert organization.name == "Association cell"
    assert f.party_org(f.enterprise("DPM"), name="Party cell of A").committee_name() == "Party committee of A"
