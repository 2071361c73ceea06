"""The database itself rejects bad rows, whatever path wrote them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from enterprises.models import Enterprise, Return
from tests import factories as f

pytestmark = pytest.mark.django_db


def rejected(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Return.objects.create(**fields)


def test_negative_counts_are_rejected():
    e = f.enterprise()
    for field in ["workers", "party_members", "union_members", "new_union_members", "admitted_to_party"]:
        rejected(enterprise=e, period="2024S1", **{field: -1})


def test_union_members_above_workers_are_rejected():
    e = f.enterprise()
    rejected(enterprise=e, period="2024S1", workers=10, union_members=11)
    assert (
        Return.objects.create(enterprise=e, period="2024S1", workers=10, union_members=10).union_members == 10
    )


def test_one_return_per_enterprise_and_period():
    e = f.enterprise()
    f.report(e, "2024S1", workers=5)
    rejected(enterprise=e, period="2024S1", workers=6)


def test_tax_codes_are_unique():
    f.enterprise(tax_code="5300000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.enterprise(tax_code="5300000001")


def test_returns_protect_their_enterprise_from_deletion():
    e = f.enterprise()
    f.report(e, "2024S1", workers=5)
    with pytest.raises(ProtectedError):
        e.delete()
    assert Enterprise.objects.filter(pk=e.pk).exists()


def test_a_party_organization_has_exactly_one_host():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.party_org(None, host_body="")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.party_org(f.enterprise(), host_body="Business Association")


def test_dissolution_cannot_precede_founding():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.union(f.enterprise(), founded=dt.date(2024, 1, 1), dissolved=dt.date(2023, 1, 1))


def test_period_bounds_are_stored_on_save():
    r = f.report(f.enterprise(), "2024Q3", workers=5)
    assert (r.starts_on, r.ends_on) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))


def test_overlapping_returns_of_one_enterprise_are_rejected_by_validation():
    e = f.enterprise()
    f.report(e, "2024S1", workers=5)
    with pytest.raises(ValidationError) as error:
        Return(enterprise=e, period="2024Q1", workers=5).full_clean()
    assert error.value.message_dict["period"] == [
        "The period 2024Q1 overlaps the existing return for 2024S1."
    ]
    Return(enterprise=e, period="2024Q3", workers=5).full_clean()  # no overlap


def test_malformed_period_is_rejected_by_validation():
    with pytest.raises(ValidationError) as error:
        Return(enterprise=f.enterprise(), period="2024H1", workers=5).full_clean()
    assert "is not a period" in error.value.message_dict["period"][0]


def test_tax_code_format_is_validated():
    e = Enterprise(tax_code="12345", name="X", ownership="state")
    with pytest.raises(ValidationError) as error:
        e.full_clean()
    assert "10 digits" in error.value.message_dict["tax_code"][0]
    Enterprise(tax_code="0101234567-001", name="Branch", ownership="state").full_clean()


def test_search_ignores_case_and_vietnamese_diacritics():
    f.enterprise(name="Công ty Hóa chất Đức Giang")
    assert Enterprise.objects.search("duc giang").count() == 1
    assert Enterprise.objects.search("ĐỨC GIANG").count() == 1
    assert Enterprise.objects.search("hoa chat").count() == 1
    assert Enterprise.objects.search("giang xa").count() == 0
