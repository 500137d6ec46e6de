from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from mentoring import views
from people import views as people_views

admin.site.site_header = _("Mentoring school: administration")
admin.site.site_title = _("Mentoring school")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("my-pairs/", views.my_pairs, name="my-pairs"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "organisation/switch/",
        people_views.switch_organisation,
        name="switch-organisation",
    ),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("export/<slug:identifier>.<slug:fmt>", views.export, name="export"),
    path("jobs/", include("people.job_urls")),
    path("people/", include("people.urls")),
    path("groups/", include("people.group_urls")),
    path("import/", include("people.import_urls")),
    path("pairs/", include("pairs.urls")),
    path("matching/", include("pairs.matching_urls")),
    path("journal/", include("pairs.journal_urls")),
    path("plans/", include("pairs.plan_urls")),
    path("reminders/", include("pairs.reminder_urls")),
    path("roadmap/", include("mentoring.roadmap_urls")),
    path("rewards/", include("pairs.reward_urls")),
    path("documents/", include("pairs.document_urls")),
    path("monitoring/", include("monitoring.urls")),
    path("questionnaires/", include("monitoring.questionnaire_urls")),
    path("measurements/", include("monitoring.measurement_urls")),
    path("indicators/", include("monitoring.indicator_urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("consents/", include("people.consent_urls")),
    path("history/", include("mentoring.history_urls")),
    path("municipality/", include("municipal.urls")),
    path("municipal-indicators/", include("municipal.indicator_urls")),
    path("checklist/", include("municipal.checklist_urls")),
    path("bank/", include("municipal.bank_urls")),
    path("practices/", include("municipal.practice_urls")),
    path("rollover/", include("rollover.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "mentoring.views.server_error"
