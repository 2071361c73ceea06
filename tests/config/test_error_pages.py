"""400/403/404/500 answer with the product's own page (layout, navigation, the language of the
request, the favicon), and the admin shows the favicon too."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from config.health import server_error
from tests import factories as f

pytestmark = pytest.mark.django_db

FAVICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


@override_settings(DEBUG=False)
def test_a_404_is_a_page_of_the_product(client, editor_bdh):
    other = f.enterprise("DPM")
    client.force_login(editor_bdh)
    response = client.get(reverse("enterprise-detail", args=[other.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'href="/"' in html and "<nav" in html
    assert FAVICON in html


@override_settings(DEBUG=False)
def test_a_403_is_a_page_of_the_product(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("period-grid-start"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and "<nav" in html and FAVICON in html


def test_a_500_has_the_layout_and_the_way_back_without_touching_the_request():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Server error" in html and '<header class="site-header">' in html and FAVICON in html
    assert '<a href="/">Back to the dashboard</a>' in html


def test_the_admin_shows_the_favicon(client, administrator):
    assert FAVICON in client.get(reverse("admin:login")).content.decode()
    client.force_login(administrator)
    assert FAVICON in client.get(reverse("admin:index")).content.decode()
