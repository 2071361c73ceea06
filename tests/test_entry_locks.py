"""Closing and reopening a zone's period."""

import pytest
from django.urls import reverse

from core.periods import Period
from enterprises import services
from enterprises.access import can_write_period, period_is_closed
from enterprises.models import PeriodLock, Return
from tests import factories as f
from tests.test_entry_grid import grid_url, row
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_administrator_closes_and_reopens_a_period(client, administrator, editor_bdh):
    enterprise = f.enterprise("BDH")
    bdh = Zone.objects.get(code="BDH")
    client.force_login(administrator)
    response = client.post(reverse("period-locks"), {"zone": bdh.pk, "period": "2024s1"})
    assert response.status_code == 302
    lock = PeriodLock.objects.get()
    assert (lock.zone, lock.period, lock.closed_by) == (bdh, "2024S1", administrator)
    page = client.get(reverse("period-locks"))
    assert "first half of 2024" in page.content.decode()

    # Closed: the editor's save is refused; overlapping periods are closed too, other zones are not.
    assert period_is_closed(bdh, Period.parse("2024Q2")) and period_is_closed(bdh, Period.parse("2024"))
    assert not period_is_closed(bdh, Period.parse("2024S2"))
    assert not period_is_closed(Zone.objects.get(code="DPM"), Period.parse("2024S1"))
    assert not can_write_period(editor_bdh, bdh, Period.parse("2024S1"))
    assert can_write_period(administrator, bdh, Period.parse("2024S1"))
    client.force_login(editor_bdh)
    assert client.post(grid_url(), row(enterprise, workers=5)).status_code == 403
    assert client.post(grid_url(period="2024Q2"), row(enterprise, workers=5)).status_code == 403
    assert not Return.objects.exists()

    client.force_login(administrator)
    assert client.post(reverse("period-lock-reopen", args=[lock.pk])).status_code == 302
    assert not PeriodLock.objects.exists()
    client.force_login(editor_bdh)
    assert client.post(grid_url(), row(enterprise, workers=5)).status_code == 302
    assert Return.objects.get().workers == 5
    # The audit trail keeps both the closing and the reopening.
    assert [(r.history_type, r.history_user) for r in PeriodLock.history.order_by("history_id")] == [
        ("+", administrator),
        ("-", administrator),
    ]


def test_a_period_is_closed_once(client, administrator):
    bdh = Zone.objects.get(code="BDH")
    client.force_login(administrator)
    client.post(reverse("period-locks"), {"zone": bdh.pk, "period": "2024"})
    response = client.post(reverse("period-locks"), {"zone": bdh.pk, "period": "2024"})
    assert response.status_code == 200
    assert response.context["form"].errors["period"] == [
        str(services.PERIOD_ALREADY_CLOSED % {"period": "Year 2024", "zone": "BDH"})
    ]
    bad = client.post(reverse("period-locks"), {"zone": bdh.pk, "period": "2024H1"})
    assert "is not a period" in bad.context["form"].errors["period"][0]
    assert PeriodLock.objects.count() == 1


def test_reopen_needs_a_post(client, administrator):
    lock = PeriodLock.objects.create(
        zone=Zone.objects.get(code="BDH"), period="2024", closed_by=administrator
    )
    client.force_login(administrator)
    assert client.get(reverse("period-lock-reopen", args=[lock.pk])).status_code == 405
    assert PeriodLock.objects.exists()
