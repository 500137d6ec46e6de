"""The access log as XLSX, for the head only; the export itself is logged."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import Exporter, register
from people.audit import log_access
from people.models import AccessLog
from safeguarding.access import is_head
from safeguarding.views import log_queryset


@register
class AccessLogExporter(Exporter):
    identifier = "safeguarding-access-log"
    verbose_name = _("Access log of confidential records")

    def allowed(self) -> bool:
        return is_head(self.request)

    def rows(self):
        _filters, rows = log_queryset(self.request, self.params)
        yield [
            gettext("Time"),
            gettext("User"),
            gettext("Action"),
            gettext("Description"),
            gettext("Pupil"),
            gettext("IP address"),
            gettext("Browser"),
            gettext("Address of the page"),
        ]
        for row in rows:
            yield [
                row.at,
                row.user_name,
                row.get_action_display(),
                row.description,
                row.participant_name,
                row.ip_address or "",
                row.user_agent,
                row.path,
            ]

    def response(self, fmt):
        response = super().response(fmt)
        log_access(
            self.request,
            AccessLog.Action.EXPORT,
            description=gettext("Export of the access log"),
        )
        return response
