"""Checks of values a person types that the portal later prints into a page."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

LINK_MESSAGE = _(
    "Enter a link that starts with http:// or https://, or the address of a portal "
    "page that starts with «/»."
)
_web_url = URLValidator(schemes=["http", "https"], message=LINK_MESSAGE)


def validate_link(value: str) -> None:
    """A link printed into href: an http(s) URL or a path of this site. Anything
    else — `javascript:`, `data:`, a protocol-relative `//host` or `/\\host`, which
    browsers read as another site — is refused. Browsers drop tabs and new lines
    inside a URL (`java\\tscript:` runs), so no whitespace or control character is
    allowed anywhere."""
    if not value:
        return
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError(LINK_MESSAGE, code="invalid")
    if value.startswith("/"):
        if value.startswith("//") or "\\" in value:
            raise ValidationError(LINK_MESSAGE, code="invalid")
        return
    _web_url(value)
