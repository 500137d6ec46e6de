from django.urls import path

from pairs import plan_views

app_name = "plans"

urlpatterns = [
    path("", plan_views.plan_list, name="list"),
    path("pair/<int:pk>/", plan_views.plan_detail, name="detail"),
    path("pair/<int:pk>/create/", plan_views.plan_create_view, name="create"),
    path("pair/<int:pk>/update/", plan_views.plan_update_view, name="update"),
    path("pair/<int:pk>/items/add/", plan_views.plan_item_add_view, name="item-add"),
    path(
        "items/<int:pk>/update/",
        plan_views.plan_item_update_view,
        name="item-update",
    ),
    path(
        "items/<int:pk>/status/",
        plan_views.plan_item_status_view,
        name="item-status",
    ),
    path("items/<int:pk>/evidence/", plan_views.plan_evidence, name="evidence"),
]
