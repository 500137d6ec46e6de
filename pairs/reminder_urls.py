from django.urls import path

from pairs import reminder_views as views

app_name = "reminders"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("pairs/<int:pk>/pause/", views.pause, name="pause"),
    path("pairs/<int:pk>/resume/", views.resume, name="resume"),
]
