from django.urls import path

from mentoring.views import not_built as todo

app_name = "matching"

urlpatterns = [
    path("requests/", todo, name="request-map"),
    path("mentee/<int:pk>/", todo, name="for-mentee"),
    path("mentor/<int:pk>/", todo, name="for-mentor"),
]
