from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.middleware import SESSION_KEY


@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        wanted = int(request.POST.get("organisation", ""))
    except ValueError:
        wanted = None
    allowed = {
        organisation.pk: organisation for organisation in request.access.organisations
    }
    if wanted not in allowed:
        messages.error(request, _("You have no role in that organisation."))
    else:
        request.session[SESSION_KEY] = wanted
        messages.success(
            request,
            _("Current organisation: %(name)s.") % {"name": allowed[wanted].short_name},
        )
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "home"
    return redirect(target)
