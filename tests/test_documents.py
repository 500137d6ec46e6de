"""Every document the portal writes, rendered from the demo data and read back
(issue 15): each registered exporter in each of its formats, as the school's head
and as the college's curator (the municipal report as the municipality's
coordinator). PDF: text extracted, every font embedded; DOCX:
opened with python-docx; XLSX: opened with openpyxl, no formula anywhere, no
visible apostrophe; the file name Russian with a readable ASCII fallback; nothing
printed in English.

A new exporter without a line in PARAMS fails `test_every_document_is_walked`."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from mentoring.lib import export as export_lib
from mentoring.models import Programme
from pairs.models import Pair, Reward

ENGLISH = re.compile(
    r"\b(None|True|False|Monitoring report|Mentee base|Mentor base|pupil|mentor)\b"
)


def programme(organisation):
    return Programme.objects.for_organisation(organisation).order_by("pk").first()


def pair(organisation):
    return (
        Pair.objects.filter(programme__organisation=organisation)
        .exclude(form__is_social_risk=True)
        .order_by("pk")
        .first()
    )


def planned_pair(organisation):
    return (
        Pair.objects.filter(programme__organisation=organisation, plan__isnull=False)
        .exclude(form__is_social_risk=True)
        .order_by("pk")
        .first()
    )


def reward(organisation):
    rewards = Reward.objects.filter(
        pair__programme__organisation=organisation
    ).order_by("pk")
    return rewards.first()


# identifier → the query string, from the organisation whose documents are read.
PARAMS = {
    "mentee-base": lambda o: {},
    "mentor-base": lambda o: {},
    "pairs": lambda o: {},
    "request-map": lambda o: {},
    "rewards": lambda o: {},
    "consent-register": lambda o: {},
    "safeguarding-access-log": lambda o: {},
    "roadmap": lambda o: {"programme": programme(o).pk},
    "monitoring-report": lambda o: {"programme": programme(o).pk},
    "measurements": lambda o: {"programme": programme(o).pk},
    "programme-summary": lambda o: {"programme": programme(o).pk},
    "pairs-order": lambda o: {"pair": pair(o).pk},
    "pairs-list": lambda o: {"pair": pair(o).pk},
    "pairs-order-confidential": lambda o: {
        "pair": Pair.objects.filter(
            programme__organisation=o, form__is_social_risk=True
        )
        .order_by("pk")
        .first()
        .pk
    },
    "pair-journal": lambda o: {"pair": pair(o).pk},
    "pair-plan": lambda o: {"pair": planned_pair(o).pk},
    "reward-letter": lambda o: {"reward": reward(o).pk},
    "reward-certificate": lambda o: {"reward": reward(o).pk},
    "reward-certificates": lambda o: {},
    "municipal-report": lambda o: {},
}
# Documents only one of the two readers may open (the others answer 403).
HEAD_ONLY = {"safeguarding-access-log"}
SCHOOL_ONLY = {"pairs-order-confidential"}  # the college has no social-risk pair
COORDINATOR_ONLY = {"municipal-report"}  # read by the municipal coordinator only


# (identifier, reader) → what is wrong in the PDF's text, as a signer reads it
# (without whitespace: a narrow cell breaks lines anywhere).
NUMERIC_DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}")


def lacks(*phrases: str):
    return lambda text: [phrase for phrase in phrases if phrase not in text]


def numeric_dates(text: str) -> list[str]:
    """One date style: «4 декабря 2026 г.», never «04.12.2026»."""
    return NUMERIC_DATE.findall(text)[:3]


WORDING = {
    # A college prints seed 004's action plan, not the school's roadmap.
    ("roadmap", "college"): lambda text: (
        ["the school's roadmap"] if "Директоршколы" in text else []
    ),
    ("pair-journal", "head"): numeric_dates,
    ("pair-plan", "head"): numeric_dates,
    ("pairs-order", "head"): numeric_dates,
    ("programme-summary", "head"): lacks(
        "изних:сформированы", "изних:активны", "изних:завершены", "изних:прекращены"
    ),
}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_every_document_is_walked():
    missing = sorted(set(export_lib.REGISTRY) - set(PARAMS))
    assert not missing, f"add the document to PARAMS: {missing}"


def pdf_problems(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    text = pdf_text(content)
    problems = []
    if not text.strip():
        problems.append("no text")
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            for descendant in font.get("/DescendantFonts") or []:
                descriptor = descriptor or descendant.get_object().get(
                    "/FontDescriptor"
                )
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            if not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                problems.append(f"font not embedded: {font.get('/BaseFont')}")
    english = sorted(set(ENGLISH.findall(text)))
    if english:
        problems.append(f"English: {english}")
    return problems


def xlsx_problems(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    problems = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"formula in {sheet.title}!{cell.coordinate}")
                elif isinstance(cell.value, str) and cell.value.startswith("'"):
                    problems.append(f"apostrophe in {sheet.title}!{cell.coordinate}")
                elif (
                    isinstance(cell.value, str)
                    and not cell.value.startswith(("/", "http"))  # addresses
                    and ENGLISH.search(cell.value)
                ):
                    problems.append(f"English in {sheet.title}!{cell.coordinate}")
    return problems[:5]


def docx_problems(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(
        cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    )
    problems = [] if text.strip() else ["no text"]
    if "{{" in text or "{%" in text:
        problems.append("unrendered template tags")
    return problems


def filename_problems(response) -> list[str]:
    disposition = response["Content-Disposition"]
    problems = []
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    name = unquote(match.group(1)) if match else ""
    if not re.search("[а-яА-ЯёЁ]", name):
        problems.append(f"file name not Russian: {name!r}")
    fallback = re.search(r'filename="([^"]*)"', disposition)
    stem = fallback.group(1).rsplit(".", 1)[0] if fallback else ""
    if len(stem.strip("-")) < 3:
        problems.append(f"unreadable fallback name: {stem!r}")
    return problems


@pytest.fixture
def demo(demo_data, db):
    """The demo data exactly as `make run` loads them."""


def reader(username: str):
    user = get_user_model().objects.get(username=username)
    membership = user.memberships.exclude(organisation=None).first()
    organisation = membership.organisation if membership else None  # a coordinator
    client = Client()
    client.force_login(user)
    return client, organisation


def test_every_document_of_the_demo_reads_back(demo):
    readers = {
        "head": reader("head1"),  # the first school: every kind of record
        "college": reader("curator2"),
        "coordinator": reader("coordinator"),
    }
    problems = {}
    for identifier, exporter in sorted(export_lib.REGISTRY.items()):
        for who, (client, organisation) in readers.items():
            if (identifier in COORDINATOR_ONLY) != (who == "coordinator"):
                continue
            if who != "head" and identifier in HEAD_ONLY | SCHOOL_ONLY:
                continue
            for fmt in exporter.formats:
                url = reverse("export", args=[identifier, fmt])
                key = f"{identifier}.{fmt} ({who})"
                try:
                    params = PARAMS[identifier](organisation)
                except AttributeError:  # None.pk: the demo has nothing to print
                    problems[key] = ["the demo data has nothing for this document"]
                    continue
                response = client.get(url, params)
                if response.status_code != 200:
                    problems[key] = [f"HTTP {response.status_code}"]
                    continue
                found = filename_problems(response)
                found += {
                    "pdf": pdf_problems,
                    "xlsx": xlsx_problems,
                    "docx": docx_problems,
                }[fmt](response.content)
                if fmt == "pdf" and (identifier, who) in WORDING:
                    text = "".join(pdf_text(response.content).split())
                    found += WORDING[identifier, who](text)
                if found:
                    problems[key] = found
    assert not problems, "\n".join(f"{key}: {found}" for key, found in problems.items())
