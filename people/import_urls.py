from django.urls import path

from people import import_views

app_name = "imports"

# <kind> is "mentees" or "mentors"; anything else is 404.
urlpatterns = [
    path("<slug:kind>/", import_views.upload, name="upload"),
    path("<slug:kind>/template.xlsx", import_views.template, name="template"),
]
