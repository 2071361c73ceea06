"""Helpers shared by the test modules: POST fields of the period grid, builders for import files (CSV
and XLSX) and a snapshot of everything an import may write.

The server and database process helpers of the PostgreSQL tests are in tests/servers.py.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from django.urls import reverse

from enterprises.models import Enterprise, Return
from membership.importing import COLUMNS
from membership.models import GrassrootsUnion, PartyOrganization, PartyOrganizationLevel

# --- the period grid ---------------------------------------------------------------------------------

GRID_FIELDS = (*Return.BASE_STOCKS, *Return.BASE_FLOWS)


def grid_url(zone="BDH", period="2024S1"):
    return reverse("period-grid", kwargs={"zone": zone, "period": period})


def grid_row(enterprise, version=0, **values):
    """The POST fields of one grid row; unnamed cells are left empty."""
    data = {f"e{enterprise.pk}-version": str(version)}
    for name in GRID_FIELDS:
        value = values.get(name)
        data[f"e{enterprise.pk}-{name}"] = "" if value is None else str(value)
    return data


# --- import files ------------------------------------------------------------------------------------

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "returns-example.csv"
TODAY = dt.date(2024, 12, 31)


def import_row(**values) -> dict[str, str]:
    """A valid import row of the example enterprise (5300100001, BDH), overridden by ``values``."""
    base = {
        "period": "2024S1",
        "tax_code": "5300100001",
        "name": "Công ty TNHH Ví dụ Một",
        "zone": "BDH",
        "ownership": "non_state",
        "workers": "48",
        "party_org": "",
        "party_org_founded": "",
        "party_members": "",
        "union_founded": "",
        "union_members": "",
        "new_union_members": "",
        "introduced_to_party": "",
        "admitted_to_party": "",
        "awareness_class_attendees": "",
        "proposed_for_admission": "",
        "union_members_left": "",
        **dict.fromkeys(Return.PEOPLE, ""),
    }
    base.update({k: str(v) for k, v in values.items()})
    return base


def write_csv(path: Path, rows: list[dict], columns=COLUMNS, delimiter=",", bom=False) -> Path:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(c, "") for c in columns])
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: list[list], *, typed: bool = True) -> Path:
    """An XLSX workbook whose first sheet holds ``rows`` (the first one being the header).

    With ``typed``, numbers and ISO dates are written as a spreadsheet program would store what a
    person typed: numbers and dates, not text.
    """
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append([_typed(v) if typed else v for v in values])
    workbook.save(path)
    return path


def _typed(value):
    if isinstance(value, str):
        if value.isdigit() and not value.startswith("0") and len(value) < 10:
            return int(value)
        try:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
        except ValueError:
            return value
    return value


def csv_rows(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def snapshot() -> dict[str, list]:
    """Every imported table and its history, without ids and timestamps: equal means unchanged."""
    tables = {
        "enterprises": Enterprise.objects.values_list(
            "tax_code", "name", "zone__code", "ownership", "version"
        ),
        "returns": Return.objects.values_list(
            "enterprise__tax_code", "period", "version", *Return.STOCKS, *Return.FLOWS
        ),
        "party_orgs": PartyOrganization.objects.values_list(
            "host_enterprise__tax_code", "founded_on", "name"
        ),
        "levels": PartyOrganizationLevel.objects.values_list(
            "organization__host_enterprise__tax_code", "level", "since"
        ),
        "unions": GrassrootsUnion.objects.values_list("enterprise__tax_code", "founded_on", "name"),
    }
    result = {name: sorted(query, key=repr) for name, query in tables.items()}
    for model in (Enterprise, Return, PartyOrganization, PartyOrganizationLevel, GrassrootsUnion):
        result[f"{model.__name__} history"] = model.history.count()
    result["updated_at"] = sorted(Return.objects.values_list("updated_at", flat=True))
    return result


# --- pages -------------------------------------------------------------------------------------


def page(client, name, period=None, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs), {"period": period} if period else {})
    assert response.status_code == 200
    return response


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces squeezed."""
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def listed(client, url) -> list[str]:
    """Tax codes of every enterprise the enterprise table lists for ``url`` (all pages)."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["filter"].is_valid(), response.context["filter"].errors
    return sorted(response.context["filter"].qs.values_list("tax_code", flat=True))


# --- the upload page -----------------------------------------------------------------------------


def upload(client, path, name=None):
    """Post a file to the import upload page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = path.read_bytes()
    return client.post(reverse("import-upload"), {"file": SimpleUploadedFile(name or path.name, content)})


def uploaded_token(response):
    """The pending upload's token from the redirect to its preview."""
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url.strip("/").split("/")[-1]
