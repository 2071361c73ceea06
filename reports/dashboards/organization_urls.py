from django.urls import path

from reports.dashboards import organizations as views

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
]
