import logging
import re
import time
import uuid

import sentry_sdk
from django.utils.cache import patch_cache_control

from mentoring.observability import REQUEST_ID

logger = logging.getLogger("mentoring.request")
REQUEST_ID_FORMAT = re.compile(r"[A-Za-z0-9._-]{8,64}")


class NoStoreMiddleware:
    """Every response Django renders is `Cache-Control: no-store, private`: pages
    and exports name children (the confidential tier among them), and a browser or
    proxy cache on a shared school computer would hand them to the next user. One
    rule for all, rather than a list of confidential views that a new page could
    miss; the portal has no public page worth caching. Static files are served by
    WhiteNoise before this middleware (it sits after WhiteNoise in MIDDLEWARE) and
    keep their own cache headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response


class RequestLogMiddleware:
    """One log line per request (logger `mentoring.request`): method, path
    without its query string (a search names a child), status, duration and the
    user's id; its `request_id` — the proxy's `X-Request-ID` when it sends a
    sane one, else a new one — is on every line logged meanwhile and is sent back
    in the response's `X-Request-ID`, so that a user's report can be found."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID_FORMAT.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        # an error report names the request as the log does (no-op without a DSN)
        sentry_sdk.set_tag("request_id", request_id)
        sentry_sdk.set_tag("path", request.path)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # only a user already read: a lazy one would query the database (down,
            # perhaps, which is what this response says)
            user = getattr(request, "_cached_user", None)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": getattr(user, "pk", None),
                },
            )
            return response
        finally:
            REQUEST_ID.reset(token)
