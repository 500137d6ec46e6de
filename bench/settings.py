"""The portal's settings as production runs them (DEBUG off), for the Django test
client in one process: host `testserver`, no HTTPS redirect, plain static files
(the manifest needs `collectstatic`; its lookups cost nothing measurable)."""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ["DEBUG"] = "0"

from mentoring.settings import *  # noqa: E402, F403

DEBUG = False
ALLOWED_HOSTS = ["testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise looks for STATIC_ROOT, which only `collectstatic` makes.
warnings.filterwarnings("ignore", message="No directory at", module="django")
