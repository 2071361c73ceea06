from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("zones/kind/<slug:kind>/", views.zone_kind_detail, name="zone-kind-detail"),
    path("zones/<str:code>/", views.zone_detail, name="zone-detail"),
]
