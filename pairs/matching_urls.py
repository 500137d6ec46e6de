from django.urls import path

from pairs import cohort_views
from pairs import matching_views as views

app_name = "matching"

urlpatterns = [
    path("requests/", views.request_map, name="request-map"),
    path("mentee/<int:pk>/", views.for_mentee, name="for-mentee"),
    path("mentor/<int:pk>/", views.for_mentor, name="for-mentor"),
    path("cohort/", cohort_views.cohort, name="cohort"),
    path("cohort/confirm/", cohort_views.cohort_confirm, name="cohort-confirm"),
]
