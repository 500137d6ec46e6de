"""The municipality's indicators and roll-ups, at /municipal-indicators/."""

from django.urls import path

from municipal import indicator_views as views

app_name = "municipal-indicators"

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("create-default/", views.create_default, name="create-default"),
    path("add/", views.indicator_create, name="create"),
    path("<int:pk>/update/", views.indicator_update, name="update"),
    path("<int:pk>/deactivate/", views.indicator_deactivate, name="deactivate"),
    path("<int:pk>/activate/", views.indicator_activate, name="activate"),
    path("<int:pk>/move/", views.indicator_move, name="move"),
    path("targets/", views.targets, name="targets"),
    path("rollup/", views.rollup, name="rollup"),
    path("rollup/submit/", views.rollup_submit, name="submit"),
    path("snapshots/", views.snapshot_list, name="snapshot-list"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot-detail"),
    path("values/", views.organisation_values, name="values"),
]
