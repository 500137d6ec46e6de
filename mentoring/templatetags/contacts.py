"""Links to contact a person."""

import re

from django import template

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """«+7 906 624-92-23» → «tel:+79066249223»: a phone link's address holds no
    spaces, dashes or brackets."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    return f"tel:{digits}"
