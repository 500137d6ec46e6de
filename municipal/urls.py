"""The coordinator's dashboard and each organisation's summary, at /municipality/."""

from django.urls import path

from municipal import views

app_name = "municipal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
]
