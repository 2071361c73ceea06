"""The dashboard's "People" section: leaders in the party, training against the targets, probation
to the decision, members of enterprises without an organization; every number from the engine, its
enterprises one click away, and "not reported" never read as 0."""

import datetime as dt

import pytest
from django.urls import reverse

from reports.models import TargetIndicator
from tests import factories as f
from tests.helpers import listed

pytestmark = pytest.mark.django_db

SINCE_2020 = dt.date(2020, 1, 1)


@pytest.fixture
def people(db):
    """Three BDH enterprises in 2024S1.

    led: hosts a party organization; 3 admitted in 2023S1 (due in 2024S1), 1 recognized since, so
    2 overdue at 30 June 2024; 1 owner in the party, 1 leader trained (intermediate).
    small: no organization, 4 party members: 1 with the Business Association cell, 1 at residence,
    2 attached nowhere; no owner in the party.
    quiet: no organization, 3 party members, says nothing about where they take part.
    """
    led = f.enterprise("BDH", name="Led", established=SINCE_2020, tax_code="1000000001")
    small = f.enterprise("BDH", name="Small", established=SINCE_2020, tax_code="1000000002")
    quiet = f.enterprise("BDH", name="Quiet", established=SINCE_2020, tax_code="1000000003")
    f.party_org(led)
    f.report(led, "2023S1", workers=40, party_members=5, admitted_to_party=3)
    f.report(led, "2023S2", workers=40, party_members=6, became_official=0)
    f.report(
        led,
        "2024S1",
        workers=40,
        party_members=6,
        probationary_party_members=2,
        owner_manager_party_members=1,
        became_official=1,
        admitted_to_party=1,
        owners_managers_admitted=0,
        leaders_trained_intermediate=1,
    )
    f.report(
        small,
        "2024S1",
        workers=10,
        party_members=4,
        owner_manager_party_members=0,
        members_with_association_cell=1,
        members_at_residence=1,
    )
    f.report(quiet, "2024S1", workers=12, party_members=3)
    return led, small, quiet


def chart(response, chart_id):
    return next(c for c in response.context["people_charts"] if c.id == chart_id)


def row(chart_, period_label):
    return next(r for r in chart_.rows if r[0][0] == period_label)


def home(client, period="2024S1"):
    response = client.get(reverse("home"), {"period": period})
    assert response.status_code == 200
    return response


def test_enterprises_led_by_a_party_member_with_their_share_and_list(client, viewer, people):
    client.force_login(viewer)
    response = home(client)
    leaders = row(chart(response, "people-leaders"), "first half of 2024")
    assert [text for text, _url in leaders] == ["first half of 2024", "1", "33.3%", "1"]
    assert listed(client, leaders[1][1]) == ["1000000001"]
    assert "People" in response.content.decode()


def test_probation_due_overdue_and_their_enterprises(client, viewer, people):
    client.force_login(viewer)
    probation = row(chart(home(client), "people-probation"), "first half of 2024")
    texts = [text for text, _url in probation]
    # probationary, due, recognized, not recognized (nobody reported it), overdue, enterprises overdue
    assert texts[1:] == ["2", "3", "1", "not reported", "2", "1"]
    due_url, overdue_url = probation[2][1], probation[5][1]
    assert "people=due" in due_url and "status=all" in due_url
    assert listed(client, due_url) == ["1000000001"]
    assert listed(client, overdue_url) == ["1000000001"]


def test_members_without_an_organization_by_where_they_take_part(client, viewer, people):
    client.force_login(viewer)
    no_org = row(chart(home(client), "people-no-org"), "first half of 2024")
    assert [text for text, _url in no_org][1:] == ["7", "1", "1", "2"]
    for cell in no_org[2:]:
        assert listed(client, cell[1]) == ["1000000002"]


def test_a_period_nobody_reported_people_for_reads_not_reported(client, viewer, people):
    client.force_login(viewer)
    response = home(client, "2023S2")
    leaders = row(chart(response, "people-leaders"), "second half of 2023")
    assert [text for text, url in leaders][1:] == ["not reported", "not reported", "not reported"]
    assert all(url == "" for _text, url in leaders)
    no_org = row(chart(response, "people-no-org"), "second half of 2023")
    assert "0" not in [text for text, _url in no_org]


def test_training_against_the_year_targets(client, viewer, people):
    f.target(4, indicator=TargetIndicator.OWNERS_MANAGERS_ADMITTED)
    f.target(2, indicator=TargetIndicator.LEADERS_TRAINED_INTERMEDIATE)
    client.force_login(viewer)
    response = home(client)
    training = chart(response, "people-training")
    cells = {r[0][0]: [text for text, _url in r[1:]] for r in training.rows}
    assert cells["Owners and managers admitted to the party"] == ["0", "0", "4", "0.0%"]
    assert cells["Leaders trained in intermediate political theory"] == ["1", "1", "2", "50.0%"]
    assert cells["Leaders trained in advanced political theory"] == [
        "not reported",
        "not reported",
        "no target set",
        "",
    ]
    assert training.figure["data"][0]["type"] == "bar"  # progress against the targets
    # The dashboard's own targets chart lists the two targets set, with their progress.
    targets = next(c for c in response.context["charts"] if c.id == "targets")
    by_label = {r[0][0]: [text for text, _url in r[1:]] for r in targets.rows}
    assert by_label["Owners and managers admitted to the party"] == ["4", "0", "0.0%"]
    assert by_label["Leaders trained in intermediate political theory"] == ["2", "1", "50.0%"]
    assert "Leaders trained in advanced political theory" not in by_label


def test_without_targets_the_training_chart_is_a_trend(client, viewer, people):
    client.force_login(viewer)
    training = chart(home(client), "people-training")
    assert training.figure["data"][0]["type"] == "scatter"
    assert [trace["name"].replace("<br>", " ") for trace in training.figure["data"]] == [
        "Owners and managers admitted to the party",
        "Leaders trained in intermediate political theory",
        "Leaders trained in advanced political theory",
    ]


def test_the_zone_page_has_the_section_too(client, viewer, people):
    client.force_login(viewer)
    response = client.get(reverse("zone-detail", args=["BDH"]), {"period": "2024S1"})
    probation = row(chart(response, "people-probation"), "first half of 2024")
    assert probation[2][0] == "3"
    assert 'id="chart-people-probation"' in response.content.decode()


def test_a_view_whose_zones_collect_no_party_figures_says_so(client, viewer, people):
    from zones.models import Zone

    Zone.objects.filter(code="BDH").update(collects_party=False)
    client.force_login(viewer)
    response = client.get(reverse("zone-detail", args=["BDH"]), {"period": "2024S1"})
    assert response.context["people_charts"] == []
    assert "the people behind them are not collected" in response.content.decode()


def test_the_section_adds_no_query(client, viewer, people, django_assert_max_num_queries):
    """The section reads the periods the page has computed already; the page's bound is unchanged."""
    client.force_login(viewer)
    for i in range(30):
        f.report(f.enterprise(established=SINCE_2020), "2024S1", workers=i, party_members=1)
    with django_assert_max_num_queries(29):
        home(client)


def test_the_demo_shows_targets_overdue_decisions_and_members_attached_nowhere(client, viewer):
    from reports.sample import demo

    demo.seed()
    client.force_login(viewer)
    response = home(client)
    assert "the press report gives no people figures" in response.content.decode()  # made up, and said so
    probation = row(chart(response, "people-probation"), "first half of 2024")
    assert [text for text, _url in probation][2:] == ["8", "7", "0", "2", "2"]
    assert len(listed(client, probation[6][1])) == 2
    no_org = row(chart(response, "people-no-org"), "first half of 2024")
    assert no_org[-1][0] == "1"
    training = {r[0][0]: r[-1][0] for r in chart(response, "people-training").rows}
    assert training == {
        "Owners and managers admitted to the party": "50.0%",
        "Leaders trained in intermediate political theory": "86.7%",
        "Leaders trained in advanced political theory": "80.0%",
    }
