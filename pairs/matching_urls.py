from django.urls import path

from pairs import matching_views as views

app_name = "matching"

urlpatterns = [
    path("requests/", views.request_map, name="request-map"),
    path("mentee/<int:pk>/", views.for_mentee, name="for-mentee"),
    path("mentor/<int:pk>/", views.for_mentor, name="for-mentor"),
]
