from django.urls import path

from mentoring.views import not_built as todo

app_name = "people"

urlpatterns = [
    path("mentees/", todo, name="mentee-list"),
    path("mentees/new/", todo, name="mentee-create"),
    path("mentees/bulk/", todo, name="mentee-bulk"),
    path("mentees/<int:pk>/", todo, name="mentee-detail"),
    path("mentees/<int:pk>/edit/", todo, name="mentee-update"),
    path("mentors/", todo, name="mentor-list"),
    path("mentors/new/", todo, name="mentor-create"),
    path("mentors/bulk/", todo, name="mentor-bulk"),
    path("mentors/<int:pk>/", todo, name="mentor-detail"),
    path("mentors/<int:pk>/edit/", todo, name="mentor-update"),
    path("mentors/<int:pk>/status/", todo, name="mentor-status"),
    path("mentors/<int:pk>/training/", todo, name="mentor-training"),
]
