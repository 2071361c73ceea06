from django.urls import path, re_path

from reports.documents import drafts
from reports.documents import views as report_views

urlpatterns = [
    path("", report_views.report_page, name="report"),
    re_path(
        r"^download\.(?P<file_format>csv|xlsx|pdf)$", report_views.report_download, name="report-download"
    ),
    path("document.docx", drafts.document_download, name="report-document"),
    path("document/", drafts.document_draft, name="report-document-draft"),
    path("document/versions/<int:pk>.docx", drafts.version_download, name="report-version"),
]
