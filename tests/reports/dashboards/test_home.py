import pytest
from django.urls import reverse

from reports.sample import demo
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


@pytest.mark.parametrize("who", ["viewer", "editor_bdh", "administrator"])
def test_every_role_sees_the_headline_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("home")).status_code == 200


def test_headline_page_shows_the_province_figures_of_the_demo(client, viewer):
    demo.seed()
    client.force_login(viewer)
    html = client.get(reverse("home")).content.decode()
    assert "Lào Cai" in html
    assert "3,442" in html
    assert "344.2%" in html
    assert "Demo data" in html


def test_headline_page_says_no_data_rather_than_zero(client, viewer):
    f.report(f.enterprise(), "2024S1", workers=10)
    client.force_login(viewer)
    html = client.get(reverse("home"), {"period": "2024"}).content.decode()
    assert "no data" in html


def test_unknown_period_is_not_found(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("home"), {"period": "2024X"}).status_code == 404


def test_headline_page_query_count_is_fixed(client, viewer, django_assert_max_num_queries):
    """One period with data: 17 queries (see test_dashboard_performance for every page at 10x the demo)."""
    client.force_login(viewer)
    for i in range(30):
        f.report(f.enterprise(), "2024S1", workers=i)
    with django_assert_max_num_queries(29):
        client.get(reverse("home"))
