"""The import service: round trips, every bad-input case, idempotence, partial updates, access, history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from core.periods import Period
from enterprises.models import Enterprise, PeriodLock, Return
from membership import importing
from membership.importing import RowError, import_file
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel, PartyOrgLevel
from reports.engine.indicators import compute
from tests import factories as f
from tests.helpers import EXAMPLE, TODAY, csv_rows, import_row, snapshot, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def run(tmp_path, rows, *, user=None, name="returns.csv", **options):
    return import_file(write_csv(tmp_path / name, rows), user=user, today=TODAY, **options)


# --- round trips ---------------------------------------------------------------------------------


def test_example_file_imports_and_gives_the_hand_computed_figures():
    plan = import_file(EXAMPLE, today=TODAY)
    assert plan.errors == []
    assert plan.applied
    assert plan.counts == {
        "returns_created": 4,
        "returns_updated": 0,
        "returns_unchanged": 0,
        "enterprises_created": 3,
        "enterprises_updated": 0,
        "party_orgs_created": 2,
        "unions_created": 2,
    }
    figures = compute(Period.parse("2024S1"))
    # By hand from the file's 2024S1 rows: 48 + 15 + 230 workers; organizations in the first and
    # third enterprises (7 + 41 members); the second has 2 party members and no organization.
    assert figures["enterprises"] == 3
    assert figures["workers"] == 293
    assert figures["enterprises_20plus"] == 2
    assert figures["with_party_org"] == 2
    assert figures["party_members_in_orgs"] == 48
    assert figures["with_party_members_no_org"] == 1
    assert figures["party_presence_pct"] == Decimal("100.0")
    assert figures["with_union"] == 2
    assert figures["union_members"] == 261
    assert figures["new_union_members"] == 18
    assert figures["new_union_members_non_state"] == 6  # the state branch recruited the other 12
    assert figures["introduced_to_party"] == 5
    assert figures["admitted_to_party"] == 4
    # 2023S2: only the first enterprise reported, and not its flows beyond new members.
    h2 = compute(Period.parse("2023S2"))
    assert (h2["workers"], h2["union_members"], h2["new_union_members"]) == (45, 38, 3)
    assert h2["introduced_to_party"] is None
    assert h2["reporting_rate_pct"] == Decimal("33.3")
    # A year sums the flows of its halves and takes the latest stocks.
    assert compute(Period.parse("2024"))["new_union_members"] == 18


def test_csv_and_xlsx_of_the_same_rows_give_the_same_database(tmp_path):
    import_file(EXAMPLE, today=TODAY)
    from_csv = snapshot()
    for model in (Return, PartyOrganizationLevel, PartyOrganization, GrassrootsUnion, Enterprise):
        model.objects.all().delete()
        model.history.all().delete()
    xlsx = write_xlsx(tmp_path / "returns.xlsx", csv_rows(EXAMPLE))
    plan = import_file(xlsx, today=TODAY)
    assert plan.errors == []
    from_xlsx = snapshot()
    for result in (from_csv, from_xlsx):
        del result["updated_at"]
    assert from_xlsx == from_csv


def test_semicolons_and_a_byte_order_mark_are_read_like_commas(tmp_path):
    path = write_csv(tmp_path / "semi.csv", [import_row(name="Công ty; chi nhánh")], delimiter=";", bom=True)
    plan = import_file(path, today=TODAY)
    assert plan.errors == []
    assert Enterprise.objects.get().name == "Công ty; chi nhánh"


def test_created_organizations_have_their_level_and_founding_date(tmp_path):
    run(
        tmp_path,
        [import_row(party_org="committee", party_org_founded="2012-01-20", union_founded="2010-06-15")],
    )
    org = PartyOrganization.objects.get()
    assert org.host_enterprise.tax_code == "5300100001"
    assert org.founded_on == dt.date(2012, 1, 20)
    assert org.name == "Đảng bộ Công ty TNHH Ví dụ Một"
    assert list(org.levels.values_list("level", "since")) == [(PartyOrgLevel.COMMITTEE, dt.date(2012, 1, 20))]
    union = GrassrootsUnion.objects.get()
    assert (union.founded_on, union.dissolved_on) == (dt.date(2010, 6, 15), None)


# --- idempotence, partial updates, history ------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(administrator):
    import_file(EXAMPLE, user=administrator, today=TODAY)
    before = snapshot()
    plan = import_file(EXAMPLE, user=administrator, today=TODAY)
    assert plan.errors == []
    assert plan.counts["returns_unchanged"] == 4
    assert not plan.has_changes
    assert snapshot() == before  # no new row, no new history entry, no new updated_at


def test_a_corrected_file_updates_only_the_rows_it_changes(tmp_path, editor_bdh):
    rows = [import_row(), import_row(period="2023S2", workers="45", union_members="30")]
    run(tmp_path, rows, user=editor_bdh)
    first = Return.objects.get(period="2023S2")
    rows[0] = import_row(workers="50", union_members="")  # corrected; the empty cell is "not reported"
    rows[1]["union_members"] = "30"
    plan = run(tmp_path, rows, user=editor_bdh)
    assert plan.errors == []
    assert (plan.counts["returns_updated"], plan.counts["returns_unchanged"]) == (1, 1)
    assert [(r.line, r.action, r.changes) for r in plan.rows] == [
        (2, "update", ("workers",)),
        (3, "unchanged", ()),
    ]
    changed = Return.objects.get(period="2024S1")
    assert (changed.workers, changed.union_members, changed.version) == (50, None, 2)
    untouched = Return.objects.get(period="2023S2")
    assert (untouched.version, untouched.updated_at) == (1, first.updated_at)
    latest = changed.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user, latest.workers) == ("~", editor_bdh, 50)
    assert untouched.history.count() == 1


def test_an_emptied_cell_replaces_the_stored_value_with_not_reported(tmp_path):
    run(tmp_path, [import_row(union_members="40")])
    run(tmp_path, [import_row(union_members="")])
    assert Return.objects.get().union_members is None


def test_every_written_row_has_a_history_entry_naming_the_importer(tmp_path, administrator):
    run(
        tmp_path,
        [
            import_row(
                party_org="cell", party_org_founded="2019-05-12", union_founded="2018-03-01", workers=48
            )
        ],
        user=administrator,
    )
    for model in (Enterprise, Return, PartyOrganization, PartyOrganizationLevel, GrassrootsUnion):
        entries = list(model.history.all())
        assert len(entries) == 1, model
        assert (entries[0].history_type, entries[0].history_user) == ("+", administrator)
    entry = Return.history.get()
    ret = Return.objects.get()
    assert (entry.id, entry.enterprise_id, entry.period, entry.workers) == (
        ret.id,
        ret.enterprise_id,
        "2024S1",
        48,
    )
    assert Enterprise.history.get().tax_code == "5300100001"


def test_rows_written_by_the_import_match_rows_written_by_the_orm(tmp_path):
    """The import writes new rows with its own INSERTs: they must equal what Django would write."""
    run(tmp_path, [import_row(workers=48, union_members=40)])
    imported = Return.objects.get()
    made = f.report(f.enterprise(), "2024S1", workers=48, union_members=40)
    for name in ("starts_on", "ends_on", "version", "workers", "union_members", "party_members"):
        assert getattr(imported, name) == getattr(made, name), name
    assert imported.updated_at is not None
    enterprise = Enterprise.objects.get(tax_code="5300100001")
    assert enterprise.search_name == "cong ty tnhh vi du mot"
    assert Enterprise.objects.search("vi du").get() == enterprise


def test_renaming_an_enterprise_updates_its_search_name_and_version(tmp_path):
    run(tmp_path, [import_row()])
    plan = run(tmp_path, [import_row(name="Công ty CP Đổi Tên", zone="DPM", ownership="foreign")])
    assert plan.counts["enterprises_updated"] == 1
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.zone.code, enterprise.ownership) == (
        "Công ty CP Đổi Tên",
        "DPM",
        "foreign",
    )
    assert (enterprise.search_name, enterprise.version) == ("cong ty cp doi ten", 2)
    assert enterprise.history.count() == 2


def test_existing_organizations_are_matched_not_duplicated(tmp_path):
    e = f.enterprise(tax_code="5300100001")
    f.party_org(e, founded=dt.date(2019, 5, 12))
    f.union(e, founded=dt.date(2018, 3, 1))
    plan = run(
        tmp_path, [import_row(party_org="cell", party_org_founded="2019-05-12", union_founded="2018-03-01")]
    )
    assert plan.errors == []
    assert (PartyOrganization.objects.count(), GrassrootsUnion.objects.count()) == (1, 1)


def test_planning_costs_the_same_queries_for_ten_or_sixty_enterprises(tmp_path, django_assert_num_queries):
    def rows(n):
        return [import_row(tax_code=f"53001{i:05d}", name=f"E{i}") for i in range(n)]

    small, large = write_csv(tmp_path / "a.csv", rows(10)), write_csv(tmp_path / "b.csv", rows(60))
    import_file(small, today=TODAY)
    # zones; enterprises by tax code; their returns, party organizations and unions; closed periods
    # (the organizations' levels would be one more, prefetched, if there were organizations).
    for path in (small, large):  # 10 known; then 10 known and 50 new
        table = importing.read_table(path)
        with django_assert_num_queries(6):
            importing.plan_import(table, today=TODAY)


# --- one test per bad input ------------------------------------------------------------------------


BAD_ROWS = {
    "unknown zone": (
        import_row(zone="XYZ"),
        "zone",
        "Unknown zone code “XYZ”: use one of BDH, BEZ, DPM, TL, or leave it empty for an enterprise "
        "outside every zone.",
    ),
    "malformed tax code": (
        import_row(tax_code="53001"),
        "tax_code",
        "“53001”: A tax code is 10 digits, or 10 digits, a hyphen and 3 digits for a branch "
        "(0101234567-001).",
    ),
    "bad period": (
        import_row(period="2024H1"),
        "period",
        "“2024H1” is not a period: use a year (2024), a half year (2024S1, 2024S2) or a quarter "
        "(2024Q1 to 2024Q4).",
    ),
    "not an integer": (import_row(workers="12.5"), "workers", "“12.5” is not a whole number."),
    "decimal comma": (import_row(workers="1,5"), "workers", "“1,5” is not a whole number."),
    "negative": (import_row(party_members="-3"), "party_members", "-3 is negative: a count is 0 or more."),
    "count too large": (
        import_row(workers="2147483648"),
        "workers",
        "2147483648 is too large for a count.",
    ),
    "union members above workers, nine digits": (
        import_row(workers="999999998", union_members="999999999"),
        "union_members",
        "Union members (999999999) cannot exceed workers (999999998).",
    ),
    "union members above workers": (
        import_row(workers="10", union_members="11"),
        "union_members",
        "Union members (11) cannot exceed workers (10).",
    ),
    "party organization without founding date": (
        import_row(party_org="cell"),
        "party_org_founded",
        "A party organization needs its founding date (party_org_founded).",
    ),
    "founding date without level": (
        import_row(party_org_founded="2019-05-12"),
        "party_org",
        "A founding date needs the organization's level (party_org: cell or committee).",
    ),
    "unknown party organization level": (
        import_row(party_org="branch", party_org_founded="2019-05-12"),
        "party_org",
        "“branch” is not one of: cell, committee.",
    ),
    "unknown ownership": (
        import_row(ownership="private"),
        "ownership",
        "“private” is not one of: state, non_state, foreign.",
    ),
    "missing name": (import_row(name=""), "name", "This value is required."),
    "missing workers": (import_row(workers=""), "workers", "This value is required."),
    "not a date": (
        import_row(union_founded="31/02/2018"),
        "union_founded",
        "“31/02/2018” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD (for example 25/06/2024).",
    ),
    "month first": (
        import_row(union_founded="03/25/2018"),
        "union_founded",
        "“03/25/2018” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD (for example 25/06/2024).",
    ),
    "founding date in the future": (
        import_row(union_founded="2025-01-01"),
        "union_founded",
        "01/01/2025 is in the future.",
    ),
    "period in the future": (import_row(period="2025Q1"), "period", "The period Q1 2025 starts after today."),
    "organization founded after the period": (
        import_row(period="2019S1", party_org="cell", party_org_founded="2019-08-01"),
        "party_org_founded",
        "It was founded on 2019-08-01, after 2019S1 ends (2019-06-30): leave this cell empty for "
        "that period.",
    ),
}


def test_the_largest_counts_are_imported_as_written(tmp_path):
    plan = run(tmp_path, [import_row(workers="2147483647", union_members="999999999")])
    assert plan.errors == []
    assert Return.objects.values_list("workers", "union_members").get() == (2_147_483_647, 999_999_999)


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_written(tmp_path, case):
    bad, column, message = BAD_ROWS[case]
    good = import_row(tax_code="5300100002", name="Good")
    before = snapshot()
    plan = run(tmp_path, [good, bad])
    assert RowError(3, column, message) in plan.errors
    assert {e.line for e in plan.errors} == {3}
    assert not plan.applied
    assert snapshot() == before


def test_every_bad_row_is_reported_not_just_the_first(tmp_path):
    plan = run(
        tmp_path,
        [import_row(workers="x"), import_row(tax_code="5300100002", zone="Q"), import_row(tax_code="1")],
    )
    assert [(e.line, e.column) for e in plan.errors] == [(2, "workers"), (3, "zone"), (4, "tax_code")]
    assert Enterprise.objects.count() == 0


def test_same_enterprise_and_period_twice_is_an_error_on_the_second_line(tmp_path):
    plan = run(
        tmp_path, [import_row(), import_row(tax_code="5300100002", name="Other"), import_row(workers="50")]
    )
    assert plan.errors == [
        RowError(4, "period", "Enterprise 5300100001 already has a row for 2024S1 on line 2.")
    ]
    assert Return.objects.count() == 0


def test_overlapping_periods_in_the_file_are_an_error(tmp_path):
    plan = run(tmp_path, [import_row(period="2024S1"), import_row(period="2024Q2")])
    assert plan.errors == [RowError(3, "period", "The period 2024Q2 overlaps 2024S1 on line 2 of this file.")]


def test_a_return_overlapping_one_in_the_database_is_an_error(tmp_path):
    f.report(f.enterprise(tax_code="5300100001", name="Công ty TNHH Ví dụ Một"), "2024Q1", workers=5)
    before = snapshot()
    plan = run(tmp_path, [import_row(period="2024S1")])
    assert plan.errors == [
        RowError(2, "period", "The period 2024S1 overlaps the existing return for 2024Q1.")
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [("name", "Another name", "Another name"), ("zone", "", "(empty)"), ("ownership", "foreign", "foreign")],
)
def test_an_enterprise_described_differently_in_two_rows_is_an_error(tmp_path, column, value, shown):
    plan = run(tmp_path, [import_row(period="2023S2"), import_row(**{column: value})])
    first = {"name": "Công ty TNHH Ví dụ Một", "zone": "BDH", "ownership": "non_state"}[column]
    message = f"“{shown}” differs from line 2 (“{first}”): an enterprise has one {column} in a file."
    assert plan.errors == [RowError(3, column, message)]
    assert Enterprise.objects.count() == 0


def test_an_organization_with_another_founding_date_is_an_error_not_an_overwrite(tmp_path):
    e = f.enterprise(tax_code="5300100001", name="Công ty TNHH Ví dụ Một")
    f.party_org(e, founded=dt.date(2019, 5, 12))
    before = snapshot()
    plan = run(tmp_path, [import_row(party_org="cell", party_org_founded="2019-06-01")])
    assert plan.errors == [
        RowError(
            2,
            "party_org_founded",
            "The enterprise's party organization was founded on 2019-05-12, not 2019-06-01. "
            "Correct the date, or record the change in the app.",
        )
    ]
    assert snapshot() == before


def test_a_level_other_than_the_recorded_one_is_an_error(tmp_path):
    e = f.enterprise(tax_code="5300100001", name="Công ty TNHH Ví dụ Một")
    org = f.party_org(e, founded=dt.date(2019, 5, 12))
    PartyOrganizationLevel.objects.create(
        organization=org, level=PartyOrgLevel.COMMITTEE, since=dt.date(2024, 3, 1)
    )
    plan = run(
        tmp_path,
        [
            import_row(period="2023S2", party_org="committee", party_org_founded="2019-05-12"),
            import_row(period="2024S1", party_org="committee", party_org_founded="2019-05-12"),
        ],
    )
    assert plan.errors == [
        RowError(
            2,
            "party_org",
            "The party organization is a party cell at the end of 2023S2, not a grassroots party committee. "
            "Record upgrades in the app.",
        )
    ]


def test_a_union_with_another_founding_date_is_an_error(tmp_path):
    f.union(f.enterprise(tax_code="5300100001", name="Công ty TNHH Ví dụ Một"), founded=dt.date(2018, 3, 1))
    plan = run(tmp_path, [import_row(union_founded="2018-04-01")])
    assert plan.errors == [
        RowError(
            2,
            "union_founded",
            "The enterprise's grassroots union was founded on 2018-03-01, not 2018-04-01. "
            "Correct the date, or record the change in the app.",
        )
    ]
    assert GrassrootsUnion.objects.count() == 1


# --- who may import what -------------------------------------------------------------------------


def test_a_zone_editor_imports_their_own_zone(tmp_path, editor_bdh):
    plan = run(tmp_path, [import_row(zone="BDH")], user=editor_bdh)
    assert plan.errors == []
    assert Return.history.get().history_user == editor_bdh


def test_a_zone_editor_cannot_import_rows_of_other_zones(tmp_path, editor_bdh):
    plan = run(
        tmp_path,
        [
            import_row(zone="BDH"),
            import_row(tax_code="5300100002", name="In DPM", zone="DPM"),
            import_row(tax_code="5300100003", zone=""),
        ],
        user=editor_bdh,
    )
    assert plan.errors == [
        RowError(3, "zone", "You may not import rows for zone DPM."),
        RowError(4, "zone", "Only administrators may import enterprises outside every zone (empty zone)."),
    ]
    assert Enterprise.objects.count() == 0


def test_a_zone_editor_cannot_take_an_enterprise_from_another_zone(tmp_path, editor_bdh):
    f.enterprise("DPM", tax_code="5300100001", name="Công ty TNHH Ví dụ Một")
    plan = run(tmp_path, [import_row(zone="BDH")], user=editor_bdh)
    assert plan.errors == [
        RowError(2, "tax_code", "Enterprise 5300100001 belongs to DPM, whose data you may not change.")
    ]
    assert Enterprise.objects.get().zone.code == "DPM"


def test_administrators_import_every_zone_and_enterprises_outside_zones(tmp_path, administrator):
    plan = run(
        tmp_path,
        [import_row(zone="DPM"), import_row(tax_code="5300100002", name="Outside", zone="")],
        user=administrator,
    )
    assert plan.errors == []
    assert Enterprise.objects.get(tax_code="5300100002").zone is None


def test_closed_periods_refuse_zone_editors_changes_but_not_administrators(
    tmp_path, editor_bdh, administrator
):
    run(tmp_path, [import_row(period="2024S1", workers=48)])
    PeriodLock.objects.create(
        zone=editor_bdh.zone_assignments.get().zone, period="2024", closed_by=administrator
    )
    unchanged = run(tmp_path, [import_row(period="2024S1", workers=48)], user=editor_bdh)
    assert unchanged.errors == []  # nothing would change: no write, no refusal
    changed = run(tmp_path, [import_row(period="2024S1", workers=50)], user=editor_bdh)
    assert changed.errors == [
        RowError(
            2,
            "period",
            "The period 2024S1 overlaps the closed period 2024 of zone BDH: only an administrator "
            "may change it.",
        )
    ]
    assert Return.objects.get().workers == 48
    assert run(tmp_path, [import_row(period="2024S1", workers=50)], user=administrator).errors == []
    assert Return.objects.get().workers == 50


def test_a_viewer_can_import_nothing(tmp_path, viewer):
    plan = run(tmp_path, [import_row()], user=viewer)
    assert plan.errors == [RowError(2, "zone", "You may not import rows for zone BDH.")]


def test_dry_run_writes_nothing(tmp_path):
    plan = run(tmp_path, [import_row()], dry_run=True)
    assert plan.errors == [] and not plan.applied
    assert plan.counts["returns_created"] == 1
    assert Enterprise.objects.count() == 0


def test_a_plan_with_errors_cannot_be_applied():
    plan = importing.ImportPlan(errors=[RowError(2, "workers", "bad")])
    with pytest.raises(ValueError, match="cannot be applied"):
        importing.apply_plan(plan)
    assert get_user_model().objects.count() == 0


def test_with_errors_the_counts_describe_the_valid_rows_only(tmp_path):
    plan = run(
        tmp_path,
        [
            import_row(party_org="cell", party_org_founded="2019-05-12"),
            import_row(tax_code="5300100002", name="Bad", workers="-1", union_founded="2018-01-01"),
        ],
        dry_run=True,
    )
    assert [e.line for e in plan.errors] == [3]
    counts = plan.counts
    assert (counts["enterprises_created"], counts["returns_created"]) == (1, 1)
    assert (counts["party_orgs_created"], counts["unions_created"]) == (1, 0)


def test_an_import_brings_the_pre_aggregated_summary_up_to_date(tmp_path):
    from reports.engine import summary

    run(tmp_path, [import_row(period="2024S1", workers=10)])
    for period in ("2024S1", "2024"):
        summary.build(Period.parse(period))
    assert compute(Period.parse("2024S1"))["workers"] == 10
    run(
        tmp_path,
        [
            import_row(period="2024S1", workers=48),
            import_row(tax_code="5300100002", name="New", zone="DPM", workers=7, union_founded="2024-03-01"),
        ],
    )
    for period in ("2024S1", "2024"):
        figures = compute(Period.parse(period))
        assert (figures["enterprises"], figures["workers"], figures["with_union"]) == (2, 55, 1), period
        assert figures["new_union_bases"] == 1
