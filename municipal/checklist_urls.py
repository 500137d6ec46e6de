"""The implementation checklist (seed 001), at /checklist/."""

from django.urls import path

from municipal import checklist_views as views

app_name = "checklist"

urlpatterns = [
    path("", views.checklist_index, name="index"),
    # the organisation's own checklist (head, deputy, curator)
    path("organisation/", views.checklist_mine, name="mine"),
    path("organisation/<slug:item>/", views.checklist_submit_view, name="submit"),
    # the coordinator's
    path("municipality/", views.checklist_matrix, name="matrix"),
    path("municipality/deadlines/", views.checklist_deadlines, name="deadlines"),
    path("entries/<int:pk>/", views.checklist_review_view, name="review"),
    path("entries/<int:pk>/file/", views.checklist_evidence, name="evidence"),
]
