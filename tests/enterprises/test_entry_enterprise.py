"""Registering, editing and closing enterprises."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from enterprises import entry_views, services
from enterprises.forms import ESTABLISHED_AFTER_CLOSED, TAX_CODE_TAKEN, ZONE_REQUIRED
from enterprises.models import TAX_CODE_MESSAGE, Enterprise, Ownership
from tests import factories as f
from zones.models import Zone

pytestmark = pytest.mark.django_db


def shown_date(*ymd):
    """A date as pages and messages write it in the active language."""
    return date_format(dt.date(*ymd))


def zone_id(code):
    return Zone.objects.get(code=code).pk


def form_data(**overrides):
    data = {
        "tax_code": "5300123456",
        "name": "Công ty TNHH  Sao Đỏ",
        "zone": zone_id("BDH"),
        "ownership": Ownership.NON_STATE,
        "established_on": "2019-04-01",
    }
    return {**data, **overrides}


def test_editor_registers_an_enterprise_in_own_zone(client, editor_bdh):
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data())
    enterprise = Enterprise.objects.get(tax_code="5300123456")
    assert response.status_code == 302
    assert response.url == reverse("enterprise-organizations", args=[enterprise.pk])
    assert enterprise.name == "Công ty TNHH Sao Đỏ"  # spaces squeezed
    assert enterprise.search_name == "cong ty tnhh sao do"
    assert enterprise.zone.code == "BDH" and enterprise.established_on == dt.date(2019, 4, 1)
    record = enterprise.history.get()
    assert (record.history_type, record.history_user) == ("+", editor_bdh)


def test_branch_tax_code_is_accepted(client, editor_bdh):
    client.force_login(editor_bdh)
    client.post(reverse("enterprise-create"), form_data(tax_code="5300123456-001"))
    assert Enterprise.objects.filter(tax_code="5300123456-001").exists()


@pytest.mark.parametrize("tax_code", ["53001234", "5300123456-1", "53001234567", "ABCDEFGHIJ"])
def test_tax_code_format_is_checked(client, editor_bdh, tax_code):
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data(tax_code=tax_code))
    assert response.context["form"].errors["tax_code"] == [str(TAX_CODE_MESSAGE)]
    assert not Enterprise.objects.exists()


def test_tax_code_is_unique(client, editor_bdh):
    f.enterprise("DPM", tax_code="5300123456")
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data())
    assert response.context["form"].errors["tax_code"] == [str(TAX_CODE_TAKEN)]


def test_zone_is_limited_to_the_editors_zones(client, editor_bdh):
    client.force_login(editor_bdh)
    page = client.get(reverse("enterprise-create"))
    assert [z.code for z in page.context["form"].fields["zone"].queryset] == ["BDH"]
    other = client.post(reverse("enterprise-create"), form_data(zone=zone_id("DPM")))
    assert "zone" in other.context["form"].errors
    outside = client.post(reverse("enterprise-create"), form_data(zone=""))
    assert outside.context["form"].errors["zone"] == [str(ZONE_REQUIRED)]
    assert not Enterprise.objects.exists()


def test_administrator_registers_an_enterprise_outside_every_zone(client, administrator):
    client.force_login(administrator)
    client.post(reverse("enterprise-create"), form_data(zone=""))
    assert Enterprise.objects.get().zone is None


def test_established_date_cannot_be_in_the_future(client, editor_bdh):
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data(established_on="2199-01-01"))
    assert response.context["form"].errors["established_on"] == ["01/01/2199 is in the future."]


def test_edit_and_its_audit_entry(client, editor_bdh):
    enterprise = f.enterprise("BDH", name="Old name", established=dt.date(2010, 1, 1))
    client.force_login(editor_bdh)
    data = form_data(tax_code=enterprise.tax_code, name="New name", established_on="2010-01-01", version=1)
    response = client.post(reverse("enterprise-edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version, enterprise.search_name) == ("New name", 2, "new name")
    latest = enterprise.history.latest()
    assert latest.history_user == editor_bdh and latest.name == "New name"


def test_established_after_closing_is_refused(client, administrator):
    enterprise = f.enterprise("BDH", closed=dt.date(2015, 1, 1))
    client.force_login(administrator)
    data = form_data(tax_code=enterprise.tax_code, established_on="2016-01-01", version=1)
    response = client.post(reverse("enterprise-edit", args=[enterprise.pk]), data)
    assert response.context["form"].errors["established_on"] == [
        str(ESTABLISHED_AFTER_CLOSED % {"closed": shown_date(2015, 1, 1)})
    ]


def test_lost_update_on_an_enterprise(client, editor_bdh, administrator):
    """Both load version 1; the administrator saves first; the editor's save is refused, not merged."""
    enterprise = f.enterprise("BDH", name="Original")
    client.force_login(administrator)
    first = form_data(tax_code=enterprise.tax_code, name="Administrator's name", version=1)
    assert client.post(reverse("enterprise-edit", args=[enterprise.pk]), first).status_code == 302
    client.force_login(editor_bdh)
    second = form_data(tax_code=enterprise.tax_code, name="Editor's name", version=1)
    response = client.post(reverse("enterprise-edit", args=[enterprise.pk]), second)
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("Administrator's name", 2)
    html = response.content.decode()
    assert str(entry_views.ENTERPRISE_CHANGED_MEANWHILE) in html
    # The form shows the newer values and version; the editor's typed value is listed.
    assert response.context["form"].initial["name"] == "Administrator's name"
    assert response.context["form"]["version"].value() == 2
    assert ("Name", "Editor's name") in response.context["unsaved"]
    assert enterprise.history.count() == 2


def test_update_service_checks_the_version_inside_the_update(editor_bdh):
    enterprise = f.enterprise("BDH", name="Original")
    Enterprise.objects.filter(pk=enterprise.pk).update(name="Someone else's", version=2)
    with pytest.raises(services.StaleVersion) as caught:
        services.enterprise_update(
            enterprise=enterprise, expected_version=1, changes={"name": "Mine"}, user=editor_bdh
        )
    assert caught.value.current.name == "Someone else's"
    assert Enterprise.objects.get().name == "Someone else's"


def test_close_an_enterprise_keeps_it_and_its_returns(client, editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.report(enterprise, "2023S1", workers=10)
    client.force_login(editor_bdh)
    url = reverse("enterprise-close", args=[enterprise.pk])
    response = client.post(url, {"closed_on": "2023-09-30", "version": 1})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.closed_on == dt.date(2023, 9, 30) and enterprise.returns.count() == 1
    assert enterprise.history.latest().history_user == editor_bdh


@pytest.mark.parametrize(
    ("closed_on", "message"),
    [
        (
            "2014-12-31",
            services.CLOSED_BEFORE_ESTABLISHED
            % {"closed": shown_date(2014, 12, 31), "established": shown_date(2015, 1, 1)},
        ),
        ("2199-01-01", services.CLOSED_IN_FUTURE % {"date": shown_date(2199, 1, 1)}),
        (
            "2023-05-31",
            services.RETURNS_AFTER_CLOSING % {"date": shown_date(2023, 5, 31), "periods": "2023S2, 2024"},
        ),
    ],
)
def test_closing_rules(client, editor_bdh, closed_on, message):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.report(enterprise, "2023S1", workers=10)  # before every closing date tried here
    f.report(enterprise, "2023S2", workers=10)
    f.report(enterprise, "2024", workers=10)
    client.force_login(editor_bdh)
    url = reverse("enterprise-close", args=[enterprise.pk])
    response = client.post(url, {"closed_on": closed_on, "version": 1})
    assert response.status_code == 200
    assert response.context["form"].errors["closed_on"] == [str(message)]
    enterprise.refresh_from_db()
    assert enterprise.closed_on is None and enterprise.version == 1


def test_reopening_a_closed_enterprise(client, administrator):
    enterprise = f.enterprise("BDH", closed=dt.date(2020, 1, 1))
    client.force_login(administrator)
    client.post(reverse("enterprise-close", args=[enterprise.pk]), {"closed_on": "", "version": 1})
    enterprise.refresh_from_db()
    assert enterprise.closed_on is None and enterprise.version == 2


@pytest.mark.parametrize("language", ["en", "vi"])
def test_enterprise_forms_read_dates_day_first_in_every_language(client, editor_bdh, language):
    client.force_login(editor_bdh)
    client.post(
        reverse("enterprise-create"), form_data(established_on="05/03/2020"), HTTP_ACCEPT_LANGUAGE=language
    )
    enterprise = Enterprise.objects.get()
    assert enterprise.established_on == dt.date(2020, 3, 5)
    url = reverse("enterprise-close", args=[enterprise.pk])
    client.post(url, {"closed_on": "30/6/2024", "version": enterprise.version}, HTTP_ACCEPT_LANGUAGE=language)
    enterprise.refresh_from_db()
    assert enterprise.closed_on == dt.date(2024, 6, 30)
