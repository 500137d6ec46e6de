"""Where to go after a POST: the `next` a page sent, if it points at this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, target: str | None, default: str) -> str:
    """`target` when it is a URL of this site (never an open redirect), else
    `default`."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
