"""The enterprise table at national scale: its count is the engine's, read from the summary where the
filters allow (else counted up to a cap), "next" pages start after the previous page's last row
(keyset) and list the same rows as numbered pages, and a page costs a fixed number of queries."""

import html
import re

import pytest
from django import forms
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.periods import Period
from enterprises.models import Enterprise, Ownership, Return
from reports.dashboards import table_pages
from reports.dashboards.filters import CheckboxList
from reports.dashboards.tables import EnterpriseTable
from reports.engine import indicators, summary
from reports.engine.summary import enterprise_rows
from tests import factories as f

from .test_enterprise_pages import names
from .test_enterprise_pages import small as small  # the six enterprises of every filter

pytestmark = pytest.mark.django_db

LIST = reverse("enterprise-list")


def count_of(client, **params) -> tuple[int, bool, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"period": "2024", **params})
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return response.context["table"].paginator.count, "reports_coveragesummary" in sql, sql


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"zone": "BDH"},
        {"zone": ["DPM", "none"]},
        {"ownership": ["foreign", "state"]},
        {"size": "20plus"},
        {"size": "unknown"},
        {"party": "org"},
        {"party": "members_no_org"},
        {"union": "yes"},
        {"union": "eligible"},
        {"reporting": "reported"},
        {"zone": "BDH", "party": "members_no_org"},
        {"size": "20plus", "union": "yes"},
    ],
)
def test_the_count_of_a_summarized_period_is_the_summarys_and_lists_as_many_rows(
    client, viewer, small, params
):
    summary.ensure()
    client.force_login(viewer)
    count, from_summary, sql = count_of(client, **params)
    assert from_summary and "COUNT(" not in sql
    assert count == len(names(client, **params))


def test_the_unfiltered_count_and_a_filters_count_equal_the_engines_figures(client, viewer, small):
    summary.ensure()
    client.force_login(viewer)
    figures = indicators.compute(Period.parse("2024"))
    assert count_of(client)[0] == figures["enterprises"] == 5
    assert count_of(client, party="org")[0] == figures["with_party_org"] == 1
    assert count_of(client, union="yes")[0] == figures["with_union"] == 2
    bdh = indicators.compute(Period.parse("2024"), ["BDH"])
    assert count_of(client, zone="BDH")[0] == bdh["enterprises"] == 2


def test_an_editors_count_is_the_summary_of_their_own_zones(client, editor_bdh, small):
    summary.ensure()
    client.force_login(editor_bdh)
    count, from_summary, _sql = count_of(client)
    assert from_summary and count == 2 == len(names(client))
    assert count_of(client, party="org")[0] == 1


def test_the_summary_count_stays_exact_after_a_write(client, viewer, small):
    summary.ensure()
    f.party_org(small["neither"])
    client.force_login(viewer)
    count, from_summary, _sql = count_of(client, party="org")
    assert from_summary and count == 2 == len(names(client, party="org"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"zone": "BDH"}, ["Members Co", "Org Co"]),  # by name: the enterprise's zone
        ({"zone": "BDH", "sort": "-workers"}, ["Org Co", "Members Co"]),  # the row's zone
        ({"zone": "BDH", "party": "presence"}, ["Members Co", "Org Co"]),
        ({"zone": ["DPM", "none"], "sort": "-workers"}, ["Neither Co", "Outside Co", "Silent Co"]),
        ({"zone": ["DPM", "none"], "party": "presence"}, ["Outside Co"]),
        ({"zone": "none", "sort": "workers"}, ["Outside Co"]),
    ],
)
def test_a_zones_table_lists_the_same_enterprises_whichever_zone_column_it_filters_on(
    client, viewer, small, params, expected
):
    summary.ensure()
    client.force_login(viewer)
    assert names(client, **params) == expected


@pytest.mark.parametrize(
    "params", [{"q": "co"}, {"party": "neither"}, {"status": "all"}, {"party": "org", "union": "yes"}]
)
def test_filters_the_summary_cannot_answer_are_counted_from_the_rows(client, viewer, small, params):
    summary.ensure()
    client.force_login(viewer)
    count, from_summary, sql = count_of(client, **params)
    assert not from_summary and "COUNT(" in sql
    assert count == len(names(client, **params))


def test_beyond_the_cap_the_page_says_more_than_and_still_pages_on(client, viewer, monkeypatch):
    monkeypatch.setattr(table_pages, "COUNT_CAP", 60)
    Enterprise.objects.bulk_create(
        [
            Enterprise(tax_code=f"77{n:08d}", name=f"Firm {n:03d}", ownership=Ownership.NON_STATE)
            for n in range(75)
        ]
    )
    client.force_login(viewer)
    first = client.get(LIST, {"period": "2024", "q": "firm"})
    assert "More than 60 enterprises operating in Year 2024 match." in html.unescape(first.content.decode())
    assert first.context["table"].page.has_next()
    second = client.get(LIST, {"period": "2024", "q": "firm", "page": 2})
    assert [row.record.name for row in second.context["table"].page.object_list] == [
        f"Firm {n:03d}" for n in range(50, 75)
    ]
    assert not second.context["table"].page.has_next()


@pytest.fixture
def firms():
    """120 firms whose workforces tie in tens and include "not reported", over three pages."""
    created = Enterprise.objects.bulk_create(
        [Enterprise(tax_code=f"78{n:08d}", name=f"Firm {n % 40:03d}", zone=None) for n in range(120)]
    )
    Return.objects.bulk_create(
        [
            Return(enterprise=e, period="2024S1", workers=None if n % 7 == 0 else n // 10)
            for n, e in enumerate(created)
        ]
    )
    summary.ensure()
    return created


def next_link(response) -> str | None:
    found = re.search(r'href="\?([^"]*)" rel="next"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize("sort", ["name", "-name", "workers", "-workers", "tax_code"])
def test_next_pages_by_keyset_list_the_same_rows_as_numbered_pages(
    client, viewer, firms, sort, django_assert_max_num_queries
):
    client.force_login(viewer)
    by_number = [names(client, sort=sort, page=n) for n in (1, 2, 3)]
    assert sum(len(page) for page in by_number) == 120
    response, by_next = client.get(LIST, {"period": "2024", "sort": sort}), []
    while True:
        by_next.append([row.record.name for row in response.context["table"].page.object_list])
        link = next_link(response)
        if link is None:
            break
        assert "after=" in link
        with django_assert_max_num_queries(16):
            response = client.get(f"{LIST}?{link}")
    assert by_next == by_number


def test_a_page_costs_the_same_queries_at_ten_and_at_a_hundred_and_twenty_enterprises(client, viewer):
    client.force_login(viewer)

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"period": "2024", **params}).status_code == 200
        return len(captured)

    for n in range(10):
        f.report(f.enterprise("BDH"), "2024S1", workers=n)
    summary.ensure()
    few = [
        queries(),
        queries(party="org"),
        queries(q="test"),
        queries(page=1, after=Enterprise.objects.first().pk),
    ]
    for n in range(110):
        f.report(f.enterprise("DPM"), "2024S1", workers=n)
    many = [
        queries(),
        queries(party="org"),
        queries(q="test"),
        queries(page=2, after=Enterprise.objects.first().pk),
    ]
    assert few == many
    assert max(many) <= 15


def test_the_zone_checkboxes_are_djangos_own_written_in_one_pass():
    choices = [("BDH", "BDH – Bac Dong Ha & co"), ("none", "Outside every zone")]

    class Form(forms.Form):
        fast = forms.MultipleChoiceField(choices=choices, widget=CheckboxList, required=False)
        django = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, required=False
        )

    form = Form({"fast": ["none"], "django": ["none"]})

    def plain(field: str) -> str:
        return " ".join(re.sub(r">\s+", ">", str(form[field])).replace(field, "zone").split())

    assert plain("fast") == plain("django")
    assert 'value="none" id="id_zone_1" checked' in plain("fast")


def test_the_rows_written_in_one_pass_are_those_of_the_default_template(viewer, small):
    def table():
        rows = enterprise_rows(Period.parse("2024"), None, operating_only=False).order_by("search_name")
        return EnterpriseTable(rows).paginate(per_page=50)

    default = Template(
        "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>{% for column, cell in row.items %}"
        "<td {{ column.attrs.td.as_html }}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
    ).render(Context({"table": table()}))
    assert table().rows_html == default
    assert "Org Co</a>" in default and 'class="num"' in default and '<tr class="odd">' in default
