# syntax=docker/dockerfile:1
# Школа наставничества: один образ для всех служб deploy/compose.yaml (веб, worker,
# beat, миграции, резервные копии). Сборка: docker compose -f deploy/compose.yaml build
FROM python:3.11-slim-bookworm

# Major-версия PostgreSQL сервера (образ postgres:16 в deploy/compose.yaml): pg_dump
# не копирует базу более новой версии, чем он сам, а в Debian 12 клиент — 15-й;
# клиент нужной версии берётся из apt.postgresql.org (ключ — в postgresql-common).
ARG PG_MAJOR=16
# Дополнительные зависимости из pyproject.toml: "s3" для MEDIA_STORAGE=s3.
ARG EXTRAS=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (Pango, HarfBuzz) и шрифты с кириллицей для PDF, gettext для
# compilemessages, pg_dump/pg_restore для manage.py backup/restore.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 \
        gettext ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "postgresql-client-${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system mentoring \
    && useradd --system --gid mentoring --create-home --home-dir /home/mentoring \
        --shell /usr/sbin/nologin mentoring

WORKDIR /app

# Сначала только зависимости: слой пересобирается, когда меняется pyproject.toml
# ([tool.setuptools] packages = [] — устанавливаются зависимости, код берётся из /app).
COPY pyproject.toml ./
RUN pip install ".${EXTRAS:+[$EXTRAS]}"

COPY . .

# Переводы и статика — при сборке; ключ годится только для сборки.
ENV STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    BACKUP_DIR=/data/backups \
    GUNICORN_BIND=0.0.0.0:8000
RUN export DEBUG=0 SECRET_KEY=build-time-only-not-a-secret ALLOWED_HOSTS=localhost \
    && python manage.py compilemessages -v0 \
    && python manage.py collectstatic --noinput -v0 \
    && mkdir -p /data/media /data/backups \
    && chown mentoring:mentoring /data/media /data/backups

USER mentoring
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "mentoring.wsgi"]
