"""The period grid's second set of columns (``?columns=people``): the nine people columns, typed
with the same rules as every other path, saved all or nothing, and the figures left as they were."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Return
from tests import factories as f
from tests.helpers import grid_url

pytestmark = pytest.mark.django_db


def people_url(zone="BDH", period="2024S1"):
    return f"{grid_url(zone, period)}?columns=people"


def people_row(enterprise, version=0, **values):
    data = {f"e{enterprise.pk}-version": str(version)}
    for name in Return.PEOPLE:
        value = values.get(name)
        data[f"e{enterprise.pk}-{name}"] = "" if value is None else str(value)
    return data


def errors_of(response):
    return {
        (row.enterprise.name, cell.field): cell.error
        for row in response.context["grid"].rows
        for cell in row.cells
        if cell.error
    }


def test_the_people_set_has_the_nine_columns_and_the_figures_set_none(client, editor_bdh):
    f.enterprise("BDH")
    client.force_login(editor_bdh)
    people = client.get(people_url())
    assert [name for name, _label in people.context["grid"].columns] == list(Return.PEOPLE)
    assert "?page=1&amp;columns=people" not in people.content.decode()  # the switch leads back
    figures = client.get(grid_url())
    assert not {name for name, _label in figures.context["grid"].columns} & set(Return.PEOPLE)
    assert "columns=people" in figures.content.decode()


def test_an_unknown_set_of_columns_is_not_found(client, editor_bdh):
    client.force_login(editor_bdh)
    assert client.get(f"{grid_url()}?columns=everything").status_code == 404


def test_people_are_saved_beside_the_stored_figures(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    ret = f.report(enterprise, "2024S1", workers=30, party_members=5, admitted_to_party=2)
    client.force_login(editor_bdh)
    data = people_row(
        enterprise,
        version=ret.version,
        probationary_party_members=2,
        owner_manager_party_members=1,
        became_official=1,
        owners_managers_admitted=1,
        leaders_trained_intermediate=1,
        members_with_association_cell=2,
        members_at_residence="3",
    )
    response = client.post(people_url(), data)
    assert response.status_code == 302
    assert response.url.endswith("?page=1&columns=people")
    ret.refresh_from_db()
    assert (ret.workers, ret.party_members, ret.admitted_to_party) == (30, 5, 2)
    assert (ret.probationary_party_members, ret.owner_manager_party_members) == (2, 1)
    assert (ret.became_official, ret.owners_managers_admitted, ret.leaders_trained_intermediate) == (1, 1, 1)
    assert (ret.members_with_association_cell, ret.members_at_residence) == (2, 3)
    assert ret.probation_not_recognized is None and ret.leaders_trained_advanced is None


def test_a_broken_rule_is_named_on_its_cell_and_nothing_is_saved(client, editor_bdh):
    ok = f.enterprise("BDH", name="Fine")
    bad = f.enterprise("BDH", name="Hosts one")
    f.report(ok, "2024S1", workers=30, party_members=5)
    hosted = f.report(bad, "2024S1", workers=30, party_members=4, admitted_to_party=1)
    f.party_org(bad, founded=dt.date(2020, 1, 1))
    client.force_login(editor_bdh)
    data = {
        **people_row(ok, version=1, probationary_party_members=2),
        **people_row(
            bad,
            version=hosted.version,
            probationary_party_members=5,
            owners_managers_admitted=2,
            members_at_residence=1,
        ),
    }
    response = client.post(people_url(), data)
    assert response.status_code == 200
    assert errors_of(response) == {
        ("Hosts one", "probationary_party_members"): (
            "probationary party members (probationary_party_members) (5) cannot exceed "
            "party members (party_members) (4)."
        ),
        ("Hosts one", "owners_managers_admitted"): (
            "owners and managers admitted (owners_managers_admitted) (2) cannot exceed "
            "admitted to the party (admitted_to_party) (1)."
        ),
        ("Hosts one", "members_at_residence"): (
            "members active at their residence (members_at_residence) is only for an enterprise "
            "without a party organization; this one has one at the end of first half of 2024."
        ),
    }
    assert not Return.objects.filter(probationary_party_members__isnull=False).exists()


def test_a_people_figure_without_its_bound_asks_for_it(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    response = client.post(people_url(), people_row(enterprise, owner_manager_party_members=1))
    assert errors_of(response) == {
        (enterprise.name, "owner_manager_party_members"): (
            "owners and managers in the party (owner_manager_party_members) needs party members "
            "(party_members) in the same return: give party members (party_members) too."
        )
    }
    assert not Return.objects.exists()


def test_clearing_the_people_cells_keeps_the_return_of_its_figures(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    ret = f.report(enterprise, "2024S1", workers=30, party_members=5, probationary_party_members=1)
    client.force_login(editor_bdh)
    assert client.post(people_url(), people_row(enterprise, version=ret.version)).status_code == 302
    ret.refresh_from_db()
    assert (ret.workers, ret.party_members, ret.probationary_party_members) == (30, 5, None)


def test_the_people_grid_costs_the_same_queries_for_3_or_30_enterprises(client, editor_bdh):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(people_url()).status_code == 200
        return len(queries)

    client.force_login(editor_bdh)
    for _ in range(3):
        f.report(f.enterprise("BDH"), "2024S1", workers=10, party_members=2, probationary_party_members=1)
    small = count()
    for _ in range(27):
        f.report(f.enterprise("BDH"), "2024S1", workers=10, party_members=2, probationary_party_members=1)
    assert count() == small
