"""The rules between the people columns (DOMAIN.md "People"), the same on every way in: the import,
the period grid and the admin's forms, on the figures as they stand after the row."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enterprises import rules
from enterprises.models import Return
from membership.importing import RowError, import_file
from tests import factories as f
from tests.helpers import TODAY, grid_row, grid_url, import_row, write_csv

pytestmark = pytest.mark.django_db


def bound_exceeded(column, value, bound, bound_value):
    names = {"column": rules.named(column), "bound": rules.named(bound)}
    return str(rules.BOUND_EXCEEDED % (names | {"value": value, "bound_value": bound_value}))


def test_each_bound_between_columns():
    assert rules.check_people({"party_members": 3, "probationary_party_members": 4}, hosts_org=False) == [
        ("probationary_party_members", bound_exceeded("probationary_party_members", 4, "party_members", 3))
    ]
    assert rules.check_people({"admitted_to_party": 1, "owners_managers_admitted": 2}, hosts_org=False) == [
        ("owners_managers_admitted", bound_exceeded("owners_managers_admitted", 2, "admitted_to_party", 1))
    ]
    fine = {"party_members": 5, "owner_manager_party_members": 5, "members_with_association_cell": 2}
    assert rules.check_people(fine | {"members_at_residence": 3}, hosts_org=False) == []


def test_a_bounded_column_needs_its_bound_in_the_same_return():
    [(field, message)] = rules.check_people({"owner_manager_party_members": 1}, hosts_org=False)
    assert field == "owner_manager_party_members"
    assert message == str(
        rules.BOUND_MISSING % {"column": rules.named(field), "bound": rules.named("party_members")}
    )
    assert "party_members" in message and "owner_manager_party_members" in message


def test_association_and_residence_together_stay_within_party_members():
    figures = {"party_members": 4, "members_with_association_cell": 3, "members_at_residence": 2}
    [(field, message)] = rules.check_people(figures, hosts_org=False)
    assert field == "members_at_residence"
    assert "(3)" in message and "(2)" in message and "(4)" in message


def test_where_members_meet_is_refused_for_an_enterprise_with_an_organization():
    figures = {"party_members": 4, "members_at_residence": 1}
    [(field, message)] = rules.check_people(figures, hosts_org=True, period_label="first half of 2024")
    assert field == "members_at_residence"
    assert "first half of 2024" in message


# --- the import ------------------------------------------------------------------------------------


def test_the_import_refuses_a_row_naming_the_columns_and_writes_nothing(tmp_path):
    rows = [
        import_row(party_members="3", probationary_party_members="2"),
        import_row(
            tax_code="5300100002", name="Công ty B", party_members="2", probationary_party_members="5"
        ),
    ]
    result = import_file(write_csv(tmp_path / "r.csv", rows), today=TODAY)
    assert result.errors == [
        RowError(
            3,
            "probationary_party_members",
            bound_exceeded("probationary_party_members", 5, "party_members", 2),
        )
    ]
    assert not Return.objects.exists()


def test_the_import_checks_against_the_recorded_figures_the_file_leaves_out(tmp_path):
    enterprise = f.enterprise("BDH", tax_code="5300100001", name="Công ty TNHH Ví dụ Một")
    f.report(enterprise, "2024S1", workers=48, party_members=2)
    columns = ["period", "tax_code", "name", "ownership", "workers", "owner_manager_party_members"]
    path = write_csv(tmp_path / "r.csv", [import_row(owner_manager_party_members="3")], columns=columns)
    result = import_file(path, today=TODAY)
    assert result.errors == [
        RowError(
            2,
            "owner_manager_party_members",
            bound_exceeded("owner_manager_party_members", 3, "party_members", 2),
        )
    ]
    assert Return.objects.get().owner_manager_party_members is None


def test_the_import_refuses_members_at_residence_where_an_organization_exists(tmp_path):
    enterprise = f.enterprise("BDH", tax_code="5300100001", name="Công ty TNHH Ví dụ Một")
    f.party_org(enterprise, founded=dt.date(2019, 5, 12))
    path = write_csv(tmp_path / "r.csv", [import_row(party_members="4", members_at_residence="1")])
    [error] = import_file(path, today=TODAY).errors
    assert (error.line, error.column) == (2, "members_at_residence")
    assert not Return.objects.exists()


def test_the_import_stores_the_people_columns(tmp_path):
    row = import_row(
        party_members="6",
        admitted_to_party="2",
        probationary_party_members="2",
        owner_manager_party_members="1",
        owners_managers_admitted="1",
        became_official="1",
        probation_not_recognized="0",
        leaders_trained_intermediate="2",
        leaders_trained_advanced="1",
        members_with_association_cell="2",
        members_at_residence="3",
    )
    assert import_file(write_csv(tmp_path / "r.csv", [row]), today=TODAY).errors == []
    saved = Return.objects.get()
    assert [getattr(saved, name) for name in Return.PEOPLE] == [2, 1, 2, 3, 1, 0, 1, 2, 1]


# --- the period grid and the admin ---------------------------------------------------------------


def test_the_grid_refuses_lowering_party_members_below_the_recorded_probationary(client, editor_bdh):
    """The grid has no people columns, but their bounds hold on the return as it would stand."""
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2024S1", workers=20, party_members=4, probationary_party_members=3)
    client.force_login(editor_bdh)
    response = client.post(grid_url(), grid_row(enterprise, version=1, workers=20, party_members=2))
    assert Return.objects.get().party_members == 4
    [row] = response.context["grid"].rows
    assert row.invalid


def test_the_admins_form_refuses_what_the_import_refuses():
    enterprise = f.enterprise("BDH")
    ret = Return(
        enterprise=enterprise, period="2024S1", workers=10, party_members=1, probationary_party_members=2
    )
    with pytest.raises(ValidationError) as refused:
        ret.full_clean()
    assert list(refused.value.message_dict) == ["probationary_party_members"]
