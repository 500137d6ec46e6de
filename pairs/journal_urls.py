from django.urls import path

from pairs import journal_views as views

app_name = "journal"

urlpatterns = [
    path("", views.journal_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("my-pair/", views.my_pair, name="my-pair"),
    path("general/", views.general_meeting_create, name="general"),
    path("feedback/", views.feedback_summary, name="feedback-summary"),
    path("pair/<int:pk>/", views.pair_journal, name="pair"),
    path("pair/<int:pk>/new/", views.meeting_create, name="create"),
    path(
        "pair/<int:pk>/next-meeting.ics",
        views.next_meeting_ics,
        name="next-meeting-ics",
    ),
    path("pair/<int:pk>/final-feedback/", views.final_feedback, name="final-feedback"),
    path("meeting/<int:pk>/edit/", views.meeting_edit, name="update"),
    path("meeting/<int:pk>/comment/", views.meeting_comment, name="comment"),
    path("meeting/<int:pk>/feedback/", views.meeting_feedback, name="feedback"),
]
