"""Party organization pages: the list, and the Business Association cell growing from 5 to 45 (F15)."""

import datetime as dt
import html
import re

import plotly.graph_objects as go
import pytest
from django.urls import reverse
from django.utils.formats import date_format

from membership.models import OrganizationReturn, PartyOrganization
from reports.sample import demo
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("organization-list")


def day(year, month, date) -> str:
    return date_format(dt.date(year, month, date), "SHORT_DATE_FORMAT")


def text_of(response) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def association(db):
    cell = f.party_org(host_body="Business Association", name="Association cell", founded=dt.date(2016, 9, 6))
    cell.founding_members = 5
    cell.save()
    for period, members in (("2016", 5), ("2020", 24), ("2024S1", 45)):
        OrganizationReturn.objects.create(organization=cell, period=period, party_members=members)
    return cell


@pytest.mark.parametrize("who", ["viewer", "administrator"])
def test_viewers_and_administrators_see_the_organization_pages(client, request, who, association):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 200
    response = client.get(reverse("organization-detail", args=[association.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('method="post"') == 2  # read-only: logout, language switcher


def test_an_organization_of_another_body_is_not_a_zone_editors_to_see(client, editor_bdh, association):
    """Hosted outside every enterprise, it counts as outside every zone: listed and opened by viewers
    and administrators only."""
    client.force_login(editor_bdh)
    assert association.pk not in [o.pk for o in client.get(LIST).context["page"]]
    assert client.get(reverse("organization-detail", args=[association.pk])).status_code == 404


def test_a_user_without_a_role_is_refused(client, django_user_model, association):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("organization-detail", args=[association.pk])).status_code == 403


def test_anonymous_users_are_sent_to_login(client, association):
    for url in (LIST, reverse("organization-detail", args=[association.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"


def test_unknown_organization_is_not_found(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("organization-detail", args=[999999])).status_code == 404


def test_business_association_cell_from_5_to_45_members_f15(client, viewer):
    demo.seed()
    cell = PartyOrganization.objects.get(name=demo.ASSOCIATION_NAME)
    client.force_login(viewer)
    response = client.get(reverse("organization-detail", args=[cell.pk]))
    text = text_of(response)
    assert "Hosted by Hiệp hội Doanh nghiệp tỉnh Lào Cai" in text
    assert f"{day(2016, 9, 6)} – Founded as a party cell with 5 members" in text
    assert "Level party cell" in text  # kept a cell with 45 members (F15)
    assert "Members, first half of 2024 45" in text
    chart = response.context["chart"]
    go.Figure(chart)
    years = [f"Year {year}" for year in range(2016, 2024)]
    assert chart["data"][0]["x"] == [*years, "first half of 2024"]
    assert chart["data"][0]["y"] == [5, 9, 14, 19, 24, 30, 35, 40, 45]
    assert "Year 2016 5" in text and "first half of 2024 45" in text


def test_an_upgraded_enterprise_organization_keeps_its_history(client, viewer):
    host = f.enterprise("TL", name="Chemicals Co")
    f.report(host, "2023S1", party_members=50)
    f.report(host, "2024S1", party_members=62)
    org = f.party_org(host, name="Chemicals cell", founded=dt.date(2020, 10, 10))
    org.levels.create(level="committee", since=dt.date(2023, 3, 15))
    org.dissolved_on = dt.date(2024, 12, 1)
    org.save()
    client.force_login(viewer)
    response = client.get(reverse("organization-detail", args=[org.pk]))
    text = text_of(response)
    assert f"{day(2020, 10, 10)} – Founded as a party cell" in text
    assert f"{day(2023, 3, 15)} – Became a grassroots party committee" in text
    assert f"{day(2024, 12, 1)} – Dissolved" in text
    assert "Level grassroots party committee" in text
    assert response.context["chart"]["data"][0]["y"] == [50, 62]  # from the host's returns
    assert f'href="{reverse("enterprise-detail", args=[host.pk])}"' in response.content.decode()


def test_list_filters_organizations_hosted_outside_enterprises(client, viewer, association):
    f.party_org(f.enterprise("BDH", name="Host Co"), name="Host cell")
    client.force_login(viewer)
    assert "2 organizations." in text_of(client.get(LIST))
    response = client.get(LIST, {"outside": "1"})
    assert [o.name for o in response.context["page"]] == ["Association cell"]
    assert [o.name for o in client.get(LIST, {"q": "host"}).context["page"]] == ["Host cell"]
    assert "party cell" in text_of(response)


def test_list_shows_each_organizations_latest_party_members(client, viewer, association):
    host = f.enterprise("BDH", name="Host Co")
    f.report(host, "2023S2", party_members=12)
    f.report(host, "2024S1", workers=50)  # party members not reported: the earlier figure stands
    f.party_org(host, name="Host cell")
    f.party_org(f.enterprise("DPM"), name="Silent cell")
    client.force_login(viewer)
    response = client.get(LIST)
    members = {o.name: o.members for o in response.context["page"]}
    assert members == {"Association cell": 45, "Host cell": 12, "Silent cell": None}
    text = text_of(response)
    assert "Party members (latest return)" in text
    assert "Silent cell" in text and "no data" in text
