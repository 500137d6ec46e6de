from django.urls import path

from pairs import views

app_name = "pairs"

urlpatterns = [
    path("", views.pair_list, name="list"),
    path("new/", views.pair_create_view, name="create"),
    path("approve/", views.pair_approve, name="approve"),
    path("<int:pk>/", views.pair_detail, name="detail"),
    path("<int:pk>/close/", views.pair_close_view, name="close"),
    path("<int:pk>/terminate/", views.pair_terminate_view, name="terminate"),
    path("<int:pk>/substitute/", views.pair_substitute_view, name="substitute"),
    path(
        "<int:pk>/replace-mentor/",
        views.pair_replace_mentor_view,
        name="replace-mentor",
    ),
]
