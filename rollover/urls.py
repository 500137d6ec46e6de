from django.urls import path

from rollover import views

app_name = "rollover"

urlpatterns = [
    path("", views.rollover_index, name="index"),
    path("preview/", views.rollover_preview, name="preview"),
    path("run/", views.rollover_run_view, name="run"),
    path("<int:pk>/", views.rollover_detail, name="detail"),
    path("<int:pk>/undo/", views.rollover_undo_view, name="undo"),
]
