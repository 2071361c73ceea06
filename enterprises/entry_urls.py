from django.urls import path

from enterprises import entry_views as views

urlpatterns = [
    path("enterprises/new/", views.enterprise_create, name="enterprise-create"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("enterprises/<int:pk>/close/", views.enterprise_close, name="enterprise-close"),
    path("closed-periods/", views.period_locks, name="period-locks"),
    path("closed-periods/<int:pk>/reopen/", views.period_lock_reopen, name="period-lock-reopen"),
]
