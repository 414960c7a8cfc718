# Social Media Governance Portal: one image for the web server, the Celery worker and beat.
# Build:  docker build -t governance-portal .
# Run:    see docker-compose.yml and docs/deployment.md.
#
# Written for the classic builder as well as BuildKit (docker-compose 1.29 uses the classic
# builder by default), so no RUN --mount cache mounts.

ARG PYTHON_IMAGE=python:3.11-slim
ARG UV_VERSION=0.13.9

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

# ---------------------------------------------------------------------------------------------
# Stage 1: install the locked runtime dependencies into /app/.venv.
# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

COPY --from=uv /uv /uvx /bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Only the lock inputs, so this layer is rebuilt only when the dependencies change.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# ---------------------------------------------------------------------------------------------
# Stage 2: the runtime image. No uv, no compilers, no Node (the GOV.UK assets under static/
# are committed already compiled).
# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/app/.venv/bin:${PATH}" \
    DJANGO_SETTINGS_MODULE=governance.settings \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/media \
    STATIC_ROOT=/app/staticfiles

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin portal

WORKDIR /app

# The virtual environment and the code stay owned by root: the portal user can read them but
# not change them. Only var/ and media/ are writable (see below).
COPY --from=builder /app/.venv /app/.venv
COPY . /app

# collectstatic needs settings that load with DEBUG off (so that WhiteNoise's manifest storage
# is used) but no database, broker, cache or mail server: settings only check that each is
# named. These values exist only inside this RUN step; the real ones come from the environment
# at run time.
RUN DEBUG=false \
    SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789 \
    EVENT_LOG_KEY=build-only-event-log-key-not-used-at-run-time \
    ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build.invalid/unused \
    CELERY_BROKER_URL=redis://build.invalid/0 \
    CACHE_URL=redis://build.invalid/1 \
    SITE_URL=https://build.invalid \
    EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/celery /app/media \
    && chown -R portal:portal /app/var /app/media

# Mount persistent volumes on /app/var (Celery beat schedule) and /app/media (uploaded
# evidence). A new named volume copies this ownership, so the portal user can write to it.
# (No VOLUME instruction: it would leave anonymous volumes behind every one-off command.)

USER 10001:10001

EXPOSE 8000

# No HEALTHCHECK here: the same image runs the worker and beat, which do not serve /healthz.
# docker-compose.yml defines a health check for each service.

CMD ["gunicorn", "governance.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--timeout", "60", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
