from django.urls import path

from mentoring.views import not_built as todo

app_name = "pairs"

urlpatterns = [
    path("", todo, name="list"),
    path("new/", todo, name="create"),
    path("approve/", todo, name="approve"),
    path("<int:pk>/", todo, name="detail"),
    path("<int:pk>/close/", todo, name="close"),
    path("<int:pk>/terminate/", todo, name="terminate"),
    path("<int:pk>/replace-mentor/", todo, name="replace-mentor"),
]
