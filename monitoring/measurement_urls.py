from django.urls import path

from monitoring import measurement_views as views

app_name = "measurements"

urlpatterns = [
    path("", views.grid, name="grid"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("dynamics/", views.dynamics, name="dynamics"),
    path("pair/<int:pk>/", views.pair_values, name="pair"),
]
