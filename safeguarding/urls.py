from django.urls import path

from safeguarding import concern_views, views

app_name = "safeguarding"

urlpatterns = [
    path("", views.index, name="list"),
    path("participant/<int:pk>/", views.participant_detail, name="participant"),
    path(
        "participant/<int:pk>/print/",
        views.participant_print,
        name="participant-print",
    ),
    path(
        "participant/<int:pk>/<slug:kind>/add/",
        views.record_create,
        name="record-create",
    ),
    path(
        "programme/<int:pk>/activity/add/",
        views.activity_create,
        name="activity-create",
    ),
    path("<slug:kind>/<int:pk>/edit/", views.record_update, name="record-update"),
    path("<slug:kind>/<int:pk>/delete/", views.record_delete, name="record-delete"),
    path("visit/<int:pk>/scan/", views.visit_scan, name="visit-scan"),
    path("log/", views.log_list, name="log"),
    path(
        "pair/<int:pk>/concern/",
        concern_views.concern_create,
        name="concern-create",
    ),
    path("concerns/", concern_views.concern_list, name="concern-list"),
    path("concerns/<int:pk>/", concern_views.concern_detail, name="concern-detail"),
    path(
        "concerns/<int:pk>/resolve/",
        concern_views.concern_resolve_view,
        name="concern-resolve",
    ),
]
