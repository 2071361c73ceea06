"""The preview: every changed cell old -> new, what a file clears, a checked plan kept until the
confirmation, and a bounded number of uploads waiting per user."""

import os
import time

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, Return
from membership import import_views
from membership.importing import PLAN_OUTDATED, import_file
from tests import factories as f
from tests.helpers import EXAMPLE, import_row, snapshot, upload, uploaded_token, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def stored_file(upload_dir):
    (path,) = [p for p in upload_dir.iterdir() if p.suffix in (".csv", ".xlsx")]
    return path


# --- what the preview shows ------------------------------------------------------------------------


def test_the_preview_shows_each_changed_cell_and_warns_about_cleared_figures(client, editor_bdh, tmp_path):
    import_file(
        write_csv(tmp_path / "a.csv", [import_row(workers="48", union_members="40", party_members="7")])
    )
    client.force_login(editor_bdh)
    path = write_csv(tmp_path / "b.csv", [import_row(workers="50", union_members="", party_members="")])
    html = client.get(reverse("import-preview", args=[uploaded_token(upload(client, path))])).content.decode()
    assert (
        "<td><span>Workers: 48 → 50</span>; "
        '<span class="warning">Party members: 7 → (empty)</span>; '
        '<span class="warning">Union members: 40 → (empty)</span></td>'
    ) in html
    assert (
        '<p class="note warning" role="alert" id="import-clears">Recorded figures this file clears: 2. '
        "An empty cell means “not reported” and replaces the recorded value; fill such cells in if their "
        "figures still hold.</p>"
    ) in html


def test_a_number_of_5000_digits_is_an_error_at_its_cell_not_a_server_error(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    path = write_csv(
        tmp_path / "a.csv",
        [import_row(workers="9" * 5000), import_row(tax_code="5300100002", party_members="9" * 200)],
    )
    response = client.get(reverse("import-preview", args=[uploaded_token(upload(client, path))]))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<td class="num">2</td><td><code>workers</code></td><td>The value is longer than 255 characters.</td>'
        in html
    )
    assert f"<td>“{'9' * 200}” has more than 12 digits: it cannot be a count.</td>" in html


def test_the_page_lists_the_first_1000_bad_rows_and_counts_the_others(client, administrator, tmp_path):
    rows = [import_row(tax_code=f"53009{i:05d}", workers="x") for i in range(1004)]
    client.force_login(administrator)
    token = uploaded_token(upload(client, write_csv(tmp_path / "bad.csv", rows)))
    response = client.get(reverse("import-preview", args=[token]))
    html = response.content.decode()
    assert "1004 problems in 1004 rows: nothing can be imported yet" in html
    assert len(response.context["errors"]) == 1000
    assert "…and 4 more problems, listed once these are fixed." in html


# --- the checked plan is kept until the confirmation ----------------------------------------------------


def test_reloading_and_confirming_read_the_checked_plan_not_the_file(client, administrator, upload_dir):
    client.force_login(administrator)
    token = uploaded_token(upload(client, EXAMPLE))
    assert client.get(reverse("import-preview", args=[token])).context["counts"]["returns_created"] == 4
    # Were the file read again, this would make it unreadable.
    stored_file(upload_dir).write_bytes(b"%PDF-1.4 not a spreadsheet")
    again = client.get(reverse("import-preview", args=[token]))
    assert again.status_code == 200 and again.context["counts"]["returns_created"] == 4
    response = client.post(reverse("import-confirm", args=[token]), follow=True)
    assert "Imported “returns-example.csv”: 4 returns created" in response.content.decode()
    assert Return.objects.count() == 4
    assert list(upload_dir.iterdir()) == []  # the file and its plan


def test_a_plan_the_server_did_not_sign_is_not_trusted(client, administrator, upload_dir):
    client.force_login(administrator)
    token = uploaded_token(upload(client, EXAMPLE))
    client.get(reverse("import-preview", args=[token]))
    (plan,) = upload_dir.glob("*.plan")
    plan.write_bytes(b"\x00" * 32 + plan.read_bytes()[32:])
    response = client.post(reverse("import-confirm", args=[token]))
    assert response.status_code == 200  # checked again from the file, shown again, nothing written
    assert response.context["counts"]["returns_created"] == 4
    assert Enterprise.objects.count() == 0


def test_data_changed_since_the_preview_is_shown_again_not_overwritten(client, administrator, tmp_path):
    ret = f.report(f.enterprise(tax_code="5300100001", name="Công ty TNHH Ví dụ Một"), "2024S1", workers=40)
    client.force_login(administrator)
    token = uploaded_token(upload(client, write_csv(tmp_path / "a.csv", [import_row(workers="48")])))
    client.get(reverse("import-preview", args=[token]))
    Return.objects.filter(pk=ret.pk).update(workers=45, version=2)  # someone's edit meanwhile
    before = snapshot()
    response = client.post(reverse("import-confirm", args=[token]))
    assert response.status_code == 200
    assert str(PLAN_OUTDATED) in response.content.decode()
    assert [str(c) for c in response.context["plan"].rows[0].cells] == ["workers 45 → 48"]
    assert snapshot() == before
    assert client.post(reverse("import-confirm", args=[token])).status_code == 302
    ret.refresh_from_db()
    assert (ret.workers, ret.version) == (48, 3)


def test_a_changed_right_outdates_the_plan(client, editor_bdh, tmp_path):
    client.force_login(editor_bdh)
    token = uploaded_token(upload(client, write_csv(tmp_path / "a.csv", [import_row()])))
    client.get(reverse("import-preview", args=[token]))
    editor_bdh.zone_assignments.all().delete()  # an administrator takes the zone away
    response = client.post(reverse("import-confirm", args=[token]))
    assert "You may not import rows for zone BDH." in response.content.decode()
    assert Enterprise.objects.count() == 0


# --- uploads waiting -------------------------------------------------------------------------------------


def test_a_user_has_at_most_3_uploads_waiting(client, editor_bdh, upload_dir):
    client.force_login(editor_bdh)
    tokens = [uploaded_token(upload(client, EXAMPLE)) for _ in range(3)]
    response = upload(client, EXAMPLE)
    assert response.status_code == 200
    assert (
        "You already have 3 uploaded files waiting to be imported or discarded (at most 3). Import or "
        "discard one of them first; files nobody imports are removed an hour after upload."
    ) in response.content.decode()
    for token in tokens:  # listed, so that the user can reach them
        assert f'href="{reverse("import-preview", args=[token])}"' in response.content.decode()
    client.post(reverse("import-cancel", args=[tokens[0]]))
    uploaded_token(upload(client, EXAMPLE))
    assert len(list(upload_dir.iterdir())) == 3


def test_the_quota_is_per_user(client, editor_bdh, editor_dpm):
    client.force_login(editor_bdh)
    for _ in range(3):
        uploaded_token(upload(client, EXAMPLE))
    client.force_login(editor_dpm)
    uploaded_token(upload(client, EXAMPLE))


def test_uploads_older_than_an_hour_are_removed_at_the_next_upload(client, editor_bdh, upload_dir):
    client.force_login(editor_bdh)
    old = uploaded_token(upload(client, EXAMPLE))
    client.get(reverse("import-preview", args=[old]))
    hour_ago = time.time() - 3601
    for path in upload_dir.iterdir():
        os.utime(path, (hour_ago, hour_ago))
    uploaded_token(upload(client, EXAMPLE))
    assert len(list(upload_dir.iterdir())) == 1  # the old file and its plan are gone
    assert client.get(reverse("import-preview", args=[old])).status_code == 404


def test_the_template_has_the_union_members_who_left(client, editor_bdh):
    client.force_login(editor_bdh)
    content = client.get(reverse("import-template", args=["csv"])).content.decode("utf-8-sig")
    header, example = (line.split(",") for line in content.splitlines())
    left = header.index("union_members_left")
    assert example[left] == "1" and header[left + 1 :] == list(Return.PEOPLE)
    assert "union_members_left" in import_views.COLUMNS
