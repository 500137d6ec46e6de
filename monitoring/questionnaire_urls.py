from django.urls import path

from monitoring import questionnaire_views as views

app_name = "questionnaires"

urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("new/", views.questionnaire_create, name="create"),
    path("<int:pk>/", views.questionnaire_detail, name="detail"),
    path("<int:pk>/copy/", views.questionnaire_copy, name="copy"),
    path("<int:pk>/update/", views.questionnaire_update, name="update"),
    path("<int:pk>/delete/", views.questionnaire_delete, name="delete"),
    path("<int:pk>/toggle/", views.questionnaire_toggle, name="toggle"),
    path("<int:pk>/questions/add/", views.question_edit, name="question-create"),
    path(
        "<int:pk>/questions/<int:question_pk>/update/",
        views.question_edit,
        name="question-update",
    ),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path(
        "<int:pk>/questions/<int:question_pk>/move/",
        views.question_move,
        name="question-move",
    ),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/print/", views.campaign_print, name="campaign-print"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("campaigns/<int:pk>/extend/", views.campaign_extend, name="campaign-extend"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign-delete"),
    path("mine/", views.my_questionnaires, name="mine"),
    path("answer/<int:pk>/", views.answer, name="answer"),
    path("a/<str:token>/", views.answer_link, name="answer-link"),
]
