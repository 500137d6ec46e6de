from django.urls import path

from municipal import practice_views as views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("mine/", views.practice_mine, name="mine"),
    path("new/", views.practice_create_view, name="create"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/print/", views.practice_print, name="print"),
    path("<int:pk>/edit/", views.practice_update_view, name="update"),
    path("<int:pk>/publish/", views.practice_publish_view, name="publish"),
    path("<int:pk>/withdraw/", views.practice_withdraw_view, name="withdraw"),
    path("<int:pk>/feature/", views.practice_feature_view, name="feature"),
]
