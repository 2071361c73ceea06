"""The enterprise page's people: its probation timeline (admitted, due a year after the period's last
day, decided, overdue from the engine) and its leaders' party membership and training."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from tests import factories as f
from tests.helpers import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(db):
    e = f.enterprise("BDH", established=dt.date(2020, 1, 1))
    f.report(e, "2023S1", workers=40, party_members=5, admitted_to_party=3, owner_manager_party_members=1)
    f.report(e, "2023S2", workers=40, party_members=6, probationary_party_members=3, became_official=0)
    f.report(
        e,
        "2024S1",
        workers=40,
        party_members=6,
        probationary_party_members=2,
        became_official=1,
        owner_manager_party_members=2,
        leaders_trained_advanced=1,
    )
    return e


def page(client, enterprise, period="2024S1"):
    response = client.get(reverse("enterprise-detail", args=[enterprise.pk]), {"period": period})
    assert response.status_code == 200
    return response


def test_each_admission_is_due_a_year_after_its_period_ends(client, viewer, enterprise):
    client.force_login(viewer)
    response = page(client, enterprise)
    timeline = response.context["probation"]
    assert [str(step["period"]) for step in timeline] == ["2023S1", "2023S2", "2024S1"]
    assert timeline[0]["values"] == [None, 3, None, None]
    assert timeline[0]["due_on"] == dt.date(2024, 6, 30)
    assert str(timeline[0]["due_in"]) == "2024S1"
    assert timeline[1]["due_on"] is None  # nobody admitted in 2023S2
    text = text_of(response)
    due = date_format(dt.date(2024, 6, 30), "SHORT_DATE_FORMAT")
    assert f"first half of 2023 not reported 3 not reported not reported {due} (first half of 2024)" in text
    # The engine's figures for the period: 3 due, 3 matured less 1 decided = 2 overdue.
    assert "3 members due for the decision; 2 decisions overdue at the period's end." in text


def test_before_any_decision_is_reported_overdue_says_so(client, viewer, enterprise):
    client.force_login(viewer)
    text = text_of(page(client, enterprise, "2023S1"))
    assert "nobody due for the decision; overdue decisions not reported" in text


def test_leaders_in_the_party_and_their_training_period_by_period(client, viewer, enterprise):
    client.force_login(viewer)
    response = page(client, enterprise)
    leaders = [(str(p), values) for p, values in response.context["leaders"]]
    assert leaders[0] == ("2023S1", [1, None, None, None, None, None])
    assert leaders[2] == ("2024S1", [2, None, None, 1, None, None])
    assert "first half of 2024 2 not reported not reported 1 not reported not reported" in text_of(response)


def test_the_people_tables_add_no_query(client, viewer, enterprise, django_assert_max_num_queries):
    client.force_login(viewer)
    with django_assert_max_num_queries(20):
        page(client, enterprise)
