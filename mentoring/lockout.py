"""Login throttling: django-axes locks a (user name, address) pair after
AXES_FAILURE_LIMIT failures; this handler also locks the user name from every
address once it has failed AXES_ACCOUNT_FAILURE_LIMIT times within the cool-off,
so spraying one account's password from many addresses is throttled too.

Axes has a single limit for all its lockout combinations (AXES_LOCKOUT_PARAMETERS
with ["username"] added would lock an account after 5 failures from anywhere, and
a callable AXES_FAILURE_LIMIT is not told which combination it is asked about), so
the higher per-account limit is here: the pair's count is reported as having
reached the limit once the account's count has reached its own. Axes' checks, its
lockout page and `axes_reset_username` work unchanged.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AccountLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        username = get_client_username(request, credentials)
        if failures >= limit or not username:
            return failures
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(
                attempt_time__gte=get_cool_off_threshold(request)
            )
        account = attempts.aggregate(total=Sum("failures_since_start"))["total"]
        if (account or 0) >= settings.AXES_ACCOUNT_FAILURE_LIMIT:
            return limit
        return failures
