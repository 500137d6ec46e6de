from django.urls import path

from pairs import document_views as views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
]
