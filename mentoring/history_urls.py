from django.urls import path

from mentoring import history_views

app_name = "history"

urlpatterns = [
    path("<str:label>/<int:pk>/", history_views.history, name="detail"),
]
