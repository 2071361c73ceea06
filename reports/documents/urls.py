from django.urls import path, re_path

from reports.documents import views as report_views

urlpatterns = [
    path("", report_views.report_page, name="report"),
    re_path(
        r"^download\.(?P<file_format>csv|xlsx|pdf)$", report_views.report_download, name="report-download"
    ),
]
