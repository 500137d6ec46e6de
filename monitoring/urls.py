from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("programme/<int:pk>/", views.programme_monitoring, name="programme"),
    path("programme/<int:pk>/swot/", views.swot_editor, name="swot"),
    path("programme/<int:pk>/swot/print/", views.swot_print, name="swot-print"),
]
