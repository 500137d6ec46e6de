"""WeasyPrint fetches only the portal's own static files: a document that names
`file:///etc/passwd`, another host or a path outside /static/ renders without it,
and nothing is read from the disk or the network for it."""

import io
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.test import RequestFactory
from weasyprint.urls import URLFetcher

from mentoring.lib import export
from mentoring.lib.export import _static_url_fetcher, render_pdf

BASE = "http://testserver/"
PRINT_CSS = Path(settings.BASE_DIR, "static", "css", "print.css")

REFUSED = [
    "file:///etc/passwd",
    "file:///work/main/static/css/print.css",
    "http://example.org/x.css",
    "https://example.org/static/css/print.css",  # another host
    "https://testserver/static/css/print.css",  # another scheme than the page's
    "ftp://testserver/static/css/print.css",
    "data:text/css,body{color:red}",
    "http://testserver/media/consents/scan.pdf",
    "http://testserver/admin/",
    "http://testserver/static/../../etc/passwd",
    "http://testserver/static/%2e%2e/%2e%2e/etc/passwd",
    "http://testserver/static/css/..%2f..%2fsettings.py",
    "http://testserver/static//etc/passwd",
    "http://testserver/static/%2fetc%2fpasswd",
    "http://testserver/static/css\\..\\..\\mentoring\\settings.py",
    "http://testserver/static/no-such-file.css",
    "http://testserver/static/",
]


@pytest.fixture
def no_network_or_disk(monkeypatch):
    """WeasyPrint's own fetcher (urllib: file, http, data…) must never be reached."""
    reached = []

    def refuse(self, url, headers=None):
        reached.append(url)
        raise AssertionError(f"WeasyPrint's default fetcher reached for {url}")

    monkeypatch.setattr(URLFetcher, "fetch", refuse)
    return reached


def test_the_portal_s_print_css_is_served_from_disk(no_network_or_disk):
    fetcher = _static_url_fetcher(BASE)
    response = fetcher.fetch(BASE + "static/css/print.css")
    assert response.read() == PRINT_CSS.read_bytes()
    assert response.content_type == "text/css"
    assert no_network_or_disk == []


@pytest.mark.parametrize("url", REFUSED)
def test_everything_else_is_refused(no_network_or_disk, url):
    with pytest.raises(ValueError):
        _static_url_fetcher(BASE).fetch(url)
    assert no_network_or_disk == []


def test_without_a_page_address_nothing_is_fetched(no_network_or_disk):
    with pytest.raises(ValueError):
        _static_url_fetcher(None).fetch(BASE + "static/css/print.css")


HOSTILE = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/static/css/print.css">
<link rel="stylesheet" href="http://example.org/x.css">
<link rel="stylesheet" href="file:///etc/passwd">
</head><body>
<h1>Отчёт наставника</h1>
<img src="file:///etc/passwd" alt="">
<img src="http://example.org/pixel.png" alt="">
<img src="/static/../../etc/passwd" alt="">
</body></html>"""


def test_a_document_naming_other_urls_still_renders_without_them(
    monkeypatch, no_network_or_disk, db
):
    asked = []
    real = export._static_url_fetcher

    def recording(*args, **kwargs):
        fetcher = real(*args, **kwargs)
        fetch = fetcher.fetch

        def fetch_and_record(url, headers=None):
            try:
                response = fetch(url, headers)
            except ValueError:
                asked.append((url, "refused"))
                raise
            asked.append((url, "served"))
            return response

        fetcher.fetch = fetch_and_record
        return fetcher

    monkeypatch.setattr(export, "_static_url_fetcher", recording)
    monkeypatch.setattr(export, "render_to_string", lambda *args, **kwargs: HOSTILE)
    content = render_pdf("base_print.html", {}, request=RequestFactory().get("/"))
    assert content.startswith(b"%PDF")
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    text = "".join(page.extract_text() for page in pages)
    assert "Отчёт наставника" in text
    assert "root:" not in text
    outcome = dict(asked)
    assert outcome.pop("http://testserver/static/css/print.css") == "served"
    assert set(outcome.values()) == {"refused"}
    assert "file:///etc/passwd" in outcome
    assert "http://example.org/x.css" in outcome
    assert no_network_or_disk == []
