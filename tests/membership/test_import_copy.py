"""The import's writes: COPY on PostgreSQL (ids from the sequences, history rows included), and what it
tells the readers of the figures through ``changing_figures``."""

import pytest
from django.db import connection

from core.signals import figures_changed, figures_changing
from enterprises.models import Enterprise, Return
from membership.importing import CONCURRENT_CHANGE, ImportFileError, import_file
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel
from tests import factories as f
from tests.helpers import TODAY, import_row, write_csv

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


# A row of an enterprise with a party cell and a grassroots union.
ORGANIZED = {"party_org": "cell", "party_org_founded": "2019-05-12", "party_members": "7"} | {
    "union_founded": "2018-03-01",
    "union_members": "40",
}
FEW_COLUMNS = ("period", "tax_code", "name", "zone", "ownership", "workers")


def run(tmp_path, rows, columns=None, **options):
    path = write_csv(tmp_path / "returns.csv", rows, **({"columns": columns} if columns else {}))
    return import_file(path, today=TODAY, **options)


@pytest.fixture
def changes():
    """The FigureChange of each bulk write, as the readers see it before and after the write."""
    seen = []

    def before(sender, change, **kwargs):
        seen.append(("changing", set(change.enterprise_ids)))

    def after(sender, change, **kwargs):
        seen.append(("changed", change))

    figures_changing.connect(before)
    figures_changed.connect(after)
    yield seen
    figures_changing.disconnect(before)
    figures_changed.disconnect(after)


@on_postgresql
def test_copied_rows_take_their_ids_from_the_sequences_so_later_saves_get_new_ones(tmp_path, administrator):
    rows = [import_row(tax_code=f"530010000{i}", name=f"Công ty {i}", period="2024S1") for i in range(3)]
    plan = run(tmp_path, rows, user=administrator)
    assert plan.applied
    imported = set(Enterprise.objects.values_list("id", flat=True))
    later = f.enterprise("BDH")
    assert later.id not in imported and later.id > max(imported)
    assert f.report(later, "2024S1", workers=3).id > max(
        Return.objects.exclude(enterprise=later).values_list("id", flat=True)
    )


def test_every_new_row_has_its_history_row_naming_the_user(tmp_path, administrator):
    plan = run(tmp_path, [import_row(**ORGANIZED)], user=administrator)
    assert plan.applied
    for model in (Enterprise, Return, PartyOrganization, PartyOrganizationLevel, GrassrootsUnion):
        row = model.objects.get()
        history = model.history.get()
        assert (history.id, history.history_type, history.history_user) == (row.id, "+", administrator)
    ret = Return.objects.get()
    assert (Return.history.get().workers, Return.history.get().period) == (ret.workers, "2024S1")
    assert Enterprise.history.get().name == "Công ty TNHH Ví dụ Một"


def test_text_with_tabs_backslashes_and_line_breaks_is_stored_as_written(tmp_path):
    name = 'Công ty "A\tB" \\ C\nD'
    plan = run(tmp_path, [import_row(name=name, **ORGANIZED)])
    assert plan.applied
    assert Enterprise.objects.get().name == name
    assert Enterprise.history.get().name == name
    assert PartyOrganization.objects.get().name == f"Chi bộ {name}"


def test_a_clash_with_a_row_written_meanwhile_writes_nothing(tmp_path, monkeypatch):
    from membership.importing import staging, writer

    def clashing(original):
        def write(*args, **kwargs):
            Enterprise.objects.create(tax_code="5300100001", name="Meanwhile", ownership="state")
            return original(*args, **kwargs)

        return write

    # The general path's writes and the fast path's (staging, on PostgreSQL): whichever runs.
    for module in (writer, staging):
        monkeypatch.setattr(module, "_write", clashing(module._write))
    with pytest.raises(ImportFileError) as error:
        run(tmp_path, [import_row()])
    assert error.value.message == str(CONCURRENT_CHANGE)
    assert (Enterprise.objects.count(), Return.objects.count(), Return.history.count()) == (0, 0, 0)


def test_the_readers_hear_of_new_enterprises_and_the_years_from_the_first_founding(tmp_path, changes):
    rows = [import_row(period="2023S2", **ORGANIZED), import_row(period="2024S1", **ORGANIZED)]
    run(tmp_path, rows)
    (_before, touched), (_after, change) = changes
    created = set(Enterprise.objects.values_list("id", flat=True))
    assert touched == set()  # no existing enterprise changes
    assert change.enterprise_ids == created and change.notes["created"] == created
    assert change.years == {2023, 2024}
    assert change.since_year == 0  # a new enterprise with no establishment date counts in every year


def test_the_readers_hear_of_the_existing_enterprises_whose_returns_change_and_only_those(tmp_path, changes):
    changed = f.enterprise("BDH", tax_code="5300100001", name="Công ty TNHH Ví dụ Một")
    f.report(changed, "2024S1", workers=10)
    same = f.enterprise("BDH", tax_code="5300100002", name="Same")
    f.report(same, "2024S1", workers=7)
    rows = [import_row(workers="48"), import_row(tax_code="5300100002", name="Same", workers="7")]
    plan = run(tmp_path, rows, columns=FEW_COLUMNS)
    assert plan.applied and plan.counts["returns_updated"] == 1 and plan.counts["returns_unchanged"] == 1
    (_before, touched), (_after, change) = changes
    assert touched == {changed.id}
    assert (change.enterprise_ids, change.years, change.since_year) == ({changed.id}, {2024}, None)


def test_a_file_that_changes_nothing_tells_nobody(tmp_path, changes):
    run(tmp_path, [import_row()])
    changes.clear()
    plan = run(tmp_path, [import_row()])
    assert plan.applied and not plan.has_changes
    assert changes == []


def test_a_new_organization_of_an_existing_enterprise_changes_the_years_from_its_founding(tmp_path, changes):
    enterprise = f.enterprise("BDH", tax_code="5300100001", name="Công ty TNHH Ví dụ Một")
    f.report(enterprise, "2024S1", workers=48)
    plan = run(tmp_path, [import_row(party_org="cell", party_org_founded="2019-05-12")])
    assert plan.applied and plan.counts["party_orgs_created"] == 1
    (_before, touched), (_after, change) = changes
    assert touched == {enterprise.id}
    assert (change.years, change.since_year) == (set(), 2019)  # the return itself is unchanged
