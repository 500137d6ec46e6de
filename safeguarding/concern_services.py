"""Writes of concerns about a pair: raise (pauses the pair's reminders, alerts the
programme's curators by e-mail) and resolve (with the curator's comment; the pause
the concern made ends with the last open concern of the pair)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pairs.models import Pair
from pairs.reminders import MAX_PAUSE_DAYS, pair_pause, pair_resume
from people.models import Role, User
from safeguarding.models import Concern


def pause_reason() -> str:
    """The reason a concern's pause carries, in the site's language (it is stored,
    and compared when the concern is resolved). Neutral on purpose: the pair's
    mentor sees the pause, and the concern may be about them."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Paused by the curator")


def curators_of(pair: Pair) -> list[User]:
    """The programme's curators; the organisation's curators when the programme
    names none."""
    users = list(pair.programme.curators.filter(is_active=True))
    if not users:
        users = list(
            User.objects.filter(
                is_active=True,
                memberships__organisation_id=pair.programme.organisation_id,
                memberships__role=Role.CURATOR,
            ).distinct()
        )
    return users


def site_link(url: str) -> str:
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{site}{url}" if site else url


def alert_curators(concern: Concern) -> int:
    """One e-mail to each curator with an address. The text of the concern stays
    on the portal: the mail says only which pair and who raised it."""
    recipients = sorted(
        {user.email for user in curators_of(concern.pair) if user.email}
    )
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Mentoring school: a concern about a pair")
        body = render_to_string(
            "safeguarding/email/concern_raised.txt",
            {
                "concern": concern,
                "link": site_link(
                    reverse("safeguarding:concern-detail", args=[concern.pk])
                ),
            },
        )
    send_mail(
        subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True
    )
    return len(recipients)


@transaction.atomic
def concern_raise(
    *,
    pair: Pair,
    reporter: str,
    text: str,
    by: User,
    representative_name: str = "",
) -> Concern:
    """Record a concern about `pair` raised by its mentor, a mentee or a legal
    representative (`reporter`). An open pair's reminders pause until the concern
    is resolved (for at most the longest pause, `MAX_PAUSE_DAYS`; a longer pause
    already set stays); the curators get an e-mail once the concern is saved."""
    text = (text or "").strip()
    representative_name = (representative_name or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Describe what is wrong.")
    if reporter not in Concern.Reporter.values:
        errors["reporter"] = _("Say who raises the concern.")
    elif reporter == Concern.Reporter.REPRESENTATIVE and not representative_name:
        errors["representative_name"] = _("Name the legal representative.")
    if errors:
        raise ValidationError(errors)
    if reporter != Concern.Reporter.REPRESENTATIVE:
        representative_name = ""
    concern = Concern(
        pair=pair,
        reporter=reporter,
        representative_name=representative_name,
        text=text,
        raised_by=by,
    )
    today = timezone.localdate()
    until = today + timedelta(days=MAX_PAUSE_DAYS)
    locked = Pair.objects.select_for_update().get(pk=pair.pk)
    ours = locked.is_paused(today) and locked.pause_reason == pause_reason()
    paused_longer = bool(locked.paused_until and locked.paused_until >= until)
    if locked.is_open and not ours and not paused_longer:
        pair_pause(pair=locked, until=until, reason=pause_reason(), by=by, today=today)
        ours = True
    concern.paused_reminders = ours
    pair.paused_until, pair.pause_reason = locked.paused_until, locked.pause_reason
    concern.full_clean()
    concern.save()
    transaction.on_commit(lambda: alert_curators(concern))
    return concern


@transaction.atomic
def concern_resolve(*, concern: Concern, resolution: str, by: User) -> Concern:
    """Close a concern with the curator's comment. With the pair's last open
    concern the pause its concerns made ends (a pause set for another reason, a
    holiday, is left alone)."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not concern.is_open:
        raise ValidationError(_("This concern is already resolved."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Say how the concern was resolved.")})
    concern.status = Concern.Status.RESOLVED
    concern.resolution = resolution
    concern.resolved_by = by
    concern.resolved_at = timezone.now()
    concern.full_clean()
    concern.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    others = Concern.objects.open().filter(pair=concern.pair_id)
    pair = Pair.objects.select_for_update().get(pk=concern.pair_id)
    if (
        not others.exists()
        and pair.paused_until is not None
        and pair.pause_reason == pause_reason()
    ):
        pair_resume(pair=pair, by=by)
    return concern


def reporter_for(role: str) -> str | None:
    """The reporter a mentor or a mentee is; None for staff, who choose."""
    return {
        "mentor": Concern.Reporter.MENTOR,
        "mentee": Concern.Reporter.MENTEE,
    }.get(role)
