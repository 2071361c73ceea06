from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import accounts, health

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/logout-everywhere/", accounts.logout_everywhere, name="logout-everywhere"),
    # For load balancers and monitoring: 200 when the database answers, else 503.
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The dashboard: province and zone pages (reports), enterprise table and pages, organizations.
    path("", include("reports.dashboards.urls")),
    # Spreadsheet import of returns and annual targets.
    path("import/", include("membership.import_urls")),
    path("targets/", include("reports.targets.urls")),
    # Data entry by zone boards: forms, the period grid, organization lifecycle, data quality.
    path("entry/", include("enterprises.entry_urls")),
    path("entry/", include("reports.entry.urls")),
    path("entry/organizations/", include("membership.lifecycle_urls")),
    # Coverage reports and their downloads; the read-only JSON API.
    # The reporting cycle: what is due, each zone's status for a period, submission and approval.
    path("reporting/", include("reports.cycle.urls")),
    path("reports/", include("reports.documents.urls")),
    path("api/v1/", include("reports.api.urls")),
]

# A database that cannot be reached gets a clear 503 page instead of a bare server error.
handler500 = health.server_error
