from django.urls import path

from reports.dashboards import views

urlpatterns = [
    path("", views.home, name="home"),
    path("provinces/<slug:code>/", views.province_detail, name="province-detail"),
    path("zones/kind/<slug:kind>/", views.zone_kind_detail, name="zone-kind-detail"),
    path("zones/<str:code>/", views.zone_detail, name="zone-detail"),
]
