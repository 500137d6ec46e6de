from django.utils.cache import patch_cache_control


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
