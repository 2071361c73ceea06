from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from enterprises.models import Return
from reports import indicators
from reports.periods import Period
from zones.access import role_required


def selected_period(request, available: list[Period]) -> Period | None:
    """The period asked for in ``?period=``, else the latest with data."""
    asked = request.GET.get("period")
    if asked:
        try:
            return Period.parse(asked)
        except ValidationError:
            raise Http404(_("Unknown period.")) from None
    return available[0] if available else None


@role_required()
def home(request):
    periods = Return.objects.periods_with_data()
    period = selected_period(request, periods)
    figures = indicators.compute(period) if period else None
    return render(request, "reports/home.html", {"periods": periods, "period": period, "figures": figures})
