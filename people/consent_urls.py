from django.urls import path

from people import consent_views as views

app_name = "consents"

urlpatterns = [
    path("", views.register, name="list"),
    path("participant/<int:pk>/", views.participant_consents, name="participant"),
    path("participant/<int:pk>/add/", views.consent_create, name="create"),
    path("<int:pk>/revoke/", views.consent_revoke, name="revoke"),
    path("<int:pk>/document/", views.consent_document, name="document"),
]
