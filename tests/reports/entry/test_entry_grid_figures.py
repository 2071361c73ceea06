"""The period grid reads counts as people write them, offers the figures its zone collects, and takes
the union members who left."""

import pytest

from enterprises.models import Return
from tests import factories as f
from tests.helpers import grid_row, grid_url
from zones.models import Zone

pytestmark = pytest.mark.django_db


def cell_errors(response):
    return {c.field: c.error for c in response.context["grid"].rows[0].cells if c.error}


def test_counts_are_read_as_people_write_them(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    data = grid_row(enterprise, workers="1.200", union_members="1 150", new_union_members="1\u00a0020")
    assert client.post(grid_url(), data).status_code == 302
    ret = Return.objects.get()
    assert (ret.workers, ret.union_members, ret.new_union_members) == (1200, 1150, 1020)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,5", "“1,5” is not a whole number."),
        ("9" * 5000, "The value is longer than 255 characters."),  # was a server error
        ("9" * 13, f"“{'9' * 13}” has more than 12 digits: it cannot be a count."),
        (
            "4\x002",
            "The value contains a NUL character (an invisible control character), which cannot be "
            "stored. Type the value again.",
        ),
    ],
)
def test_a_cell_that_is_no_count_is_an_error_never_a_crash(client, editor_bdh, typed, message):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    response = client.post(grid_url(), grid_row(enterprise, workers=typed))
    assert response.status_code == 200
    assert cell_errors(response) == {"workers": message}
    assert not Return.objects.exists()


def test_the_grid_offers_only_the_figures_its_zone_collects(client, administrator):
    Zone.objects.filter(code="BEZ").update(collects_party=False, collects_union=False)
    f.enterprise("BEZ")
    client.force_login(administrator)
    assert [name for name, _label in client.get(grid_url("BEZ")).context["grid"].columns] == ["workers"]
    assert [name for name, _label in client.get(grid_url("BDH")).context["grid"].columns] == [
        name for name in Return.FIGURES if name not in Return.PEOPLE
    ]
    Zone.objects.filter(code="BEZ").update(collects_union=True)
    columns = client.get(grid_url("BEZ")).context["grid"].columns
    assert [name for name, _label in columns] == [
        "workers",
        "union_members",
        "new_union_members",
        "introduced_to_party",
        "union_members_left",
    ]
    assert str(columns[-1][1]) == "union members who left"


def test_figures_of_groups_not_collected_are_neither_written_nor_lost(client, administrator):
    Zone.objects.filter(code="BEZ").update(collects_party=False, collects_union=False)
    enterprise = f.enterprise("BEZ")
    ret = f.report(enterprise, "2024S1", workers=30, party_members=4, union_members=20)
    client.force_login(administrator)
    # A forged party cell is not read; the recorded party and union figures stay.
    data = {**grid_row(enterprise, version=1, workers=35), f"e{enterprise.pk}-party_members": "9"}
    assert client.post(grid_url("BEZ"), data).status_code == 302
    ret.refresh_from_db()
    assert (ret.workers, ret.party_members, ret.union_members) == (35, 4, 20)
    # Clearing every cell offered keeps the return: it still holds figures recorded before.
    assert client.post(grid_url("BEZ"), grid_row(enterprise, version=2)).status_code == 302
    ret.refresh_from_db()
    assert (ret.workers, ret.party_members, ret.union_members) == (None, 4, 20)


def test_workers_below_recorded_union_members_are_refused_where_union_is_not_collected(client, administrator):
    Zone.objects.filter(code="BEZ").update(collects_union=False)
    enterprise = f.enterprise("BEZ")
    f.report(enterprise, "2024S1", workers=30, union_members=20)
    client.force_login(administrator)
    response = client.post(grid_url("BEZ"), grid_row(enterprise, version=1, workers=15))
    assert cell_errors(response) == {
        "workers": "15 workers are fewer than the 20 union members recorded for this period."
    }
    assert Return.objects.get().workers == 30


def test_union_members_who_left_are_entered_in_the_grid(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    client.force_login(editor_bdh)
    data = {**grid_row(enterprise, workers=40, union_members=30), f"e{enterprise.pk}-union_members_left": "2"}
    assert client.post(grid_url(), data).status_code == 302
    assert Return.objects.get().union_members_left == 2
    page = client.get(grid_url()).content.decode()
    assert f'name="e{enterprise.pk}-union_members_left" value="2"' in page


def test_union_members_who_left_are_corrected_in_the_grid(client, editor_bdh):
    enterprise = f.enterprise("BDH")
    f.report(enterprise, "2024S1", workers=40, union_members=30, union_members_left=2)
    client.force_login(editor_bdh)
    data = {
        **grid_row(enterprise, version=1, workers=40, union_members=30),
        f"e{enterprise.pk}-union_members_left": "5",
    }
    assert client.post(grid_url(), data).status_code == 302
    assert Return.objects.get().union_members_left == 5
