from django.urls import path

from membership import lifecycle_views as views

urlpatterns = [
    path("", views.lifecycle_index, name="organization-entry"),
    path("enterprise/<int:pk>/", views.enterprise_organizations, name="enterprise-organizations"),
    path("enterprise/<int:pk>/party/found/", views.party_org_found, name="party-org-found"),
    path("enterprise/<int:pk>/union/found/", views.union_found, name="union-found"),
    path("enterprise/<int:pk>/attach/", views.enterprise_attach, name="enterprise-attach"),
    path("enterprise/<int:pk>/detach/", views.enterprise_detach, name="enterprise-detach"),
    path("party/found/", views.party_org_found_body, name="party-org-found-body"),
    path("party/<int:pk>/upgrade/", views.party_org_upgrade, name="party-org-upgrade"),
    path("party/<int:pk>/dissolve/", views.party_org_dissolve, name="party-org-dissolve"),
    path("unions/<int:pk>/dissolve/", views.union_dissolve, name="union-dissolve"),
]
