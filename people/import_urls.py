from django.urls import path

from mentoring.views import not_built as todo

app_name = "imports"

# <kind> is "mentees" or "mentors".
urlpatterns = [
    path("<slug:kind>/", todo, name="upload"),
    path("<slug:kind>/template.xlsx", todo, name="template"),
]
