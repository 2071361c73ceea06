"""The import reads only the columns a file has, in people's formats, within what each zone collects."""

import datetime as dt

import pytest

from enterprises.models import Enterprise, Return
from membership.importing import MAX_ERROR_ROWS, CellChange, RowError, import_file, plan_import, read_table
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrgLevel
from tests import factories as f
from tests.helpers import TODAY, import_row, snapshot, write_csv
from zones.models import Zone

pytestmark = pytest.mark.django_db

REQUIRED = ["period", "tax_code", "name", "ownership", "workers"]
NAME = "Công ty TNHH Ví dụ Một"


def run(tmp_path, rows, *, columns=None, user=None, **options):
    path = write_csv(tmp_path / "returns.csv", rows, **({"columns": columns} if columns else {}))
    return import_file(path, user=user, today=TODAY, **options)


def recorded(zone="BDH"):
    """An enterprise with a full 2024S1 return, a party cell and a union, as an earlier import left it."""
    enterprise = f.enterprise(zone, tax_code="5300100001", name=NAME)
    f.party_org(enterprise, founded=dt.date(2019, 5, 12))
    f.union(enterprise, founded=dt.date(2018, 3, 1))
    return f.report(
        enterprise,
        "2024S1",
        workers=48,
        party_members=7,
        union_members=40,
        new_union_members=6,
        introduced_to_party=2,
        admitted_to_party=1,
        awareness_class_attendees=4,
        proposed_for_admission=2,
        union_members_left=1,
    )


def figures(ret):
    ret.refresh_from_db()
    return {name: getattr(ret, name) for name in Return.FIGURES}


# --- columns a file does not have --------------------------------------------------------------------


def test_a_file_of_the_required_columns_updates_workers_and_keeps_the_rest(tmp_path):
    ret = recorded()
    before = figures(ret)
    plan = run(tmp_path, [import_row(workers="50")], columns=REQUIRED)
    assert plan.errors == []
    assert [(r.action, r.changes, r.cells) for r in plan.rows] == [
        ("update", ("workers",), (CellChange("workers", 48, 50),))
    ]
    assert plan.cleared == 0
    assert figures(ret) == {**before, "workers": 50}
    assert Enterprise.objects.get().zone.code == "BDH"  # no zone column: the zone stays
    assert (PartyOrganization.objects.count(), GrassrootsUnion.objects.count()) == (1, 1)


def test_reimporting_a_partial_file_changes_nothing(tmp_path):
    recorded()
    run(tmp_path, [import_row(workers="50")], columns=REQUIRED)
    before = snapshot()
    plan = run(tmp_path, [import_row(workers="50")], columns=REQUIRED)
    assert [r.action for r in plan.rows] == ["unchanged"]
    assert not plan.has_changes
    assert snapshot() == before


def test_an_empty_cell_of_a_present_column_clears_the_value_and_is_counted(tmp_path):
    ret = recorded()
    columns = [*REQUIRED, "union_members", "party_members"]
    plan = run(tmp_path, [import_row(workers="48", union_members="", party_members="7")], columns=columns)
    assert plan.rows[0].cells == (CellChange("union_members", 40, None),)
    assert plan.cleared == 1
    assert (figures(ret)["union_members"], figures(ret)["party_members"]) == (None, 7)


def test_without_a_zone_column_a_new_enterprise_lies_outside_every_zone(tmp_path, administrator, editor_bdh):
    refused = run(tmp_path, [import_row(tax_code="5300100002")], columns=REQUIRED, user=editor_bdh)
    assert refused.errors == [
        RowError(2, "zone", "Only administrators may import enterprises outside every zone (empty zone).")
    ]
    plan = run(tmp_path, [import_row(tax_code="5300100002")], columns=REQUIRED, user=administrator)
    assert plan.errors == []
    assert Enterprise.objects.get(tax_code="5300100002").zone is None


def test_without_a_zone_column_an_editor_updates_an_enterprise_of_their_zone(tmp_path, editor_bdh):
    ret = recorded()
    plan = run(tmp_path, [import_row(workers="52")], columns=REQUIRED, user=editor_bdh)
    assert plan.errors == []
    assert figures(ret)["workers"] == 52


def test_the_enterprise_changes_are_cells_too(tmp_path):
    recorded()
    plan = run(
        tmp_path,
        [import_row(name="Công ty Mới", zone="DPM", ownership="foreign")],
        columns=[*REQUIRED, "zone"],
    )
    cells = plan.rows[0].cells
    assert [str(cell) for cell in cells] == [
        "name Công ty TNHH Ví dụ Một → Công ty Mới",
        "zone BDH → DPM",
        "ownership non-state → foreign-invested",
    ]


# --- rules between figures hold whatever the file leaves out ------------------------------------------------


def test_workers_below_the_recorded_union_members_are_refused(tmp_path):
    ret = recorded()
    before = snapshot()
    plan = run(tmp_path, [import_row(workers="30")], columns=REQUIRED)
    assert plan.errors == [
        RowError(
            2,
            "workers",
            "30 workers are fewer than the 40 union members recorded for 2024S1: correct the workers, "
            "or give the union members in a union_members column.",
        )
    ]
    assert snapshot() == before
    ok = run(tmp_path, [import_row(workers="30", union_members="25")], columns=[*REQUIRED, "union_members"])
    assert ok.errors == []
    assert (figures(ret)["workers"], figures(ret)["union_members"]) == (30, 25)


# --- what each zone collects ------------------------------------------------------------------------


@pytest.fixture
def workforce_only():
    Zone.objects.filter(code="BEZ").update(collects_party=False, collects_union=False)


@pytest.mark.parametrize(
    ("column", "value", "group"),
    [
        ("party_members", "3", "party"),
        ("admitted_to_party", "1", "party"),
        ("party_org", "cell", "party"),
        ("union_members", "10", "union"),
        ("introduced_to_party", "1", "union"),
        ("union_members_left", "1", "union"),
        ("union_founded", "2018-03-01", "union"),
    ],
)
def test_a_figure_the_zone_does_not_collect_is_refused(tmp_path, workforce_only, column, value, group):
    values = {column: value, "party_org_founded": "2019-05-12"} if column == "party_org" else {column: value}
    plan = run(tmp_path, [import_row(zone="BEZ", **values)])
    assert plan.errors == [
        RowError(2, column, f"Zone BEZ does not collect {group} figures: leave this cell empty.")
    ] + (
        [RowError(2, "party_org_founded", "Zone BEZ does not collect party figures: leave this cell empty.")]
        if column == "party_org"
        else []
    )
    assert Enterprise.objects.count() == 0


def test_the_empty_cells_of_an_uncollected_group_keep_what_is_recorded(tmp_path, workforce_only):
    ret = recorded("BEZ")
    before = figures(ret)
    plan = run(tmp_path, [import_row(zone="BEZ", workers="60")])  # every column, party and union cells empty
    assert plan.errors == []
    assert plan.cleared == 0
    assert figures(ret) == {**before, "workers": 60}


def test_a_known_enterprise_is_checked_against_its_recorded_zone(tmp_path, workforce_only):
    recorded("BEZ")
    plan = run(tmp_path, [import_row(union_members="10")], columns=[*REQUIRED, "union_members"])
    assert plan.errors == [
        RowError(2, "union_members", "Zone BEZ does not collect union figures: leave this cell empty.")
    ]


# --- people's formats -------------------------------------------------------------------------------


def test_numbers_dates_and_levels_as_people_write_them(tmp_path):
    plan = run(
        tmp_path,
        [
            import_row(
                workers="1.200",
                union_members="1 150",
                new_union_members="1\u00a0020",
                party_org="Chi Bộ",
                party_org_founded="12/05/2019",
                union_founded="01/03/2018",
            ),
            import_row(
                tax_code="5300100002", name="B", party_org="ĐẢNG BỘ CƠ SỞ", party_org_founded="2012-01-20"
            ),
            import_row(
                tax_code="5300100003", name="C", party_org="dang bo co so", party_org_founded="2013-01-20"
            ),
        ],
    )
    assert plan.errors == []
    ret = Return.objects.get(enterprise__tax_code="5300100001")
    assert (ret.workers, ret.union_members, ret.new_union_members) == (1200, 1150, 1020)
    levels = dict(PartyOrganization.objects.values_list("host_enterprise__tax_code", "levels__level"))
    assert levels == {
        "5300100001": PartyOrgLevel.CELL,
        "5300100002": PartyOrgLevel.COMMITTEE,
        "5300100003": PartyOrgLevel.COMMITTEE,
    }
    assert PartyOrganization.objects.get(host_enterprise__tax_code="5300100001").founded_on == dt.date(
        2019, 5, 12
    )
    assert GrassrootsUnion.objects.get().founded_on == dt.date(2018, 3, 1)


BAD_CELLS = {
    "decimal point": (import_row(workers="1.5"), "workers", "“1.5” is not a whole number."),
    "thousands grouped unevenly": (import_row(workers="1.20"), "workers", "“1.20” is not a whole number."),
    "5000 digits": (import_row(workers="9" * 5000), "workers", "The value is longer than 255 characters."),
    "13 digits": (
        import_row(new_union_members="1" * 13),
        "new_union_members",
        f"“{'1' * 13}” has more than 12 digits: it cannot be a count.",
    ),
    "a cell over 255 characters": (
        import_row(name="x" * 256),
        "name",
        "The name is longer than 255 characters.",
    ),
    "a tax code in other letters": (
        import_row(tax_code="５３００１ＡＢ００１"),
        "tax_code",
        "“５３００１ＡＢ００１”: A tax code is 10 digits, or 10 digits, a hyphen and 3 digits for a branch "
        "(0101234567-001).",
    ),
}


@pytest.mark.parametrize("case", BAD_CELLS)
def test_a_cell_people_wrote_wrongly_is_an_error_for_that_cell(tmp_path, case):
    bad, column, message = BAD_CELLS[case]
    before = snapshot()
    plan = run(tmp_path, [import_row(tax_code="5300100002", name="Good"), bad])
    assert plan.errors == [RowError(3, column, message)]
    assert snapshot() == before


@pytest.mark.parametrize("written", ["５３００１００００１", "٥٣٠٠١٠٠٠٠١", " 5300100001 "])
def test_a_tax_code_in_other_digits_is_the_same_enterprise(tmp_path, written):
    ret = recorded()
    plan = run(tmp_path, [import_row(tax_code=written, workers="49")], columns=REQUIRED)
    assert plan.errors == []
    assert Enterprise.objects.count() == 1
    assert figures(ret)["workers"] == 49


def test_a_branch_tax_code_with_a_full_width_hyphen_is_stored_in_ascii(tmp_path):
    run(tmp_path, [import_row(tax_code="５３００１００００１－００２")])
    assert list(Enterprise.objects.values_list("tax_code", flat=True)) == ["5300100001-002"]


def test_two_spellings_of_one_tax_code_in_a_file_are_one_enterprise(tmp_path):
    plan = run(tmp_path, [import_row(period="2023S2"), import_row(tax_code="５３００１００００１")])
    assert plan.errors == []
    assert Enterprise.objects.count() == 1 and Return.objects.count() == 2


def test_a_nul_character_in_a_cell_is_an_error_not_a_database_failure():
    """CSV files with NUL bytes are refused whole; a cell that holds one by another way is an error."""
    from membership.importing import Table

    table = Table(rows=[(2, import_row(name="Công\x00ty"))])
    plan = plan_import(table, today=TODAY)
    assert plan.errors == [
        RowError(
            2,
            "name",
            "The value contains a NUL character (an invisible control character), which cannot be "
            "stored. Type the value again.",
        )
    ]


# --- union members who left -------------------------------------------------------------------------


def test_union_members_who_left_are_imported(tmp_path):
    run(tmp_path, [import_row(union_members="40", union_members_left="3")])
    assert Return.objects.get().union_members_left == 3
    plan = run(tmp_path, [import_row(union_members="40", union_members_left="-1")])
    assert plan.errors == [RowError(2, "union_members_left", "-1 is negative: a count is 0 or more.")]


# --- errors are capped ----------------------------------------------------------------------------------


def test_the_errors_of_the_first_1000_bad_rows_are_kept_and_the_rest_counted(tmp_path):
    rows = [
        import_row(tax_code=f"53009{i:05d}", workers="x", party_members="y" if i % 2 else "")
        for i in range(1005)
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    plan = plan_import(read_table(path), today=TODAY)
    assert len({e.line for e in plan.errors}) == MAX_ERROR_ROWS == 1000
    assert plan.errors[-1].line == 1001
    assert (plan.error_rows, plan.error_count) == (1005, 1005 + 502)
    assert (plan.hidden_error_rows, plan.hidden_errors) == (5, 5 + 2)


# --- the audit trail -------------------------------------------------------------------------------------


def test_an_imported_return_edited_in_the_grid_reads_as_a_difference(tmp_path, client, editor_bdh):
    from membership.history import enterprise_history
    from tests.helpers import grid_row, grid_url

    run(tmp_path, [import_row(workers="48", union_members="40")], user=editor_bdh)
    enterprise = Enterprise.objects.get()
    client.force_login(editor_bdh)
    response = client.post(grid_url(), grid_row(enterprise, version=1, workers=50, union_members=40))
    assert response.status_code == 302
    subject = "return first half of 2024"
    entries = [entry for entry in enterprise_history(enterprise) if entry.subject == subject]
    assert [(e.action, [str(c) for c in e.changes]) for e in entries] == [
        ("changed", ["workers 48 → 50"]),
        ("created", ["workers 48", "union members 40"]),
    ]
