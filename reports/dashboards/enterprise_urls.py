from django.urls import path, re_path

from reports.dashboards import enterprises as views

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise-list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.enterprise_export, name="enterprise-export"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
]
