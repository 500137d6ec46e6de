"""Screening of mentors from outside the school: the certificate of no criminal
record on the mentor's page, its scan for the managers only, and the rule that a
pair with a minor cannot start without one in force on its start date."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MentoringForm, Organisation, RoleVariant
from pairs import services
from pairs.management.commands import _demo_texts as texts
from pairs.models import Pair
from pairs.substitutes import pair_substitute_name
from people import screening
from people.models import Consent, MentorCertificate, Participant, Role
from safeguarding.demo import outside_mentors, uncertified_demo_mentor
from tests import factories as f
from tests.conftest import member

TODAY = timezone.localdate()


def external_mentor(organisation, kind=Participant.Kind.EXTERNAL, **kwargs):
    return f.MentorFactory(
        participant__organisation=organisation,
        participant__kind=kind,
        participant__birth_date=TODAY.replace(year=TODAY.year - 40),
        **kwargs,
    )


def pupil_mentee(organisation, **participant):
    mentee = f.MenteeFactory(participant__organisation=organisation, **participant)
    Consent.objects.create(
        participant=mentee.participant,
        scope=Consent.Scope.PROCESSING,
        given_by="Иванова Мария Петровна",
        relation=Consent.Relation.MOTHER,
        given_on=TODAY - timedelta(days=60),
    )
    return mentee


def certificate(mentor, issued_on, valid_until=None, **kwargs):
    return MentorCertificate.objects.create(
        mentor=mentor,
        number=kwargs.pop("number", "22/000123-С"),
        issued_on=issued_on,
        valid_until=valid_until,
        **kwargs,
    )


def create_pair(programme, curator, mentor, mentees, start_on=TODAY):
    return services.pair_create(
        programme=programme,
        form=MentoringForm.objects.get(code="employer-pupil"),
        role_variant=RoleVariant.objects.get(code="ep-professional"),
        mentor=mentor,
        mentees=mentees,
        start_on=start_on,
        planned_end_on=start_on + timedelta(days=200),
        by=curator,
    )


@pytest.fixture
def employer_programme(programme):
    programme.forms.add(MentoringForm.objects.get(code="employer-pupil"))
    return programme


# --- Who needs a certificate -----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "needed"),
    [
        (Participant.Kind.EXTERNAL, True),
        (Participant.Kind.PARENT, True),
        (Participant.Kind.STUDENT, True),
        (Participant.Kind.TEACHER, False),
        (Participant.Kind.STAFF, False),
        (Participant.Kind.PUPIL, False),
    ],
)
def test_who_needs_a_certificate_in_a_school(organisation, kind, needed):
    mentor = external_mentor(organisation, kind=kind)
    assert screening.needs_certificate(mentor) is needed


def test_a_colleges_own_student_needs_none(db):
    college = f.OrganisationFactory(kind=Organisation.Kind.COLLEGE)
    assert not screening.needs_certificate(
        external_mentor(college, kind=Participant.Kind.STUDENT)
    )
    assert screening.needs_certificate(external_mentor(college))


# --- The pair rule ----------------------------------------------------------------


def test_an_external_mentor_without_a_certificate_cannot_start_with_a_pupil(
    employer_programme, curator, organisation
):
    mentor = external_mentor(organisation)
    mentee = pupil_mentee(organisation)
    with pytest.raises(ValidationError) as caught:
        create_pair(employer_programme, curator, mentor, [mentee])
    errors = caught.value.error_dict["mentor"]
    assert [error.code for error in errors] == ["no_certificate"]
    text = caught.value.message_dict["mentor"][0]
    assert "справки об отсутствии судимости" in text
    assert mentee.participant.short_name in text
    assert not Pair.objects.exists()


def test_the_certificate_must_be_in_force_on_the_start_date(
    employer_programme, curator, organisation
):
    mentor = external_mentor(organisation)
    certificate(mentor, TODAY - timedelta(days=400), TODAY - timedelta(days=10))
    with pytest.raises(ValidationError):
        create_pair(employer_programme, curator, mentor, [pupil_mentee(organisation)])
    # Issued after the start: not in force on the start date either.
    later = external_mentor(organisation)
    certificate(later, TODAY - timedelta(days=5))
    with pytest.raises(ValidationError):
        create_pair(
            employer_programme,
            curator,
            later,
            [pupil_mentee(organisation)],
            start_on=TODAY - timedelta(days=20),
        )
    # In force on the start date: the pair is formed.
    certificate(mentor, TODAY - timedelta(days=30), TODAY + timedelta(days=700))
    pair = create_pair(
        employer_programme, curator, mentor, [pupil_mentee(organisation)]
    )
    assert pair.status == Pair.Status.FORMED


def test_a_certificate_without_an_end_date_stays_in_force(
    employer_programme, curator, organisation
):
    mentor = external_mentor(organisation)
    certificate(mentor, TODAY - timedelta(days=2000))
    assert create_pair(
        employer_programme, curator, mentor, [pupil_mentee(organisation)]
    )


def test_no_certificate_is_asked_for_an_adult_mentee_or_a_teacher(
    employer_programme, curator, organisation
):
    adult = pupil_mentee(
        organisation,
        participant__kind=Participant.Kind.STUDENT,
        participant__birth_date=TODAY.replace(year=TODAY.year - 19),
    )
    assert create_pair(
        employer_programme, curator, external_mentor(organisation), [adult]
    )
    teacher = f.MentorFactory(participant__organisation=organisation)
    assert create_pair(
        employer_programme, curator, teacher, [pupil_mentee(organisation)]
    )


def test_a_mentee_who_turns_18_before_the_start_is_no_minor(
    employer_programme, curator, organisation
):
    start = TODAY + timedelta(days=10)
    born = (start - timedelta(days=5)).replace(year=start.year - 18)
    mentee = pupil_mentee(organisation, participant__birth_date=born)
    assert mentee.participant.is_minor  # today
    assert create_pair(
        employer_programme,
        curator,
        external_mentor(organisation),
        [mentee],
        start_on=start,
    )


def test_a_substitute_from_outside_needs_the_certificate_too(
    employer_programme, curator, organisation
):
    pair = create_pair(
        employer_programme,
        curator,
        f.MentorFactory(participant__organisation=organisation),
        [pupil_mentee(organisation)],
        start_on=TODAY - timedelta(days=30),
    )
    substitute = external_mentor(organisation)
    with pytest.raises(ValidationError) as caught:
        services.pair_replace_mentor(
            pair=pair, new_mentor=substitute, on=TODAY, reason="Болезнь", by=curator
        )
    assert caught.value.error_dict["new_mentor"][0].code == "no_certificate"
    certificate(substitute, TODAY - timedelta(days=3))
    services.pair_replace_mentor(
        pair=pair, new_mentor=substitute, on=TODAY, reason="Болезнь", by=curator
    )
    pair.refresh_from_db()
    assert pair.mentor == substitute


def test_a_substitute_for_a_period_from_outside_needs_the_certificate(
    employer_programme, curator, organisation
):
    """pairs.substitutes: the substitute works with the pair's minors from the
    first day of the period."""
    pair = create_pair(
        employer_programme,
        curator,
        f.MentorFactory(participant__organisation=organisation),
        [pupil_mentee(organisation)],
        start_on=TODAY - timedelta(days=30),
    )
    substitute = external_mentor(organisation)
    period = {
        "pair": pair,
        "mentor": substitute,
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=14),
        "reason": "Отпуск наставника",
        "by": curator,
    }
    with pytest.raises(ValidationError) as caught:
        pair_substitute_name(**period)
    assert caught.value.error_dict["mentor"][0].code == "no_certificate"
    certificate(substitute, TODAY - timedelta(days=3))
    assert pair_substitute_name(**period).mentor == substitute


def test_the_pair_form_shows_the_refusal(client, employer_programme, curator):
    organisation = employer_programme.organisation
    mentor = external_mentor(organisation)
    mentee = pupil_mentee(organisation)
    client.force_login(curator)
    response = client.post(
        reverse("pairs:create"),
        {
            "programme": employer_programme.pk,
            "form": MentoringForm.objects.get(code="employer-pupil").pk,
            "role_variant": RoleVariant.objects.get(code="ep-professional").pk,
            "mentor": mentor.pk,
            "mentees": [mentee.pk],
            "title": "",
            "start_on": TODAY.isoformat(),
            "planned_end_on": (TODAY + timedelta(days=180)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "справки об отсутствии судимости" in " ".join(
        response.context["form"].errors["mentor"]
    )
    assert not Pair.objects.exists()


# --- The mentor's page --------------------------------------------------------------


def scan_file(name="spravka.pdf", content=b"%PDF-1.4 scan"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_curator_records_a_certificate_with_its_scan(
    client, curator, organisation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    mentor = external_mentor(organisation)
    client.force_login(curator)
    page = client.get(reverse("people:mentor-detail", args=[mentor.pk]))
    assert (
        "без неё пара с несовершеннолетним не может начаться" in page.content.decode()
    )
    response = client.post(
        reverse("people:mentor-certificate", args=[mentor.pk]),
        {
            "number": " 22/000123-С ",
            "issued_on": (TODAY - timedelta(days=10)).isoformat(),
            "valid_until": (TODAY + timedelta(days=365)).isoformat(),
            "scan": scan_file(),
        },
    )
    assert response.status_code == 302
    saved = mentor.certificates.get()
    assert saved.number == "22/000123-С"
    assert saved.recorded_by == curator
    assert saved.scan
    page = client.get(reverse("people:mentor-detail", args=[mentor.pk])).content
    assert "действует" in page.decode()
    download = client.get(reverse("people:mentor-certificate-scan", args=[saved.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 scan"


def test_a_wrong_certificate_is_refused_next_to_its_fields(
    client, curator, organisation
):
    mentor = external_mentor(organisation)
    client.force_login(curator)
    response = client.post(
        reverse("people:mentor-certificate", args=[mentor.pk]),
        {
            "number": "1",
            "issued_on": (TODAY + timedelta(days=1)).isoformat(),
            "scan": scan_file("spravka.exe"),
        },
    )
    assert response.status_code == 200
    errors = response.context["certificate_form"].errors
    assert "issued_on" in errors
    assert not MentorCertificate.objects.exists()
    response = client.post(
        reverse("people:mentor-certificate", args=[mentor.pk]),
        {
            "number": "1",
            "issued_on": TODAY.isoformat(),
            "valid_until": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert "valid_until" in response.context["certificate_form"].errors
    response = client.post(
        reverse("people:mentor-certificate", args=[mentor.pk]),
        {"number": "1", "issued_on": TODAY.isoformat(), "scan": scan_file("a.exe")},
    )
    assert "scan" in response.context["certificate_form"].errors
    assert not MentorCertificate.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("head", 200),
        ("deputy", 200),
        ("curator", 200),
        ("social_pedagogue", 403),
        ("mentor_himself", 403),
        ("outsider", 404),
    ],
)
def test_only_the_managers_download_the_scan(
    client, organisation, other_organisation, settings, tmp_path, persona, status
):
    settings.MEDIA_ROOT = tmp_path
    mentor = external_mentor(organisation)
    saved = certificate(mentor, TODAY, scan=scan_file())
    if persona == "outsider":
        user = member(other_organisation, Role.CURATOR, "outsider")
    elif persona == "mentor_himself":
        user = f.UserFactory(username="himself")
        mentor.participant.user = user
        mentor.participant.save()
        f.MembershipFactory(user=user, organisation=organisation, role=Role.MENTOR)
    else:
        user = member(organisation, persona, persona)
    client.force_login(user)
    response = client.get(reverse("people:mentor-certificate-scan", args=[saved.pk]))
    assert response.status_code == status


def test_recording_a_certificate_is_for_the_managers(client, organisation):
    mentor = external_mentor(organisation)
    client.force_login(member(organisation, Role.SOCIAL_PEDAGOGUE, "socped"))
    response = client.post(
        reverse("people:mentor-certificate", args=[mentor.pk]),
        {"number": "1", "issued_on": TODAY.isoformat()},
    )
    assert response.status_code == 403
    assert not MentorCertificate.objects.exists()


def test_the_page_of_a_teacher_asks_for_no_certificate(client, curator, organisation):
    teacher = f.MentorFactory(participant__organisation=organisation)
    client.force_login(curator)
    page = client.get(reverse("people:mentor-detail", args=[teacher.pk]))
    assert not page.context["needs_certificate"]


# --- The demo data -----------------------------------------------------------------


def test_the_demo_has_an_uncertified_and_a_certified_external_mentor(db):
    call_command("seed_demo", "--quiet")
    blocked = uncertified_demo_mentor(texts.MUNICIPALITY)
    assert blocked is not None
    assert screening.needs_certificate(blocked)
    assert not blocked.certificates.exists()
    certified = [
        mentor
        for mentor in outside_mentors(texts.MUNICIPALITY)
        if screening.valid_certificate(mentor, TODAY)
    ]
    assert len(certified) == len(outside_mentors(texts.MUNICIPALITY)) - 1
    employer = next(
        mentor
        for mentor in certified
        if mentor.participant.user and mentor.participant.user.username == "employer1"
    )
    assert Pair.objects.open().filter(mentor=employer).exists()

    # The uncertified one is refused a pair with a pupil of their school.
    organisation = blocked.participant.organisation
    programme = organisation.programmes.order_by("pk").first()
    pupil = (
        programme.mentees.filter(participant__kind=Participant.Kind.PUPIL)
        .order_by("pk")
        .first()
    )
    with pytest.raises(ValidationError) as caught:
        services.pair_create(
            programme=programme,
            form=MentoringForm.objects.get(code="teacher-pupil"),
            role_variant=RoleVariant.objects.get(code="tp-professional"),
            mentor=blocked,
            mentees=[pupil],
            start_on=TODAY,
            planned_end_on=TODAY + timedelta(days=200),
            by=None,
        )
    codes = {error.code for error in caught.value.error_dict["mentor"]}
    assert "no_certificate" in codes
    # A second run adds nothing.
    count = MentorCertificate.objects.count()
    call_command("seed_demo", "--quiet")
    assert MentorCertificate.objects.count() == count
