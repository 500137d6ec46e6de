"""Letters of thanks and certificates read as Russian documents (issue 15): the
organisation declined after «Администрация», the addressee in the dative, the
«Уважаемая …!» line by the patronymic's gender, every name agreeing with its
word, the document the reward's kind calls for, one page, and the same text in
the editable .docx; nobody else's organisation gets either file."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from mentoring.lib import grammar
from mentoring.models import MentoringForm, Organisation
from pairs.models import Pair, Reward
from pairs.reward_services import reward_grant
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 4)
SCHOOL = (
    Organisation.Kind.SCHOOL,
    "Муниципальное бюджетное общеобразовательное учреждение "
    "«Змеиногорская средняя общеобразовательная школа № 1»",
    "Муниципального бюджетного общеобразовательного учреждения "
    "«Змеиногорская средняя общеобразовательная школа № 1»",
)
COLLEGE = (
    Organisation.Kind.COLLEGE,
    "Государственное бюджетное профессиональное образовательное учреждение "
    "«Змеиногорский политехнический колледж»",
    "Государственного бюджетного профессионального образовательного учреждения "
    "«Змеиногорский политехнический колледж»",
)
KINDERGARTEN = (
    Organisation.Kind.KINDERGARTEN,
    "Муниципальное бюджетное дошкольное образовательное учреждение "
    "«Детский сад № 3 «Солнышко»»",
    "Муниципального бюджетного дошкольного образовательного учреждения "
    "«Детский сад № 3 «Солнышко»»",
)
WOMAN = (("Ефимова", "Лариса", "Валерьевна"), "Ефимовой Ларисе Валерьевне", "Уважаемая")
MAN = (("Ковалёв", "Пётр", "Сергеевич"), "Ковалёву Петру Сергеевичу", "Уважаемый")
# What a letter or a certificate must never show: template code, Python's None,
# English (an untranslated message), the person's contacts and birth date, notes.
PHONE, EMAIL, NOTES = "+7 913 555-44-33", "secret@example.ru", "Состоит на учёте"
FORBIDDEN = (
    "{{",
    "}}",
    "{%",
    "None",
    "Dear",
    "administration",
    "Letter of thanks",
    "Certificate",
    PHONE,
    "555-44-33",
    EMAIL,
    NOTES,
)


def text_of_pdf(content: bytes) -> str:
    """The text as one line, words hyphenated at a line end joined again."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )
    return text.replace("\u2010 ", "")


def paragraphs_of_docx(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    return [" ".join(p.text.split()) for p in document.paragraphs if p.text.strip()]


def get(client, identifier, reward, fmt):
    return client.get(reverse("export", args=[identifier, fmt]), {"reward": reward.pk})


def download(client, identifier, reward, fmt) -> str:
    response = get(client, identifier, reward, fmt)
    assert response.status_code == 200
    if fmt == "pdf":
        assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
        return text_of_pdf(response.content)
    return " | ".join(paragraphs_of_docx(response.content))


def first_sentence(text: str) -> str:
    start = text.index("Администрация ")
    return text[start : text.index(".", start) + 1]


def school_with_curator(client, name=SCHOOL[1], kind=SCHOOL[0]):
    organisation = f.OrganisationFactory(name=name, kind=kind)
    curator = f.UserFactory(username=f"curator-{organisation.pk}")
    f.MembershipFactory(user=curator, organisation=organisation, role="curator")
    client.force_login(curator)
    return organisation


def teacher(organisation, names=MAN[0], kind="teacher", **fields):
    last, first, middle = names
    return f.ParticipantFactory(
        organisation=organisation,
        kind=kind,
        last_name=last,
        first_name=first,
        middle_name=middle,
        birth_date=date(1980, 1, 1),
        **fields,
    )


def grant(organisation, person, kind, basis="за успешную работу наставником", **kw):
    return reward_grant(
        organisation=organisation,
        person=person,
        kind=kind,
        awarded_on=DAY,
        basis=basis,
        by=None,
        **kw,
    )


# --- the wording -----------------------------------------------------------------
@pytest.mark.parametrize("organisation_kind", [SCHOOL, COLLEGE, KINDERGARTEN])
@pytest.mark.parametrize("person", [WOMAN, MAN])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_first_sentence_of_a_letter_reads_correctly(
    client, organisation_kind, person, fmt
):
    kind, name, genitive = organisation_kind
    organisation = school_with_curator(client, name, kind)
    names, dative, dear = person
    reward = grant(organisation, teacher(organisation, names), Reward.Kind.GRATITUDE)
    text = download(client, "reward-letter", reward, fmt)
    assert first_sentence(text) == (
        f"Администрация {genitive} выражает Вам искреннюю благодарность "
        "за успешную работу наставником."
    )
    greeting = f"{dear} {names[1]} {names[2]}!"
    if fmt == "pdf":  # the addressee, the title, the greeting, the text: in order
        assert (
            f"{dative} БЛАГОДАРСТВЕННОЕ ПИСЬМО {greeting} Администрация {genitive}"
        ) in text
    else:
        paragraphs = text.split(" | ")
        at = paragraphs.index(dative)
        assert paragraphs[at : at + 3] == [dative, "БЛАГОДАРСТВЕННОЕ ПИСЬМО", greeting]
    assert "4 декабря 2026 г." in text
    assert " ".join(names) not in text  # the nominative appears nowhere


@pytest.mark.parametrize(
    ("parents", "addressee", "greeting"),
    [
        (
            "Ефимова Лариса Валерьевна",
            "Ефимовой Ларисе Валерьевне",
            "Уважаемая Лариса Валерьевна!",
        ),
        (
            "Ефимова Лариса Валерьевна, Ефимов Пётр Иванович",
            "Ефимовой Ларисе Валерьевне, Ефимову Петру Ивановичу",
            "Уважаемые Лариса Валерьевна и Пётр Иванович!",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_letter_to_the_parents(client, parents, addressee, greeting, fmt):
    organisation = school_with_curator(client)
    pupil = f.ParticipantFactory(
        organisation=organisation,
        last_name="Ефимов",
        first_name="Артём",
        middle_name="Петрович",
        birth_date=date(2013, 3, 5),
        representative_name=parents,
    )
    reward = grant(
        organisation, pupil, Reward.Kind.LETTER_PARENTS, "за активное участие"
    )
    text = download(client, "reward-letter", reward, fmt)
    separator = " " if fmt == "pdf" else " | "
    assert f"Родителям (законным представителям){separator}{addressee}" in text
    assert greeting in text
    assert (
        f"Администрация {SCHOOL[2]} выражает Вам искреннюю благодарность за "
        "воспитание отзывчивого и ответственного человека — участника программы "
        "наставничества Ефимова Артёма Петровича. Ваш ребёнок отмечен за активное "
        "участие."
    ) in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_letter_to_the_employer(client, fmt):
    organisation = school_with_curator(client)
    mentor = teacher(
        organisation,
        kind="external",
        workplace="Змеиногорский машиностроительный завод",
    )
    reward = grant(
        organisation, mentor, Reward.Kind.LETTER_EMPLOYER, "за наставничество"
    )
    text = download(client, "reward-letter", reward, fmt)
    separator = " " if fmt == "pdf" else " | "
    assert f"Руководителю{separator}Змеиногорского машиностроительного завода" in text
    assert (
        "Особо отмечаем работу Вашего сотрудника Ковалёва Петра Сергеевича в роли "
        "наставника — за наставничество."
    ) in text
    assert "Уважаем" not in text  # no person to greet


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_nomination_goes_to_the_commission_and_names_the_mentor(client, fmt):
    organisation = school_with_curator(client)
    reward = grant(organisation, teacher(organisation), Reward.Kind.NOMINATION)
    text = download(client, "reward-letter", reward, fmt)
    assert "В наградную комиссию" in text
    assert "ХОДАТАЙСТВО О НАГРАЖДЕНИИ" in text
    assert first_sentence(text) == (
        f"Администрация {SCHOOL[2]} ходатайствует о награждении наставника "
        "Ковалёва Петра Сергеевича за успешную работу наставником."
    )
    assert "Ковалёв Пётр Сергеевич" not in text
    assert "Уважаем" not in text


# --- the reward's kind decides the document --------------------------------------
LETTER, CERTIFICATE = "БЛАГОДАРСТВЕННОЕ ПИСЬМО", "ГРАМОТА"


@pytest.mark.parametrize(
    ("kind", "heading", "other"),
    [
        (Reward.Kind.GRATITUDE, LETTER, CERTIFICATE),
        (Reward.Kind.CERTIFICATE, CERTIFICATE, LETTER),
        (Reward.Kind.MENTOR_OF_YEAR, CERTIFICATE, LETTER),
    ],
)
@pytest.mark.parametrize("identifier", ["reward-letter", "reward-certificate"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_kind_decides_the_document(client, kind, heading, other, identifier, fmt):
    """Whichever address is asked (an old link, a typed one), a letter prints as a
    letter and a грамота as a грамота."""
    organisation = school_with_curator(client)
    reward = grant(organisation, teacher(organisation), kind)
    text = download(client, identifier, reward, fmt)
    assert heading in text and other not in text
    if heading == CERTIFICATE:
        assert "награждается" in text
        assert "Ковалёв Пётр Сергеевич" in text  # after «награждается»: nominative
    else:
        assert "Ковалёву Петру Сергеевичу" in text


def test_the_file_is_named_after_its_document(client):
    organisation = school_with_curator(client)
    reward = grant(organisation, teacher(organisation), Reward.Kind.CERTIFICATE)
    response = get(client, "reward-letter", reward, "docx")
    assert (
        "%D0%93%D1%80%D0%B0%D0%BC%D0%BE%D1%82%D0%B0"
        in (  # «Грамота»
            response["Content-Disposition"]
        )
    )


@pytest.mark.parametrize("identifier", ["reward-letter", "reward-certificate"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_bonus_prints_nothing(client, identifier, fmt):
    organisation = school_with_curator(client)
    reward = grant(organisation, teacher(organisation), Reward.Kind.BONUS)
    assert get(client, identifier, reward, fmt).status_code == 404


def test_the_reward_page_offers_its_document_only(client):
    organisation = school_with_curator(client)
    letter = grant(organisation, teacher(organisation), Reward.Kind.GRATITUDE)
    certificate = grant(organisation, teacher(organisation), Reward.Kind.CERTIFICATE)
    for reward, offered in ((letter, "letter"), (certificate, "certificate")):
        page = client.get(reverse("rewards:detail", args=[reward.pk])).content.decode()
        primary = re.search(r'class="btn btn-primary" href="([^"]+)"', page).group(1)
        assert f"reward-{offered}.pdf" in primary
        links = set(re.findall(r"reward-(letter|certificate)\.(pdf|docx)", page))
        assert links == {(offered, "pdf"), (offered, "docx")}


def test_a_long_certificate_stays_on_one_page(client):
    organisation = school_with_curator(client)
    person = teacher(
        organisation,
        ("Константинопольская-Верещагина", "Александра", "Вячеславовна"),
        position="Учитель русского языка и литературы высшей категории, методист",
    )
    basis = (
        "за многолетнюю плодотворную работу наставником молодых педагогов, "
        "успешную реализацию программы наставничества в 2025/2026 учебном году "
        "и высокие результаты наставляемых на муниципальных олимпиадах"
    )
    reward = grant(organisation, person, Reward.Kind.MENTOR_OF_YEAR, basis)
    text = download(client, "reward-certificate", reward, "pdf")  # asserts 1 page
    assert "муниципальных олимпиадах" in text


# --- nothing the user must not see -------------------------------------------------
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_documents_show_nothing_private(client, fmt):
    organisation = school_with_curator(client)
    private = {"phone": PHONE, "email": EMAIL, "notes": NOTES}
    pupil = f.ParticipantFactory(
        organisation=organisation,
        birth_date=date(2013, 3, 5),
        representative_name="Ефимова Лариса Валерьевна",
        representative_phone="+7 913 555-44-33",
        **private,
    )
    mentor = teacher(organisation, **private)
    pair = f.PairFactory(
        programme=f.ProgrammeFactory(organisation=organisation),
        mentor=f.MentorFactory(participant=mentor),
        form=MentoringForm.objects.get(code="social-risk"),
        status=Pair.Status.COMPLETED,
        ended_on=DAY - timedelta(days=3),
    )
    f.PairMenteeFactory(pair=pair, mentee=f.MenteeFactory(participant=pupil))
    documents = [
        ("reward-letter", grant(organisation, pupil, Reward.Kind.LETTER_PARENTS)),
        ("reward-letter", grant(organisation, mentor, Reward.Kind.GRATITUDE)),
        (
            "reward-certificate",
            grant(organisation, mentor, Reward.Kind.BEST_PAIR, pair=pair),
        ),
    ]
    for identifier, reward in documents:
        text = download(client, identifier, reward, fmt)
        for forbidden in (*FORBIDDEN, "05.03.2013", "5 марта 2013", "1980"):
            assert forbidden not in text, (reward.kind, forbidden)
        if identifier == "reward-certificate":
            # the mentee of a social-risk pair is neither named nor hinted at
            assert pupil.last_name not in text
            assert "социально" not in text and "Учащийся" not in text


# --- access ------------------------------------------------------------------------
@pytest.mark.parametrize("identifier", ["reward-letter", "reward-certificate"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_another_organisations_curator_gets_nothing(
    client, curator, outsider, identifier, fmt
):
    organisation = curator.memberships.get().organisation
    kind = Reward.Kind.GRATITUDE if identifier == "reward-letter" else "certificate"
    reward = grant(organisation, teacher(organisation), kind)
    client.force_login(curator)
    assert get(client, identifier, reward, fmt).status_code == 200
    client.force_login(outsider)
    response = get(client, identifier, reward, fmt)
    assert response.status_code == 404
    assert "Ковалёв".encode() not in response.content


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_mentor_of_the_organisation_gets_nothing(client, mentor, fmt):
    organisation = mentor.memberships.get().organisation
    reward = grant(organisation, teacher(organisation), Reward.Kind.GRATITUDE)
    client.force_login(mentor)
    assert get(client, "reward-letter", reward, fmt).status_code == 403


# --- the demo ----------------------------------------------------------------------
def test_the_demo_has_a_reward_of_every_kind(db):
    call_command("seed_demo", "--quiet")
    kinds = set(Reward.objects.values_list("kind", flat=True))
    assert kinds == set(Reward.Kind.values)
    call_command("seed_demo", "--quiet")  # idempotent: nothing granted twice
    twice = (
        Reward.objects.values("organisation", "kind")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice


# --- the grammar -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "case", "expected"),
    [
        ("Ефимова Лариса Валерьевна", "datv", "Ефимовой Ларисе Валерьевне"),
        ("Ковалёв Пётр Сергеевич", "gent", "Ковалёва Петра Сергеевича"),
        ("Мамедов Али Гусейн оглы", "datv", "Мамедову Али Гусейн оглы"),
        ("Мамедова Лейла Гусейн кызы", "datv", "Мамедовой Лейле Гусейн кызы"),
        ("Ткаченко Мария Олеговна", "datv", "Ткаченко Марии Олеговне"),
        ("Вебер Надежда Анатольевна", "gent", "Вебер Надежды Анатольевны"),
        ("Римская-Корсакова Анна Ивановна", "datv", "Римской-Корсаковой Анне Ивановне"),
        # no patronymic: pytrovich's detector tells the gender from the first name
        ("Кузнецова Анна", "datv", "Кузнецовой Анне"),
        ("Иванов Иван", "gent", "Иванова Ивана"),
        # it cannot tell, or it is not a name: as written
        ("Ким Саша", "datv", "Ким Саша"),
        ("ООО Колос", "gent", "ООО Колос"),
        ("Иванова Анна Мария", "datv", "Иванова Анна Мария"),
    ],
)
def test_names_are_declined_by_the_library(name, case, expected):
    assert grammar.decline_name(name, case) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ефимова Лариса Валерьевна", "Уважаемая Лариса Валерьевна!"),
        ("Ковалёв Иван Петрович", "Уважаемый Иван Петрович!"),
        ("Кузнецова Анна", "Уважаемая Анна Кузнецова!"),
        (
            "Смирнова Ольга Ивановна и Смирнов Олег Петрович",
            "Уважаемые Ольга Ивановна и Олег Петрович!",
        ),
        ("ООО «Колос»", ""),
    ],
)
def test_honorific(name, expected):
    assert grammar.honorific(name) == expected


@pytest.mark.parametrize(
    ("title", "case", "expected"),
    [
        (SCHOOL[1], "gent", SCHOOL[2]),
        (COLLEGE[1], "gent", COLLEGE[2]),
        (KINDERGARTEN[1], "gent", KINDERGARTEN[2]),
        ("МБОУ «Змеиногорская СОШ № 1»", "gent", "МБОУ «Змеиногорская СОШ № 1»"),
        ("ГБПОУ «Змеиногорский колледж»", "gent", "ГБПОУ «Змеиногорский колледж»"),
        # the words that depend on the noun keep their case
        (
            "Муниципальное бюджетное учреждение дополнительного образования "
            "«Центр детского творчества»",
            "gent",
            "Муниципального бюджетного учреждения дополнительного образования "
            "«Центр детского творчества»",
        ),
        (
            "Комитет по образованию Администрации Змеиногорского района",
            "datv",
            "Комитету по образованию Администрации Змеиногорского района",
        ),
        ("Управление образования", "gent", "Управления образования"),
        (
            "Гимназия № 8 имени А. С. Пушкина",
            "gent",
            "Гимназии № 8 имени А. С. Пушкина",
        ),
        # an apposition without quotes agrees
        (
            "Муниципальное автономное дошкольное образовательное учреждение "
            "детский сад № 5 «Берёзка»",
            "gent",
            "Муниципального автономного дошкольного образовательного учреждения "
            "детского сада № 5 «Берёзка»",
        ),
        (
            "Индивидуальный предприниматель Петров Иван Иванович",
            "datv",
            "Индивидуальному предпринимателю Петрову Ивану Ивановичу",
        ),
        ("Школа-интернат № 4", "gent", "Школы-интерната № 4"),
        ("Курсы повышения квалификации", "gent", "Курсов повышения квалификации"),
        (
            "МУНИЦИПАЛЬНОЕ БЮДЖЕТНОЕ УЧРЕЖДЕНИЕ «ШКОЛА № 1»",
            "gent",
            "МУНИЦИПАЛЬНОГО БЮДЖЕТНОГО УЧРЕЖДЕНИЯ «ШКОЛА № 1»",
        ),
        ("Столовая № 5", "ablt", "Столовой № 5"),
    ],
)
def test_titles_are_declined_by_the_library(title, case, expected):
    assert grammar.decline_phrase(title, case) == expected


def test_organisation_genitive():
    assert grammar.organisation_genitive(SCHOOL[1]) == SCHOOL[2]


# --- all certificates of a year in one PDF (a background job) ----------------------


def test_all_certificates_of_a_year_print_in_one_pdf_a_page_each(client):
    organisation = school_with_curator(client)
    ivanov = teacher(organisation, ("Иванов", "Олег", "Петрович"))
    woman = teacher(organisation, WOMAN[0])
    grant(organisation, ivanov, Reward.Kind.CERTIFICATE)
    grant(organisation, woman, Reward.Kind.MENTOR_OF_YEAR)
    grant(organisation, woman, Reward.Kind.GRATITUDE)  # a letter: not here
    old = grant(organisation, ivanov, Reward.Kind.CERTIFICATE)
    Reward.objects.filter(pk=old.pk).update(awarded_on=date(2025, 5, 20))

    page = client.get(reverse("rewards:list"), {"year": DAY.year}).content.decode()
    start = reverse("jobs:start-export", args=["reward-certificates", "pdf"])
    assert f'action="{start}"' in page
    response = client.post(start, {"query": f"year={DAY.year}"})
    job = response.wsgi_request.user.jobs.get()
    assert job.status == job.Status.DONE, job.error
    content = b"".join(client.get(reverse("jobs:download", args=[job.pk])))
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 2  # the year's two certificates
    texts = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    assert "Ефимова" in texts[0] and "Иванов" in texts[1]  # by date, then name
    assert job.filename == f"Грамоты {DAY.year}.pdf"


def test_no_certificate_in_the_year_is_a_clear_refusal(client):
    organisation = school_with_curator(client)
    grant(organisation, teacher(organisation), Reward.Kind.GRATITUDE)
    start = reverse("jobs:start-export", args=["reward-certificates", "pdf"])
    response = client.post(start, {"query": f"year={DAY.year}"})
    job = response.wsgi_request.user.jobs.get()
    assert job.status == job.Status.FAILED and not job.file
    assert job.error == "Нет ни одной грамоты с такими условиями."
    # The same export asked for directly says so on the page it came from.
    direct = client.get(
        reverse("export", args=["reward-certificates", "pdf"]),
        {"year": DAY.year},
        HTTP_REFERER="/rewards/",
    )
    assert direct["Location"] == "/rewards/"
    assert "Нет ни одной грамоты" in client.get("/rewards/").content.decode()
