"""What a Vietnamese reader sees: the word for each organization's members, people's period labels
and dd/mm/yyyy dates, never period codes or ISO dates."""

import datetime as dt

import pytest
from django.urls import reverse

from membership import services
from membership.models import OrganizationReturn
from tests import factories as f
from tests.helpers import grid_row, grid_url

pytestmark = pytest.mark.django_db


def vi(client, url, **kwargs):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="vi", **kwargs).content.decode()


def test_a_party_organization_counts_party_members_at_founding(client, viewer):
    organization = f.party_org(f.enterprise("BDH"), founded=dt.date(2020, 10, 10))
    organization.founding_members = 25
    organization.save()
    client.force_login(viewer)
    page = vi(client, reverse("organization-detail", args=[organization.pk]))
    assert "Số đảng viên khi thành lập" in page
    assert "đoàn viên" not in page


def test_a_union_counts_union_members_at_founding(client, editor_bdh):
    client.force_login(editor_bdh)
    page = vi(client, reverse("union-found", args=[f.enterprise("BDH").pk]))
    assert "Số đoàn viên khi thành lập" in page
    assert "đảng viên khi thành lập" not in page


def test_the_audit_trail_names_each_organizations_members(client, editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    services.party_org_found(
        name="Chi bộ A",
        level="cell",
        founded_on=dt.date(2024, 3, 10),
        founding_members=3,
        host_enterprise=enterprise,
        user=editor_bdh,
    )
    services.union_found(
        enterprise=enterprise, founded_on=dt.date(2024, 5, 1), founding_members=7, user=editor_bdh
    )
    client.force_login(editor_bdh)
    page = vi(client, reverse("enterprise-history", args=[enterprise.pk]))
    assert "số đảng viên khi thành lập 3" in page
    assert "số đoàn viên khi thành lập 7" in page


def test_the_grid_names_periods_as_people_do(client, editor_bdh):
    blocked = f.enterprise("BDH", name="Blocked Co")
    f.report(blocked, "2024Q1", workers=5)
    client.force_login(editor_bdh)
    page = vi(client, grid_url())
    assert "Đã có báo cáo Quý 1/2024, trùng thời gian với kỳ này." in page
    posted = client.post(grid_url(), grid_row(blocked, workers="7"), HTTP_ACCEPT_LANGUAGE="vi")
    [row] = posted.context["grid"].rows
    assert "Quý 1/2024" in row.error and "6 tháng đầu năm 2024" in row.error
    assert "2024Q1" not in row.error and "2024S1" not in row.error


def test_an_organizations_members_chart_reads_periods_as_people_do(client, viewer):
    cell = f.party_org(host_body="Business Association", name="Association cell")
    for period, members in (("2023", 40), ("2024S1", 45)):
        OrganizationReturn.objects.create(organization=cell, period=period, party_members=members)
    client.force_login(viewer)
    response = client.get(reverse("organization-detail", args=[cell.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.context["chart"]["data"][0]["x"] == ["Năm 2023", "6 tháng đầu năm 2024"]


def test_the_entry_start_page_writes_deadlines_day_first(client, editor_bdh, monkeypatch):
    monkeypatch.setattr("reports.cycle.reporting.timezone.localdate", lambda: dt.date(2024, 7, 2))
    f.enterprise("BDH")
    client.force_login(editor_bdh)
    page = vi(client, "/entry/")
    assert "Quý 2/2024" in page and "Hạn nộp: 15/07/2024." in page
    assert "2024Q2<" not in page and "2024-07-15" not in page


def test_a_card_says_plainly_that_party_members_without_an_organization_are_not_reported(client, viewer):
    f.report(f.enterprise("BDH"), "2024", workers=30)  # no party members reported
    client.force_login(viewer)
    page = vi(client, reverse("zone-detail", args=["BDH"]) + "?period=2024")
    assert "Doanh nghiệp có đảng viên nhưng chưa có tổ chức đảng: chưa có số liệu" in page
    assert "trong đó chưa có số liệu" not in page
