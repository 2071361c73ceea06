from django.urls import path

from reports.cycle import views

urlpatterns = [
    path("", views.reporting_due, name="reporting-due"),
    path("<str:period>/", views.reporting_period, name="reporting"),
    path("<str:period>/<str:zone>/<slug:step>/", views.reporting_step, name="reporting-step"),
]
