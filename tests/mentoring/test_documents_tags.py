from datetime import date

from django.utils import translation

from mentoring.templatetags.documents import doc_date


def test_doc_date_is_written_as_in_russian_documents():
    with translation.override("ru"):
        assert doc_date(date(2026, 9, 1)) == "1 сентября 2026\xa0г."
        assert doc_date(date(2027, 3, 5)) == "5 марта 2027\xa0г."
    assert doc_date(None) == ""
