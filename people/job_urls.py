from django.urls import path

from people import job_views

app_name = "jobs"

urlpatterns = [
    path("", job_views.job_list, name="list"),
    path(
        "export/<slug:identifier>.<slug:fmt>",
        job_views.start_export,
        name="start-export",
    ),
    path("<int:pk>/", job_views.job_detail, name="detail"),
    path("<int:pk>/status/", job_views.job_status, name="status"),
    path("<int:pk>/file/", job_views.job_download, name="download"),
    path("<int:pk>/retry/", job_views.job_retry, name="retry"),
]
