from django.urls import path

from reports.entry import views

urlpatterns = [
    path("", views.entry_start, name="entry-start"),
    path("returns/", views.period_grid_start, name="period-grid-start"),
    path("returns/<str:zone>/<str:period>/", views.period_grid, name="period-grid"),
    path("quality/", views.data_quality, name="data-quality"),
    path("quality/check/", views.flag_check, name="flag-check"),
]
