"""The enterprise table behind any filter, exported as CSV or XLSX, streamed."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ExportLog
from reports.sample import demo
from tests import factories as f
from zones.roles import ensure_role_groups

pytestmark = pytest.mark.django_db


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def data_rows(rows):
    header = rows.index(next(r for r in rows if r and r[0] == "tax_code"))
    return rows[header + 1 :]


def test_drill_down_export_lists_exactly_the_six_enterprises_with_members_but_no_org(client, administrator):
    demo.seed()
    client.force_login(administrator)
    query = {"period": "2024", "zone": ["BDH", "DPM", "TL"], "party": "members_no_org"}
    response = client.get(reverse("enterprise-export", args=["csv"]), query)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    rows = csv_rows(response)
    assert ["Period", "Year 2024 (2024)"] in rows
    assert ["Party", "party members but no organization"] in rows
    assert any(r and r[0] == "Generated at" for r in rows)
    found = data_rows(rows)
    assert len(found) == 6
    assert all(r[7] == "no" and 1 <= int(r[5]) <= 3 for r in found)  # no organization, 1 to 3 members
    log = ExportLog.objects.get()
    assert (log.kind, log.file_format, log.period) == ("enterprises", "csv", "2024")


def test_xlsx_export_holds_the_same_rows_as_numbers(client, administrator):
    for workers in (5, 25):
        f.report(f.enterprise("BDH"), "2024S1", workers=workers, union_members=None)
    client.force_login(administrator)
    response = client.get(reverse("enterprise-export", args=["xlsx"]), {"period": "2024", "size": "20plus"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["About", "Enterprises"]
    rows = list(book["Enterprises"].iter_rows(values_only=True))
    assert rows[0][:5] == ("tax_code", "name", "zone", "ownership", "workers")
    assert [r[4] for r in rows[1:]] == [25]
    assert rows[1][6] is None  # union members not reported: empty, not 0


def test_names_that_look_like_formulas_are_neutralized(client, administrator):
    f.report(f.enterprise("BDH", name="=cmd|'/c calc'!A1"), "2024S1", workers=5)
    client.force_login(administrator)
    rows = data_rows(csv_rows(client.get(reverse("enterprise-export", args=["csv"]), {"period": "2024"})))
    assert rows[0][1] == "'=cmd|'/c calc'!A1"


def test_export_needs_the_export_permission_which_viewers_hold_and_editors_do_not(client, viewer, editor_bdh):
    client.force_login(editor_bdh)
    assert client.get(reverse("enterprise-export", args=["csv"]), {"period": "2024"}).status_code == 403
    client.force_login(viewer)
    assert client.get(reverse("enterprise-export", args=["csv"]), {"period": "2024"}).status_code == 200


def test_an_administrator_can_withdraw_downloads_from_a_role(client, django_user_model):
    from django.contrib.auth.models import Group, Permission

    Group.objects.get(name="viewer").permissions.remove(Permission.objects.get(codename="export_reports"))
    ensure_role_groups()  # refreshing the roles (every migrate) does not give it back
    user = django_user_model.objects.create_user("staff", password="x")
    user.groups.add(Group.objects.get(name="viewer"))
    client.force_login(user)
    assert client.get(reverse("enterprise-export", args=["csv"]), {"period": "2024"}).status_code == 403


def test_bad_filter_gets_400_with_the_field_named(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("enterprise-export", args=["csv"]), {"party": "everything"})
    assert response.status_code == 400
    assert "Party" in response.content.decode()


def test_query_count_does_not_depend_on_the_number_of_rows(
    client, administrator, django_assert_max_num_queries
):
    for i in range(60):
        f.report(f.enterprise("BDH"), "2024S1", workers=i)
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprise-export", args=["csv"]), {"period": "2024"})
        assert len(data_rows(csv_rows(response))) == 60
