"""Exporters of the rewards register: the register itself (XLSX, as filtered on its
page), and a reward's letter of thanks or certificate (PDF and an editable .docx,
`?reward=<pk>`).
See mentoring/lib/export.py for the pattern.

Publication consent (152-ФЗ): the register is the public «доска почёта» (it goes
to the school's site and notice board), so it lists only people with a valid
consent to publication; the others are left out. A letter or a certificate is
handed to the person (or their parents, their employer) and is not a
publication: it is printed whatever the publication consent."""

from django.http import Http404
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.exports import document_date
from mentoring.lib.export import (
    DOCX,
    PDF,
    XLSX,
    Exporter,
    ExportRefused,
    register,
    render_pdf_documents,
)
from mentoring.lib.grammar import decline_names, decline_phrase, honorific, people_in
from pairs.models import Reward
from pairs.reward_forms import RewardFilterForm
from pairs.reward_services import default_text
from people.consent_services import publishable
from people.exports import CuratorExporter
from people.models import Participant

LONG_TEXT, LONG_PARAGRAPHS = 900, 7
# A certificate is set smaller past these lengths of the basis and the name.
LONG_BASIS, LONG_NAME = 150, 34


@register
class RewardsExporter(CuratorExporter):
    identifier = "rewards"
    verbose_name = _("Rewards")
    formats = (XLSX,)

    def queryset(self):
        if self._queryset is not None:
            queryset = self._queryset
        else:
            queryset = RewardFilterForm(
                self.params, organisation=self.organisation
            ).filter(Reward.objects.for_organisation(self.organisation))
        queryset = queryset.filter(person__in=publishable(Participant.objects.all()))
        return queryset.select_related(
            "person__study_group", "pair__mentor__participant", "pair__role_variant"
        ).order_by("-awarded_on", "-pk")

    def rows(self):
        yield [
            gettext("Date"),
            gettext("Document No."),
            gettext("Who is rewarded"),
            gettext("Class or group"),
            gettext("Reward"),
            gettext("For what"),
            gettext("Pair or group"),
            gettext("Addressee"),
            gettext("Signed by"),
        ]
        for reward in self.queryset():
            person = reward.person
            yield [
                reward.awarded_on,
                reward.number,
                person.full_name,
                str(person.study_group) if person.study_group_id else "",
                reward.get_kind_display(),
                reward.basis,
                str(reward.pair) if reward.pair_id else "",
                reward.addressee,
                reward.signed_by,
            ]


def addressee(reward: Reward) -> str:
    """Whom the letter is to, as the line under «Родителям» / «Руководителю»
    reads: people in the dative («Ефимовой Ларисе Валерьевне»), an organisation
    in the genitive («Руководителю Змеиногорского завода»), anything else as
    typed."""
    text = (reward.addressee or "").strip()
    if not text or reward.kind == Reward.Kind.NOMINATION:
        return text
    if people_in(text):
        return decline_names(text, "datv")
    if reward.kind == Reward.Kind.LETTER_EMPLOYER:
        return decline_phrase(text, "gent")
    return text


def greeting(reward: Reward) -> str:
    """«Уважаемая Лариса Валерьевна!» above a letter to a person."""
    if reward.kind == Reward.Kind.NOMINATION:
        return ""
    return honorific((reward.addressee or "").strip())


class RewardDocumentExporter(Exporter):
    """A document of one reward (`?reward=<pk>`): for the head, deputy and curator
    of the reward's organisation.

    The reward's kind decides the document (`Reward.document`): a letter of thanks
    prints as a letter and a «Лучший наставник» as a грамота, whichever of the two
    addresses was asked (an old link, a hand-typed one); a bonus prints nothing."""

    formats = (PDF, DOCX)
    document = ""  # the value of Reward.document this exporter prints

    def reward(self) -> Reward | None:
        if not hasattr(self, "_reward"):
            access = self.request.access
            pk = str(self.params.get("reward", ""))
            self._reward = (
                Reward.objects.for_organisation(access.organisation)
                .select_related("organisation", "person__study_group")
                .filter(pk=pk)
                .first()
                if pk.isdigit() and access.organisation is not None
                else None
            )
        return self._reward

    def allowed(self) -> bool:
        if not self.request.access.is_manager:
            return False
        reward = self.reward()
        if reward is None or reward.document is None:
            raise Http404  # another organisation's reward does not exist here
        return True

    def response(self, fmt: str):
        if self.reward().document != self.document:
            exporter = DOCUMENTS[self.reward().document](self.request)
            exporter._reward = self.reward()
            return exporter.response(fmt)
        return super().response(fmt)

    def context(self) -> dict:
        reward = self.reward()
        text = reward.text or default_text(
            kind=reward.kind,
            person=reward.person,
            basis=reward.basis,
            organisation=reward.organisation,
        )
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        return {
            "reward": reward,
            "organisation": reward.organisation,
            "addressee": addressee(reward),
            "greeting": greeting(reward),
            "paragraphs": paragraphs,
            # A long letter is set smaller so that it stays on one page.
            "long_text": len(text) > LONG_TEXT or len(paragraphs) > LONG_PARAGRAPHS,
        }

    def filename(self) -> str:
        reward = self.reward()
        name = (
            gettext("Nomination for an award")
            if reward.kind == Reward.Kind.NOMINATION
            else self.verbose_name
        )
        return f"{name} {reward.person.full_name}"

    def common(self) -> dict:
        reward = self.reward()
        organisation = reward.organisation
        return {
            "organisation_name": organisation.name or organisation.short_name,
            "date": document_date(reward.awarded_on),
            "number": reward.number,
            "signed_by": reward.signed_by or organisation.head_title,
        }


@register
class RewardLetterExporter(RewardDocumentExporter):
    identifier = "reward-letter"
    verbose_name = _("Letter of thanks")
    document = "letter"
    template_name = "pairs/print_letter.html"
    docx_template = "reward_letter.docx"

    def docx_context(self) -> dict:
        context = self.context()
        reward = context["reward"]
        prefixes = {
            Reward.Kind.LETTER_PARENTS: gettext(
                "To the parents (legal representatives)"
            ),
            Reward.Kind.LETTER_EMPLOYER: gettext("To the head of"),
            Reward.Kind.NOMINATION: gettext("To the award commission"),
        }
        return {
            **self.common(),
            "heading": (
                gettext("Nomination for an award")
                if reward.kind == Reward.Kind.NOMINATION
                else gettext("Letter of thanks")
            ).upper(),
            "addressee_prefix": prefixes.get(reward.kind, "")
            if reward.addressee or reward.kind == Reward.Kind.NOMINATION
            else "",
            "addressee": context["addressee"],
            "greeting": context["greeting"],
            "paragraphs": context["paragraphs"],
        }


@register
class RewardCertificateExporter(RewardDocumentExporter):
    identifier = "reward-certificate"
    verbose_name = pgettext_lazy("reward", "Certificate")
    document = "certificate"
    template_name = "pairs/print_certificate.html"
    docx_template = "reward_certificate.docx"
    landscape = True

    def context(self) -> dict:
        reward = self.reward()
        return {
            **super().context(),
            "long_text": len(reward.basis) > LONG_BASIS
            or len(reward.person.full_name) > LONG_NAME,
        }

    def docx_context(self) -> dict:
        reward = self.reward()
        person = reward.person
        if reward.kind == Reward.Kind.CERTIFICATE:
            nomination = gettext("«Best mentor»")
        elif reward.document == "certificate":
            nomination = gettext("in the nomination «%(kind)s»") % {
                "kind": reward.get_kind_display()
            }
        else:
            nomination = ""
        if person.study_group_id:
            place = gettext("class (group) %(group)s") % {"group": person.study_group}
        else:
            place = ", ".join(filter(None, (person.position, person.workplace)))
        return {
            **self.common(),
            "heading": pgettext("reward", "Certificate").upper(),
            "nomination": nomination,
            "awarded": gettext("is awarded to"),
            "person": person.full_name,
            "place": place,
            "basis": reward.basis,
        }


DOCUMENTS = {
    RewardLetterExporter.document: RewardLetterExporter,
    RewardCertificateExporter.document: RewardCertificateExporter,
}


@register
class RewardCertificatesExporter(CuratorExporter):
    """Every certificate («грамота») of the register as filtered on its page
    (`?year=2026`, a kind, a name) in one PDF, a page each, for printing them all at
    once: prepared in the background."""

    identifier = "reward-certificates"
    verbose_name = _("Certificates of the rewards")
    formats = (PDF,)
    background = True

    def queryset(self):
        rewards = RewardFilterForm(self.params, organisation=self.organisation).filter(
            Reward.objects.for_organisation(self.organisation)
        )
        return (
            rewards.filter(kind__in=Reward.CERTIFICATE_KINDS)
            .select_related("organisation", "person__study_group")
            .order_by("awarded_on", "person__search_text", "pk")
        )

    def filename(self) -> str:
        year = self.params.get("year", "")
        return f"{self.verbose_name} {year}".strip()

    def render(self, fmt: str) -> bytes:
        rewards = list(self.queryset())
        if not rewards:
            raise ExportRefused(gettext("There is no certificate with these filters."))
        documents = []
        for reward in rewards:
            one = RewardCertificateExporter(self.request)
            one._reward = reward
            documents.append(
                (
                    one.template_name,
                    {"title": one.verbose_name, "landscape": True, **one.context()},
                )
            )
        return render_pdf_documents(
            documents,
            request=self.request,
            progress=self.report_progress if self.progress else None,
            total=len(documents),
        )
