"""One enterprise, one tax code: typed with other digits it is normalized, and the database stores ASCII only.
Dates and numbers of the enterprise forms are read as people write them."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from enterprises.forms import TAX_CODE_TAKEN
from enterprises.models import TAX_CODE_MESSAGE, Enterprise, Ownership
from tests import factories as f
from zones.models import Zone

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "tax_code": "5300123456",
        "name": "Công ty TNHH Sao Đỏ",
        "zone": Zone.objects.get(code="BDH").pk,
        "ownership": Ownership.NON_STATE,
        "established_on": "2019-04-01",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("５３００１２３４５６", "5300123456"),
        ("٥٣٠٠١٢٣٤٥٦", "5300123456"),
        ("５３００１２３４５６－００１", "5300123456-001"),
    ],
)
def test_the_form_stores_a_tax_code_in_ascii_digits(client, editor_bdh, typed, stored):
    client.force_login(editor_bdh)
    assert client.post(reverse("enterprise-create"), form_data(tax_code=typed)).status_code == 302
    assert list(Enterprise.objects.values_list("tax_code", flat=True)) == [stored]


def test_other_digits_cannot_register_an_enterprise_twice(client, editor_bdh):
    f.enterprise("BDH", tax_code="5300123456")
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data(tax_code="５３００１２３４５６"))
    assert response.context["form"].errors["tax_code"] == [str(TAX_CODE_TAKEN)]
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize("typed", ["５３００１２３", "53001234５６７", "５３００１２３４５６-1"])
def test_a_malformed_tax_code_in_other_digits_is_still_malformed(client, editor_bdh, typed):
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data(tax_code=typed))
    assert response.context["form"].errors["tax_code"] == [str(TAX_CODE_MESSAGE)]


def test_the_database_refuses_a_tax_code_that_is_not_ascii():
    """Every path normalizes; the constraint catches one that forgets (a raw update, a script)."""
    enterprise = f.enterprise("BDH", tax_code="5300123456")
    for code in ("５３００１２３４５６", "٥٣٠٠١٢٣٤٥٦", "530012345", "5300123456-01"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Enterprise.objects.filter(pk=enterprise.pk).update(tax_code=code)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(tax_code="５３００１２３４５７", name="X", ownership=Ownership.STATE)
    assert Enterprise.objects.get().tax_code == "5300123456"


def test_search_finds_a_tax_code_typed_in_other_digits():
    enterprise = f.enterprise("BDH", tax_code="5300123456")
    assert list(Enterprise.objects.search("５３００１２")) == [enterprise]


# --- dates and numbers of the enterprise forms ----------------------------------------------------


def test_an_establishment_date_may_be_typed_day_first(client, editor_bdh):
    client.force_login(editor_bdh)
    client.post(reverse("enterprise-create"), form_data(established_on="05/03/2019"))
    assert Enterprise.objects.get().established_on == dt.date(2019, 3, 5)


def test_a_date_that_is_none_is_explained(client, editor_bdh):
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data(established_on="03/25/2019"))
    assert response.context["form"].errors["established_on"] == [
        "“03/25/2019” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD (for example 25/06/2024)."
    ]


def test_a_closing_date_may_be_typed_day_first(client, editor_bdh):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    client.force_login(editor_bdh)
    response = client.post(
        reverse("enterprise-close", args=[enterprise.pk]), {"closed_on": "30/09/2023", "version": 1}
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.closed_on == dt.date(2023, 9, 30)


def test_a_forged_huge_version_is_a_form_error_not_a_server_error(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    for version in ("9" * 30, "9" * 5000):
        data = form_data(tax_code=enterprise.tax_code, version=version)
        response = client.post(reverse("enterprise-edit", args=[enterprise.pk]), data)
        assert response.status_code == 200
        assert "version" in response.context["form"].errors
        closing = client.post(
            reverse("enterprise-close", args=[enterprise.pk]), {"closed_on": "2023-09-30", "version": version}
        )
        assert closing.status_code == 200
    enterprise.refresh_from_db()
    assert enterprise.version == 1


def test_a_name_with_a_nul_character_is_refused(client, editor_bdh):
    client.force_login(editor_bdh)
    response = client.post(reverse("enterprise-create"), form_data(name="Công\x00ty"))
    assert response.context["form"].errors["name"] == ["Null characters are not allowed."]
    assert not Enterprise.objects.exists()
