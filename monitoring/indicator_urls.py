from django.urls import path

from monitoring import indicator_views

app_name = "indicators"

urlpatterns = [
    path("", indicator_views.indicator_list, name="list"),
    path(
        "programme/<int:pk>/values/",
        indicator_views.indicator_values,
        name="values",
    ),
    path(
        "programme/<int:pk>/from-template/",
        indicator_views.indicator_from_template,
        name="from-template",
    ),
    path(
        "programme/<int:pk>/add/",
        indicator_views.indicator_create_view,
        name="create",
    ),
    path("<int:pk>/update/", indicator_views.indicator_update_view, name="update"),
    path("<int:pk>/delete/", indicator_views.indicator_delete_view, name="delete"),
]
