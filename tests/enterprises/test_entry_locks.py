"""Closing and reopening a zone's period."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format

from core.periods import Period
from enterprises import locks, services
from enterprises.access import can_write_period, period_is_closed
from enterprises.models import PeriodLock, Return
from tests import factories as f
from tests.helpers import grid_row, grid_url
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
    assert client.post(grid_url(), grid_row(enterprise, workers=5)).status_code == 403
    assert client.post(grid_url(period="2024Q2"), grid_row(enterprise, workers=5)).status_code == 403
    assert not Return.objects.exists()

    client.force_login(administrator)
    assert client.post(reverse("period-lock-reopen", args=[lock.pk])).status_code == 302
    assert not PeriodLock.objects.exists()
    client.force_login(editor_bdh)
    assert client.post(grid_url(), grid_row(enterprise, workers=5)).status_code == 302
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


def close_2023_for(zone_code, administrator):
    return services.period_close(
        zone=Zone.objects.get(code=zone_code), period=Period.parse("2023"), user=administrator
    )


def test_closing_date_inside_a_closed_period_is_refused_on_the_close_form(client, editor_bdh, administrator):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    close_2023_for("BDH", administrator)
    client.force_login(editor_bdh)
    response = client.post(
        reverse("enterprise-close", args=[enterprise.pk]), {"closed_on": "2023-09-30", "version": 1}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["closed_on"] == [
        str(
            locks.DATE_IN_CLOSED_PERIOD
            % {"date": date_format(dt.date(2023, 9, 30)), "period": "Year 2023", "zone": "BDH"}
        )
    ]
    enterprise.refresh_from_db()
    assert enterprise.closed_on is None
    # After the closed period, closing is fine: 2023's figures still count the enterprise as operating.
    response = client.post(
        reverse("enterprise-close", args=[enterprise.pk]), {"closed_on": "2024-03-31", "version": 1}
    )
    assert response.status_code == 302


def test_established_date_moved_across_a_closed_period_is_refused_on_the_edit_form(
    client, editor_bdh, administrator
):
    enterprise = f.enterprise("BDH", established=dt.date(2024, 2, 1), tax_code="5300123456")
    close_2023_for("BDH", administrator)
    client.force_login(editor_bdh)
    data = {
        "tax_code": "5300123456",
        "name": enterprise.name,
        "zone": enterprise.zone_id,
        "ownership": enterprise.ownership,
        "established_on": "2022-06-01",
        "version": 1,
    }
    response = client.post(reverse("enterprise-edit", args=[enterprise.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["established_on"] == [
        str(
            locks.DATE_IN_CLOSED_PERIOD
            % {"date": date_format(dt.date(2023, 1, 1)), "period": "Year 2023", "zone": "BDH"}
        )
    ]
    enterprise.refresh_from_db()
    assert enterprise.established_on == dt.date(2024, 2, 1)
    # An administrator may still correct it.
    client.force_login(administrator)
    assert client.post(reverse("enterprise-edit", args=[enterprise.pk]), data).status_code == 302


def test_the_grid_service_refuses_returns_of_a_closed_period(editor_bdh, administrator):
    enterprise = f.enterprise("BDH")
    close_2023_for("BDH", administrator)
    with pytest.raises(ValidationError) as refused:
        services.returns_save(
            creates=[Return(enterprise=enterprise, period="2023S2", workers=5)],
            updates=[],
            deletes=[],
            user=editor_bdh,
        )
    assert refused.value.message_dict["period"] == [
        str(locks.RETURN_IN_CLOSED_PERIOD % {"period": "Year 2023", "zone": "BDH"})
    ]
    assert not Return.objects.exists()
