from django.urls import path

from municipal import bank_views as views

app_name = "bank"

urlpatterns = [
    path("", views.bank_list, name="list"),
    path("mentors/<int:pk>/", views.mentor_detail, name="detail"),
    path("mentors/<int:pk>/request/", views.request_create, name="request"),
    path("requests/outgoing/", views.outgoing, name="outgoing"),
    path("requests/incoming/", views.incoming, name="incoming"),
    path("requests/<int:pk>/approve/", views.approve, name="approve"),
    path("requests/<int:pk>/decline/", views.decline, name="decline"),
    path("requests/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("our-mentors/", views.our_mentors, name="our-mentors"),
]
