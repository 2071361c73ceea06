from django.urls import path

from reports.targets import notes
from reports.targets import views as target_views

urlpatterns = [
    path("", target_views.target_list, name="target-list"),
    path("new/", target_views.target_create, name="target-create"),
    path("<int:pk>/edit/", target_views.target_edit, name="target-edit"),
    path("notes/", notes.note_list, name="note-list"),
    path("notes/<int:pk>/", notes.note_edit, name="note-edit"),
]
