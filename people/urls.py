from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("mentees/", views.mentee_list, name="mentee-list"),
    path("mentees/new/", views.mentee_create, name="mentee-create"),
    path("mentees/bulk/", views.mentee_bulk, name="mentee-bulk"),
    path("mentees/propose/", views.mentee_propose, name="mentee-propose"),
    path("mentees/<int:pk>/", views.mentee_detail, name="mentee-detail"),
    path("mentees/<int:pk>/edit/", views.mentee_update, name="mentee-update"),
    path("mentors/", views.mentor_list, name="mentor-list"),
    path("mentors/new/", views.mentor_create, name="mentor-create"),
    path("mentors/bulk/", views.mentor_bulk, name="mentor-bulk"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor-detail"),
    path("mentors/<int:pk>/edit/", views.mentor_update, name="mentor-update"),
    path("mentors/<int:pk>/status/", views.mentor_status, name="mentor-status"),
    path("mentors/<int:pk>/training/", views.mentor_training, name="mentor-training"),
    path(
        "mentors/<int:pk>/certificate/",
        views.mentor_certificate,
        name="mentor-certificate",
    ),
    path(
        "certificates/<int:pk>/scan/",
        views.mentor_certificate_scan,
        name="mentor-certificate-scan",
    ),
]
