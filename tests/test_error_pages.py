"""403 and 404 answer with the product's own page (layout, navigation, the language of the request)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_404_is_a_page_of_the_product(client, editor_bdh):
    other = f.enterprise("DPM")
    client.force_login(editor_bdh)
    response = client.get(reverse("enterprise-detail", args=[other.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'href="/"' in html and "<nav" in html


@override_settings(DEBUG=False)
def test_a_403_is_a_page_of_the_product(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("period-grid-start"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode() and "<nav" in response.content.decode()
