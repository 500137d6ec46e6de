from django.urls import path

from mentoring import roadmap_views

app_name = "roadmap"

urlpatterns = [
    path("", roadmap_views.roadmap_index, name="index"),
    path("programme/<int:pk>/", roadmap_views.roadmap_detail, name="detail"),
    path(
        "programme/<int:pk>/from-template/",
        roadmap_views.roadmap_from_template_view,
        name="from-template",
    ),
    path(
        "programme/<int:pk>/items/add/",
        roadmap_views.roadmap_item_create_view,
        name="item-create",
    ),
    path(
        "items/<int:pk>/update/",
        roadmap_views.roadmap_item_update_view,
        name="item-update",
    ),
    path(
        "items/<int:pk>/status/",
        roadmap_views.roadmap_item_status_view,
        name="item-status",
    ),
    path("items/<int:pk>/evidence/", roadmap_views.roadmap_evidence, name="evidence"),
]
