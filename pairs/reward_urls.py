from django.urls import path

from pairs import reward_views

app_name = "rewards"

urlpatterns = [
    path("", reward_views.reward_list, name="list"),
    path("new/", reward_views.reward_create, name="create"),
    path("<int:pk>/", reward_views.reward_detail, name="detail"),
    path("<int:pk>/delete/", reward_views.reward_delete_view, name="delete"),
]
