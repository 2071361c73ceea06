from django.urls import path

from reports.cycle import review_views, views

urlpatterns = [
    path("", views.reporting_due, name="reporting-due"),
    path("value/<int:enterprise>/<str:period>/<str:field>/", review_views.value_page, name="value-review"),
    path("<str:period>/", views.reporting_period, name="reporting"),
    path("<str:period>/queue/", review_views.approval_queue, name="approval-queue"),
    path("<str:period>/<str:zone>/", review_views.zone_review_page, name="zone-review"),
    path("<str:period>/<str:zone>/<slug:step>/", views.reporting_step, name="reporting-step"),
]
