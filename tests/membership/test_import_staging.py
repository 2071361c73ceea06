"""The import's fast path on PostgreSQL (membership.importing.staging): the same file gives the same
stored rows, history, summary and messages as the general path, whichever rows SQL takes."""

import pytest
from django.db import connection, transaction

from enterprises.models import Enterprise, Return
from membership.importing import import_file
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel
from reports.models import SUMMARY_FIGURES, CoverageSummary, EnterpriseFigures, ProvinceSummary
from tests import factories as f
from tests.helpers import TODAY, import_row, write_csv
from zones.models import Zone

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's"),
]

ORGANIZED = {"party_org": "cell", "party_org_founded": "2019-05-12", "union_founded": "2018-03-01"}
# Rows SQL takes (plain) and rows it leaves to the planner, all of them valid.
GOOD = [
    import_row(period="2023S2", tax_code="5300100001", party_members="7", union_members="40", **ORGANIZED),
    import_row(period="2024S1", tax_code="5300100001", party_members="8", union_members="41", **ORGANIZED),
    import_row(tax_code="5300100002", name='Công ty "Sao, Mai"', zone="", new_union_members="3"),
    import_row(tax_code="5300100003", zone="BEZ", workers="12"),  # BEZ collects no party figures
    dict.fromkeys(import_row(), ""),  # a blank line
    import_row(tax_code="5300100004", zone="dpm"),  # the planner reads the zone's case
    import_row(tax_code="5300100005", workers="1.200"),  # and people's number formats
    import_row(tax_code="5300100006", period="2024Q1"),
    import_row(tax_code="５３００１００００６", period="2024Q2"),  # the same enterprise in full-width digits
    import_row(tax_code="5300100007", party_members="5", probationary_party_members="2"),
    import_row(tax_code="5300100008", workers="30"),  # recorded already: the planner updates it
]
# Bad rows, each of an enterprise that would otherwise be plain.
BAD = [
    import_row(tax_code="5300100011", period="2024S3"),
    import_row(tax_code="5300100012", period="2023S2"),
    import_row(tax_code="5300100012", period="2024S1", name="Another name"),
    import_row(tax_code="5300100013", period="2024S1"),
    import_row(tax_code="5300100013", period="2024Q1"),
    import_row(tax_code="5300100014", workers="10", union_members="11", union_founded="2018-03-01"),
    import_row(tax_code="5300100015", period="2023S2", party_org="cell", party_org_founded="2024-02-01"),
    import_row(tax_code="5300100016", zone="BEZ", party_members="2"),
    import_row(tax_code="5300100017", workers="12345678901"),
    import_row(tax_code="5300100018", union_founded="2025-01-01"),
]


@pytest.fixture(autouse=True)
def setting():
    Zone.objects.filter(code="BEZ").update(collects_party=False)
    f.enterprise("BDH", tax_code="5300100008", name="Công ty TNHH Ví dụ Một")


def stored() -> dict[str, list]:
    """Every row an import writes or keeps exact, by natural keys (ids and moments differ by run)."""
    figures = [
        f.attname for f in EnterpriseFigures._meta.concrete_fields if f.attname not in ("id", "enterprise_id")
    ]
    tables = {
        "enterprises": Enterprise.objects.values_list(
            "tax_code", "name", "search_name", "zone_id", "ownership"
        ),
        "returns": Return.objects.values_list(
            "enterprise__tax_code",
            "period",
            "starts_on",
            "ends_on",
            "received_on",
            "version",
            *Return.FIGURES,
        ),
        "party_orgs": PartyOrganization.objects.values_list(
            "host_enterprise__tax_code", "name", "founded_on"
        ),
        "levels": PartyOrganizationLevel.objects.values_list("organization__name", "level", "since"),
        "unions": GrassrootsUnion.objects.values_list("enterprise__tax_code", "name", "founded_on"),
        "enterprise history": Enterprise.history.values_list("history_type", "tax_code", "name", "version"),
        "return history": Return.history.values_list(
            "history_type", "enterprise__tax_code", "period", "workers"
        ),
        "party_org history": PartyOrganization.history.values_list("history_type", "name"),
        "level history": PartyOrganizationLevel.history.values_list("history_type", "level", "since"),
        "union history": GrassrootsUnion.history.values_list("history_type", "name"),
        "summary": CoverageSummary.objects.values_list(
            "period", "zone_key", "ownership", "size_band", *SUMMARY_FIGURES
        ),
        "province summary": ProvinceSummary.objects.values_list("period", "province_key", *SUMMARY_FIGURES),
        "stored figures": EnterpriseFigures.objects.values_list("enterprise__tax_code", *figures),
    }
    return {name: sorted(rows, key=repr) for name, rows in tables.items()}


def both_ways(tmp_path, rows, **csv) -> tuple:
    """The plan and what is stored after the general path (then rolled back), and after the fast one."""
    path = write_csv(tmp_path / "returns.csv", rows, **csv)
    with transaction.atomic():
        general = import_file(path, today=TODAY, staged=False)
        general_stored = stored()
        transaction.set_rollback(True)
    fast = import_file(path, today=TODAY)
    return general, general_stored, fast, stored()


@pytest.mark.parametrize("csv", [{}, {"delimiter": ";", "bom": True}])
def test_a_file_of_plain_and_other_good_rows_stores_what_the_general_path_stores(tmp_path, csv):
    general, general_stored, fast, fast_stored = both_ways(tmp_path, GOOD, **csv)
    assert general.applied and fast.applied
    assert fast.staged_rows == 4  # 5300100001 (two rows), 5300100002 and 5300100003: SQL's
    assert fast_stored == general_stored
    assert fast.counts == general.counts
    assert fast.row_count == general.row_count == len(GOOD) - 1
    assert len(fast_stored["summary"]) > 0 and len(fast_stored["stored figures"]) > 0


def test_bad_rows_get_the_general_paths_messages_and_nothing_is_written(tmp_path):
    general, _stored, fast, fast_stored = both_ways(tmp_path, GOOD + BAD)
    # The header is line 1, GOOD lines 2 to 12; each bad row's cell, two for the union of the future.
    assert [(e.line, e.column) for e in general.errors] == [
        (13, "period"),
        (15, "name"),
        (17, "period"),
        (18, "union_members"),
        (19, "party_org_founded"),
        (20, "party_members"),
        (21, "workers"),
        (22, "union_founded"),
        (22, "union_founded"),
    ]
    assert [(e.line, e.column, e.message) for e in fast.errors] == [
        (e.line, e.column, e.message) for e in general.errors
    ]
    assert (fast.error_count, fast.error_rows) == (general.error_count, general.error_rows)
    assert not fast.applied
    assert Return.objects.count() == 0 and Enterprise.objects.count() == 1
