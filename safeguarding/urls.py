from django.urls import path

from safeguarding import views

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
]
