"""Settings for the Social Media Governance Portal.

Everything that differs between a laptop and production is read from the environment through
the typed helpers in ``governance.env``. With nothing set, the portal runs on a laptop with
nothing else installed: SQLite and a file-based Celery broker under ``var/``, email printed to
the console. With DEBUG off none of those defaults is used: each service must be named.
README.md has the table of every variable.
"""

import re
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from governance.env import (
    env_bool,
    env_int,
    env_list,
    env_optional,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "laptop-only-insecure-key-never-used-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY must be at least 50 characters long."
        )

# Seals the event log and signs its checkpoints (governance.models.events). It is kept out of
# the database so that someone who can write to the database cannot rewrite the log unseen,
# and it must never change: rows sealed with an old key no longer verify.
if DEBUG:
    EVENT_LOG_KEY = env_str("EVENT_LOG_KEY", "laptop-only-event-log-key-never-used-in-production")
else:
    EVENT_LOG_KEY = env_str("EVENT_LOG_KEY", required=True)
    if len(EVENT_LOG_KEY) < 32:
        raise ImproperlyConfigured(
            "Environment variable EVENT_LOG_KEY must be at least 32 characters long."
        )
    if EVENT_LOG_KEY == SECRET_KEY:
        # SECRET_KEY may be rotated; this key may not, so they must be two keys.
        raise ImproperlyConfigured(
            "Environment variable EVENT_LOG_KEY must not be the same as SECRET_KEY."
        )
# Where the daily checkpoint is e-mailed directly, whatever the database says: the auditors'
# own mailbox. Unset with DEBUG off, `check --deploy` warns (governance/checks.py).
EVENT_CHECKPOINT_RECIPIENTS = env_list("EVENT_CHECKPOINT_RECIPIENTS", [])
for _address in EVENT_CHECKPOINT_RECIPIENTS:
    if "@" not in _address:
        raise ImproperlyConfigured(
            "Environment variable EVENT_CHECKPOINT_RECIPIENTS must be e-mail addresses "
            f"separated by commas (got {_address!r})."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Environment variable ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if not DEBUG:
    # A laptop default in production runs without complaint and goes wrong later: data in a
    # SQLite file, tasks in a folder, rate limits per process, links to localhost in e-mails,
    # e-mails printed to a log. So production must name each service.
    for _name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "SITE_URL"):
        if env_optional(_name) is None:
            raise ImproperlyConfigured(
                f"Environment variable {_name} must be set when DEBUG is off."
            )
    if env_optional("EMAIL_HOST") is None and env_optional("EMAIL_BACKEND") is None:
        raise ImproperlyConfigured(
            "Environment variable EMAIL_HOST (an SMTP server) or EMAIL_BACKEND must be set "
            "when DEBUG is off."
        )
# On the laptop, links in e-mails follow the port `make run` serves on (PORT, scripts/run-laptop).
_laptop_port = env_int("PORT", 8000, minimum=1) if DEBUG else 8000
SITE_URL = env_url(
    "SITE_URL", f"http://localhost:{_laptop_port}", schemes=("http", "https")
).rstrip("/")

COUNCIL_NAME = env_str("COUNCIL_NAME", "Demo Borough Council")
SERVICE_NAME = "Social media governance"
# Where the accessibility statement tells people to report a problem or ask for another format.
ACCESSIBILITY_CONTACT_EMAIL = env_str(
    "ACCESSIBILITY_CONTACT_EMAIL", "accessibility@demo.council.example"
)
if "@" not in ACCESSIBILITY_CONTACT_EMAIL:
    raise ImproperlyConfigured(
        "Environment variable ACCESSIBILITY_CONTACT_EMAIL must be an e-mail address "
        f"(got {ACCESSIBILITY_CONTACT_EMAIL!r})."
    )
# Recovery email addresses of official accounts must be on one of these domains (REG-1a).
COUNCIL_EMAIL_DOMAINS = [
    domain.lower().lstrip("@")
    for domain in env_list("COUNCIL_EMAIL_DOMAINS", ["demo.council.example"])
]

INSTALLED_APPS = [
    "governance.admin_config.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "governance",
    "accounts",
    "declarations",
    "moderation",
    "official",
    "compliance",
    "breaches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "governance.middleware.ProfileMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "governance.middleware.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "governance.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "governance.middleware.RequireMFAMiddleware",
    "governance.middleware.PortalNotFoundMiddleware",
]
# With DEBUG on, a missing page shows the portal's own page; true shows Django's technical one.
TECHNICAL_404 = env_bool("TECHNICAL_404", False)

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_url(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
            schemes=("sqlite", "postgres", "postgresql", "pgsql"),
        ),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite serialises writers; waiting beats failing when the worker and the web server
    # write at the same moment on a laptop.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif not env_bool("DATABASE_JIT", False):
    # PostgreSQL's JIT compiler spends most of a second compiling any query its planner
    # costs highly (the register's export: 0.93 s of 1.2 s at 10,000 accounts), and the
    # portal's queries are short and run once. Off for the portal's connections only;
    # a pooler that refuses startup options can keep it off with ALTER DATABASE ... SET jit.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_url("CACHE_URL", "locmem://", schemes=("locmem", "redis", "rediss"))
if _cache_url.startswith("locmem"):
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
else:
    CACHES = {
        "default": {
            # A Redis outage answers as an empty cache, never a server error (governance/cache.py).
            "BACKEND": "governance.cache.ForgivingRedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = ["governance.auth.StaffAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login, staff come from the HR import (no public sign-up).
ACCOUNT_ADAPTER = "governance.auth.PortalAccountAdapter"
ACCOUNT_FORMS = {"login": "governance.forms.LoginForm"}
SOCIALACCOUNT_ADAPTER = "governance.auth.PortalSocialAccountAdapter"
MFA_ADAPTER = "governance.auth.PortalMFAAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SERVICE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    # The public register (official/ratelimit.py): a resident checks a few handles and sends a
    # report now and then; a council office behind one address may check many more.
    "official_check": "60/m/ip,600/h/ip",
    "official_report": "5/10m/ip,20/d/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = f"{COUNCIL_NAME} {SERVICE_NAME}"
# Accept the code of the 30-second step either side of now: a phone's clock drifts, and a code
# typed in the last second of its step arrives in the next one. A used code is still refused.
MFA_TOTP_TOLERANCE = 1
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

# Microsoft Entra ID single sign-on, limited to the council's own tenant.
_entra = {
    name: env_optional(name)
    for name in ("MICROSOFT_CLIENT_ID", "MICROSOFT_CLIENT_SECRET", "MICROSOFT_TENANT_ID")
}
if any(_entra.values()) and not all(_entra.values()):
    missing = ", ".join(name for name, value in _entra.items() if not value)
    raise ImproperlyConfigured(
        f"Microsoft sign-in is half configured: also set {missing}, or unset all three."
    )
if (_tenant := _entra["MICROSOFT_TENANT_ID"]) and _tenant.lower() in {
    "common",
    "organizations",
    "consumers",
}:
    raise ImproperlyConfigured(
        "Environment variable MICROSOFT_TENANT_ID must be the council's own tenant ID, "
        f"not {_tenant!r}, which would let any Microsoft account sign in."
    )
ENTRA_ENABLED = all(_entra.values())
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if ENTRA_ENABLED:
    # Only installed when configured: unconfigured, its sign-in URL would fail.
    INSTALLED_APPS.append("allauth.socialaccount.providers.microsoft")
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "TENANT": _entra["MICROSOFT_TENANT_ID"],
        "APPS": [
            {
                "client_id": _entra["MICROSOFT_CLIENT_ID"],
                "secret": _entra["MICROSOFT_CLIENT_SECRET"],
                "settings": {"tenant": _entra["MICROSOFT_TENANT_ID"]},
            }
        ],
        "EMAIL_AUTHENTICATION": True,
        "VERIFIED_EMAIL": True,
    }

# Behind a reverse proxy every request arrives from the proxy's address. allauth's per-IP
# sign-in limits must count the client instead: the address that many proxies from the end of
# X-Forwarded-For. With no proxy in front this must be 0, or a client could name any address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", not DEBUG)
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0, minimum=0)

# Sessions end after 30 idle minutes: a request pushes the expiry forward, saving the session
# at most once a minute (governance.middleware.IdleTimeoutMiddleware), not on every page.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_form_action = ["'self'"]
if ENTRA_ENABLED:
    # The sign-in button posts to allauth, which redirects to Microsoft.
    _form_action.append("https://login.microsoftonline.com")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # allauth shows the TOTP QR code as a data: URI image.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": _form_action,
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:i a"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded evidence is served by the portal's own views after a permission check, never
# directly by the web server, so MEDIA_URL is deliberately unused.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Evidence images (INC-3) under names the server makes, outside any public path. A council
    # may name another backend (its own object store) with EVIDENCE_STORAGE_BACKEND.
    "evidence": {
        "BACKEND": env_str(
            "EVIDENCE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {"location": env_str("EVIDENCE_ROOT", str(MEDIA_ROOT / "evidence"))},
    },
}
# Evidence uploads: the largest file accepted, and the most pixels an image may decode to (a
# small file that unpacks to a huge image is refused before it is decoded).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
EVIDENCE_MAX_PIXELS = env_int("EVIDENCE_MAX_PIXELS", 40_000_000, minimum=10_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_FAIL_SILENTLY = not DEBUG

# Email: printed to the console on a laptop unless an SMTP server is configured. EMAIL_BACKEND
# names another backend explicitly (production must set it or EMAIL_HOST, see above).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "social-media-governance@demo.council.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_optional("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
if EMAIL_HOST := env_optional("EMAIL_HOST"):
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30

# Celery: Redis in production; on a laptop, kombu's file transport under var/ so that a
# worker and beat run with no server at all.
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", "filesystem://", schemes=("filesystem", "redis", "rediss")
)
CELERY_BROKER_FOLDER = VAR_DIR / "celery" / "queue"
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's file transport dies with FileNotFoundError when its folder is missing, and
    # keeps its exchange table in ./control unless told otherwise.
    CELERY_BROKER_FOLDER.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # Publishing fails fast when Redis is down (0.6 s, not 6 s), so a person's request is
    # never held up: the notification waits in the database for the scheduled sweep.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 0,
        "socket_connect_timeout": 2,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# What a task prints goes to the worker's standard output, not into its log: with the console
# e-mail backend, `make run` shows the e-mails in its terminal while the log goes to a file.
CELERY_WORKER_REDIRECT_STDOUTS = False
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# The one place the schedule is defined. Every job is safe to run twice: each reminder is
# keyed by what it is about, so a second run or a second worker sends nothing new.
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        "task": "governance.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    "remind-waiting-approvals": {
        "task": "accounts.tasks.remind_waiting_approvals",
        "schedule": crontab(minute=15),
    },
    "remind-reviews": {
        "task": "accounts.tasks.remind_reviews",
        "schedule": crontab(minute=30, hour=7),
    },
    "remind-abuse-blocks": {
        "task": "moderation.tasks.remind_abuse_blocks",
        "schedule": crontab(minute=45, hour=7),
    },
    "purge-breach-records": {
        "task": "breaches.tasks.purge_breach_records",
        "schedule": crontab(minute=30, hour=2),
    },
    "escalate-credential-tasks": {
        "task": "moderation.tasks.escalate_credential_tasks",
        "schedule": crontab(minute=40, hour=7),
    },
    "remind-recovery-plan-tests": {
        "task": "moderation.tasks.remind_recovery_plan_tests",
        "schedule": crontab(minute=50, hour=7),
    },
    # Lapses first, so that the reminders and the digest see who is suspended.
    "lapse-declarations": {
        "task": "declarations.tasks.lapse_declarations",
        "schedule": crontab(minute=10, hour=6),
    },
    "remind-declarations": {
        "task": "declarations.tasks.remind_declarations",
        "schedule": crontab(minute=20, hour=7),
    },
    "send-obligations-digest": {
        "task": "declarations.tasks.send_obligations_digest",
        "schedule": crontab(minute=25, hour=7),
    },
    "remind-policy-review": {
        "task": "declarations.tasks.remind_policy_review",
        "schedule": crontab(minute=35, hour=7),
    },
    "record-leavers": {
        "task": "governance.tasks.record_due_leavers",
        "schedule": crontab(minute=5, hour=0),
    },
    # Keyed by the date: a second run that day e-mails nobody again.
    "publish-event-checkpoint": {
        "task": "governance.tasks.publish_event_checkpoint",
        "schedule": crontab(minute=45, hour=6),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # kombu warns that the file transport's URL has no host name, which it never needs.
        "kombu.connection": {"level": "ERROR"},
    },
}

# Demo council (python manage.py seed_demo). Local defaults; seed_demo refuses to use the
# default password when DEBUG is off.
DEMO_PASSWORD_DEFAULT = "demo-portal-2026"  # noqa: S105 - documented laptop default
DEMO_PASSWORD = env_str("DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)
DEMO_TOTP_SECRET_DEFAULT = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - laptop default
DEMO_TOTP_SECRET = env_str("DEMO_TOTP_SECRET", DEMO_TOTP_SECRET_DEFAULT)
# allauth decodes the secret as base32 at every sign-in and refuses one that is not a multiple
# of 8 characters, so a bad secret would only show as "Incorrect code." for every demo login
# with two-step verification.
if not re.fullmatch(r"(?:[A-Z2-7]{8}){4,}", DEMO_TOTP_SECRET.upper()):
    raise ImproperlyConfigured(
        "Environment variable DEMO_TOTP_SECRET must be base32: only letters A to Z and digits "
        "2 to 7, at least 32 characters, and a multiple of 8 characters long."
    )
