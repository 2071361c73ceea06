from django.urls import path

from membership import import_views

# Spreadsheet import of returns: upload -> preview (every error, what would change) -> confirm.
urlpatterns = [
    path("", import_views.upload, name="import-upload"),
    path("template.<str:fmt>", import_views.template, name="import-template"),
    path("<slug:token>/", import_views.preview, name="import-preview"),
    path("<slug:token>/confirm/", import_views.confirm, name="import-confirm"),
    path("<slug:token>/cancel/", import_views.cancel, name="import-cancel"),
]
