#!/bin/sh
# manage.py на сервере: от имени пользователя mentoring, с настройками служб
# (/etc/mentoring/mentoring.env), из /srv/mentoring. Под root:
#   /srv/mentoring/deploy/manage.sh migrate --noinput
#   /srv/mentoring/deploy/manage.sh createsuperuser
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -un)" != mentoring ]; then
    exec runuser -u mentoring -- "$here/deploy/manage.sh" "$@"
fi
cd "$here"
set -a
. /etc/mentoring/mentoring.env
set +a
exec "$here/.venv/bin/python" manage.py "$@"
