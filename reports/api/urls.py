from django.urls import path

from reports.api import views as api

urlpatterns = [
    path("indicators", api.indicators_view, name="api-indicators"),
    path("periods", api.periods_view, name="api-periods"),
    path("zones", api.zones_view, name="api-zones"),
    path("enterprises", api.enterprises_view, name="api-enterprises"),
]
