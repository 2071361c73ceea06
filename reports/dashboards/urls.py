"""Every page that only reads figures: dashboards, the enterprise table and pages, organizations."""

from django.urls import path, re_path

from reports.dashboards import enterprises, organizations, views

urlpatterns = [
    path("", views.home, name="home"),
    path("provinces/<slug:code>/", views.province_detail, name="province-detail"),
    path("zones/kind/<slug:kind>/", views.zone_kind_detail, name="zone-kind-detail"),
    path("zones/<str:code>/", views.zone_detail, name="zone-detail"),
    path("enterprises/", enterprises.EnterpriseListView.as_view(), name="enterprise-list"),
    re_path(
        r"^enterprises/export\.(?P<file_format>csv|xlsx)$",
        enterprises.enterprise_export,
        name="enterprise-export",
    ),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise-detail"),
    # Under entry/ for the editors who correct the figures it shows, but read-only like the rest.
    path(
        "entry/enterprises/<int:pk>/history/",
        enterprises.enterprise_history_page,
        name="enterprise-history",
    ),
    path("organizations/", organizations.organization_list, name="organization-list"),
    path("organizations/<int:pk>/", organizations.organization_detail, name="organization-detail"),
]
