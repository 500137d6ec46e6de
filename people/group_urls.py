from django.urls import path

from people import group_views as views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("new/parallel/", views.group_create_parallel, name="create-parallel"),
    path("<int:pk>/edit/", views.group_update, name="update"),
    path("<int:pk>/delete/", views.group_delete, name="delete"),
]
