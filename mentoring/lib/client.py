"""The address of the person who sent a request, behind reverse proxies."""

from django.conf import settings


def client_address(request, proxies: int | None = None) -> str | None:
    """REMOTE_ADDR, or behind `proxies` reverse proxies (AXES_PROXY_COUNT:
    deploy/nginx is 1) the address the farthest of them saw. The nearest proxy
    is REMOTE_ADDR and is not in X-Forwarded-For; each proxy farther appends
    the address that connected to it, so the client is the entry `proxies`
    from the right. Whatever a client writes into the header itself stands left
    of it and is never read."""
    proxies = settings.PROXY_COUNT if proxies is None else proxies
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
