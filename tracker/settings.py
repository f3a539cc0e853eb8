"""One environment-driven settings file.

Every deployment difference is an environment variable: DATABASE_URL, REDIS_URL,
EMAIL_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS (and a few TRACKER_* knobs below).
Without them the service runs in development mode on an embedded SQLite database,
a filesystem Celery broker and the console e-mail backend: no PostgreSQL, no Redis.
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRACKER_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Development only: DEBUG is on, so this key never signs anything that matters.
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105
# With DEBUG off and no key, SECRET_KEY stays empty: commands that sign nothing (migrate,
# makemigrations, check) still run, Django refuses any use of the empty key, and the web
# server and Celery refuse to start at all (tracker.secret.require_secret_key).

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Absolute links (e-mails, feeds, JSON-LD, the API's `url` fields). Unset, pages and the API use the
# address each request was served on, and what runs without a request (e-mail) this default;
# `make run` sets it to the host and port it serves (tracker/devserver.py).
# A command run in another terminal while `make run` serves (create_editor, send_digests) links to
# the address that server noted in var/served-site-url; development mode only, SITE_URL still wins.
SITE_URL_EXPLICIT = bool(os.environ.get("SITE_URL"))
_SERVED = VAR_DIR / "served-site-url"
SITE_URL = (
    os.environ.get("SITE_URL") or (DEBUG and _SERVED.is_file() and _SERVED.read_text().strip()) or "http://127.0.0.1:8000"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "commitments",
    "commitments.site",
    "drf_spectacular_sidecar",  # Swagger UI's files (the REST API section)
    "corsheaders",  # CORS for dashboards on other origins (the REST API section)
    "auditlog",  # the audit trail (editorial review and audit trail)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.ContentSecurityPolicyMiddleware",
    "tracker.middleware.QueryStringTextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware, as django-cors-headers asks
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After AuthenticationMiddleware: every write in a request is logged with its user, address and path kind.
    "commitments.audit.AuditMiddleware",
    "tracker.middleware.ReaderTextMiddleware",  # innermost: it sees the page before Content-Length and ETag headers are set
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],  # project-wide overrides (admin/base_site.html) before the apps' own
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite default lives there
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# "archive": where the archived copies (WARC files, commitments/archive/) are stored. The filesystem under
# the data directory by default; for an S3-compatible store install django-storages[s3] and set, e.g.
#   STORAGES["archive"] = {"BACKEND": "storages.backends.s3.S3Storage",
#                          "OPTIONS": {"bucket_name": "tracker-archive", "endpoint_url": "https://s3.example.org"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "archive": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("TRACKER_ARCHIVE_DIR", str(VAR_DIR / "archive")), "base_url": None},
    },
}

# --- HTTPS and browser security headers -------------------------------------------
# Safe production defaults (DEBUG off): HTTPS only, HSTS for a year, Secure cookies. Each is an
# environment variable, so plain-HTTP local use (docker compose on localhost) can turn them off.
_PRODUCTION = "0" if DEBUG else "1"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # health checks probe the container over plain HTTP
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", _PRODUCTION)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", _PRODUCTION)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", _PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
# Behind a proxy that terminates TLS and sets this header (and strips it from clients), e.g.
# "HTTP_X_FORWARDED_PROTO,https"; "" when the app is reached directly.
_proxy_ssl_header = envlist("SECURE_PROXY_SSL_HEADER", "" if DEBUG else "HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (tracker.middleware), in development too, so a page
# that would break under it breaks early. Pages, the admin and Swagger UI load only this site's
# own scripts and styles (no inline script); images may be data: URIs (Swagger UI's icons).
# Empty turns the header off; the -REPORT_ONLY variant is for trying a stricter policy.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY_REPORT_ONLY = os.environ.get("CONTENT_SECURITY_POLICY_REPORT_ONLY", "")

# --- E-mail -----------------------------------------------------------------
# EMAIL_URL, e.g. smtp://user:pass@mail.example.org:587/?tls=True or console://
_email = dj_email_url.parse(os.environ.get("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Commitments Tracker <tracker@localhost>")
# Where the methodology page tells readers to report an error; empty: the address above.
TRACKER_CORRECTIONS_EMAIL = os.environ.get("TRACKER_CORRECTIONS_EMAIL", "")

# --- Cache --------------------------------------------------------------------
# API throttles, subscribe rate limits and cached aggregates must be shared by every
# web worker: Redis when there is one (CACHE_URL, default REDIS_URL), else this process.
CACHE_URL = os.environ.get("CACHE_URL", os.environ.get("REDIS_URL", "")) or "locmem://"
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tracker")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------
# With REDIS_URL, Redis is the broker. Without it (development, `make run`), kombu's
# filesystem transport under var/ lets a worker with embedded beat run the same
# scheduled jobs with no extra service.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # An acks_late task whose worker died (kill -9) is re-delivered after this. Longer than
    # the longest hard time limit (so a running task is never delivered twice) plus a margin,
    # and no longer: lost work comes back within minutes. Source-check runs ack early (their
    # state is in the database), so they never wait for it. See "Scheduled jobs" in the README.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 0)}
else:
    _broker_dir = VAR_DIR / "celery-broker"
    for _folder in ("out", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # not ./control in whatever directory the worker started
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 360)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per fetched URL is noise (the checks are in the database) and costs a busy run CPU.
    "loggers": {"httpx": {"level": os.environ.get("HTTPX_LOG_LEVEL", "WARNING")}},
}

# --- Source checks ----------------------------------------------------------------
# Scheduled re-checking of every URL linked from a source or a piece of evidence
# (commitments/checks/). Every knob is an environment variable.
# Networks the fetcher may reach although they are not public (comma-separated CIDRs).
# Empty by default: loopback, private, link-local... are all refused. Tests allow 127.0.0.0/8.
TRACKER_CHECK_ALLOWED_NETWORKS = envlist("TRACKER_CHECK_ALLOWED_NETWORKS")
TRACKER_CHECK_CONCURRENCY = envint("TRACKER_CHECK_CONCURRENCY", 200)  # requests on the wire per run
TRACKER_CHECK_HOST_RATE = float(os.environ.get("TRACKER_CHECK_HOST_RATE", "1.0"))  # requests a second per host
TRACKER_CHECK_HOST_IN_FLIGHT = envint("TRACKER_CHECK_HOST_IN_FLIGHT", 2)  # per host, across all workers
TRACKER_CHECK_CONNECT_TIMEOUT = float(os.environ.get("TRACKER_CHECK_CONNECT_TIMEOUT", "10"))
TRACKER_CHECK_TOTAL_TIMEOUT = float(os.environ.get("TRACKER_CHECK_TOTAL_TIMEOUT", "30"))
TRACKER_CHECK_MAX_BYTES = envint("TRACKER_CHECK_MAX_BYTES", 10 * 1024 * 1024)
TRACKER_CHECK_MAX_REDIRECTS = envint("TRACKER_CHECK_MAX_REDIRECTS", 10)
# Seconds a web request waits for an intake URL read by a worker before answering "still reading" (202).
TRACKER_INTAKE_WAIT = float(os.environ.get("TRACKER_INTAKE_WAIT", "2"))
TRACKER_CHECK_INTERVAL = envint("TRACKER_CHECK_INTERVAL", 24 * 3600)  # seconds between checks of a new URL
TRACKER_CHECK_MIN_INTERVAL = envint("TRACKER_CHECK_MIN_INTERVAL", 3600)  # changed or failing URLs come back this soon
TRACKER_CHECK_MAX_INTERVAL = envint("TRACKER_CHECK_MAX_INTERVAL", 7 * 24 * 3600)  # stable URLs back off up to this
TRACKER_CHECK_JITTER = float(os.environ.get("TRACKER_CHECK_JITTER", "0.1"))  # share of the interval
TRACKER_CHECK_FULL_GET_EVERY = envint("TRACKER_CHECK_FULL_GET_EVERY", 5)  # unconditional GET every Nth check
TRACKER_CHECK_GONE_FAILURES = envint("TRACKER_CHECK_GONE_FAILURES", 3)  # as the Internet Archive's link bot:
TRACKER_CHECK_GONE_DAYS = envint("TRACKER_CHECK_GONE_DAYS", 3)  # 3 failures, 3 days apart, before "gone"
TRACKER_CHECK_CHANGE_CONFIRMATIONS = envint("TRACKER_CHECK_CHANGE_CONFIRMATIONS", 2)  # same new text seen N times
TRACKER_CHECK_FUZZY_THRESHOLD = float(os.environ.get("TRACKER_CHECK_FUZZY_THRESHOLD", "85"))  # 0-100
TRACKER_CHECK_DISPATCH_EVERY = float(os.environ.get("TRACKER_CHECK_DISPATCH_EVERY", "60"))  # seconds
# Runs: long-lived tasks that keep claiming due URLs, a few per origin, while any origin has budget.
TRACKER_CHECK_RUNNERS = envint("TRACKER_CHECK_RUNNERS", 2)  # runs at once, across all workers (the worker concurrency)
TRACKER_CHECK_RUN_SECONDS = envint("TRACKER_CHECK_RUN_SECONDS", max(1, int(TRACKER_CHECK_DISPATCH_EVERY) - 10))  # claiming
TRACKER_CHECK_CLAIM_AHEAD = float(os.environ.get("TRACKER_CHECK_CLAIM_AHEAD", "5"))  # seconds of an origin's budget held
TRACKER_CHECK_CLAIM_LIMIT = envint("TRACKER_CHECK_CLAIM_LIMIT", 500)  # URLs per claim query
TRACKER_CHECK_MAX_WAIT = float(os.environ.get("TRACKER_CHECK_MAX_WAIT", "10"))  # longer Retry-After: give URLs back
# A run stops claiming after RUN_SECONDS and finishes what it holds (a few seconds per origin,
# a request's timeout, redirects); it is killed at this limit, and a claim lapses a margin after.
TRACKER_CHECK_RUN_TIME_LIMIT = envint(
    "TRACKER_CHECK_RUN_TIME_LIMIT", TRACKER_CHECK_RUN_SECONDS + 2 * int(TRACKER_CHECK_TOTAL_TIMEOUT) + 30,
)
TRACKER_CHECK_LEASE = envint("TRACKER_CHECK_LEASE", TRACKER_CHECK_RUN_TIME_LIMIT + 30)
TRACKER_CHECK_HOST_GAP_MARGIN_MS = envint("TRACKER_CHECK_HOST_GAP_MARGIN_MS", 10)  # added to 1/rate (see politeness.Limits)
TRACKER_CHECK_REDIS_CALM = float(os.environ.get("TRACKER_CHECK_REDIS_CALM", "2"))  # pause after Redis comes back
TRACKER_CHECK_USER_AGENT = os.environ.get(
    "TRACKER_CHECK_USER_AGENT", f"CommitmentsTracker-LinkCheck/1.0 (+{SITE_URL}/; checks cited sources)"
)
if REDIS_URL and not CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = max(CELERY_TASK_TIME_LIMIT, TRACKER_CHECK_RUN_TIME_LIMIT) + 60
if REDIS_URL:
    # Look for tasks of dead workers every 10 s (kombu's unacked_restore_interval), not every 100 s:
    # an acks_late task is back at most 10 s after its visibility timeout ran out.
    CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("unacked_restore_throttle", 1)
CELERY_BEAT_SCHEDULE["source-checks-dispatch"] = {
    "task": "commitments.tasks.checks.checks_dispatch",
    "schedule": TRACKER_CHECK_DISPATCH_EVERY,
}
# --- end of source checks ----------------------------------------------------------

# --- Archive (WARC captures of cited pages, commitments/archive/) -------------------
# Retention: captures older than TRACKER_ARCHIVE_KEEP_DAYS are pruned daily (0 keeps everything),
# except each URL's newest TRACKER_ARCHIVE_KEEP_LATEST and any capture a kept revisit refers to.
TRACKER_ARCHIVE_KEEP_DAYS = envint("TRACKER_ARCHIVE_KEEP_DAYS", 0)
TRACKER_ARCHIVE_KEEP_LATEST = envint("TRACKER_ARCHIVE_KEEP_LATEST", 3)
# Save Page Now (web.archive.org) for each new capture: off unless set; at most
# TRACKER_ARCHIVE_WAYBACK_PER_MINUTE submissions a minute, retried with backoff TRACKER_ARCHIVE_WAYBACK_TRIES times.
TRACKER_ARCHIVE_WAYBACK = envbool("TRACKER_ARCHIVE_WAYBACK")
TRACKER_ARCHIVE_WAYBACK_ENDPOINT = os.environ.get("TRACKER_ARCHIVE_WAYBACK_ENDPOINT", "https://web.archive.org/save/")
TRACKER_ARCHIVE_WAYBACK_PER_MINUTE = envint("TRACKER_ARCHIVE_WAYBACK_PER_MINUTE", 6)
TRACKER_ARCHIVE_WAYBACK_TRIES = envint("TRACKER_ARCHIVE_WAYBACK_TRIES", 5)
CELERY_BEAT_SCHEDULE["archive-prune"] = {"task": "commitments.tasks.archive.captures_prune_daily", "schedule": 86400.0}
CELERY_BEAT_SCHEDULE["archive-wayback"] = {"task": "commitments.tasks.archive.wayback_dispatch", "schedule": 60.0}
# --- end of archive ----------------------------------------------------------------

# --- Watches (commitments/watch/: official listings polled for new documents) -------
TRACKER_WATCH_DISPATCH_EVERY = float(os.environ.get("TRACKER_WATCH_DISPATCH_EVERY", "60"))  # seconds between passes
TRACKER_WATCH_LEASE = envint("TRACKER_WATCH_LEASE", 300)  # seconds a claimed poll or fetch is held before another worker may take it
TRACKER_WATCH_BATCH = envint("TRACKER_WATCH_BATCH", 200)  # watches polled, or documents fetched, per claim
TRACKER_WATCH_FETCH_PER_ORIGIN = envint("TRACKER_WATCH_FETCH_PER_ORIGIN", 5)  # documents of one origin in one claim
TRACKER_WATCH_MAX_CHILD_SITEMAPS = envint("TRACKER_WATCH_MAX_CHILD_SITEMAPS", 20)
TRACKER_WATCH_FAILING_AFTER = envint("TRACKER_WATCH_FAILING_AFTER", 3)  # polls failed in a row before a watch is flagged
TRACKER_WATCH_MATCH_THRESHOLD = float(os.environ.get("TRACKER_WATCH_MATCH_THRESHOLD", "0.4"))  # 0-1: watch/matching.py, bench/watch_matching.py
CELERY_BEAT_SCHEDULE["watch-pass"] = {"task": "commitments.tasks.watch.watch_dispatch", "schedule": TRACKER_WATCH_DISPATCH_EVERY}
CELERY_BEAT_SCHEDULE["watch-inbox-mail"] = {"task": "commitments.tasks.watch.inbox_mail_daily", "schedule": 3600.0}

# --- Digests (weekly e-mail digests for subscribers) ---------------------------
# Sent on TRACKER_DIGEST_DAY at TRACKER_DIGEST_HOUR in TRACKER_DIGEST_TIMEZONE, about the ISO
# week before. Beat ticks hourly; the task itself decides whether that local hour has come,
# which stays right across DST changes and half-hour time zones without per-entry beat clocks.
TRACKER_DIGEST_DAY = os.environ.get("TRACKER_DIGEST_DAY", "monday").strip().lower()
TRACKER_DIGEST_HOUR = envint("TRACKER_DIGEST_HOUR", 8)
TRACKER_DIGEST_TIMEZONE = os.environ.get("TRACKER_DIGEST_TIMEZONE", "UTC")
TRACKER_DIGEST_SEND_EMPTY = envbool("TRACKER_DIGEST_SEND_EMPTY")
TRACKER_DIGEST_BATCH_SIZE = envint("TRACKER_DIGEST_BATCH_SIZE", 500)
# A sender renews its claims every quarter of this (seconds); a claim not renewed for this long
# belongs to a sender that died and is taken over. Keep it under the broker's visibility timeout:
# a batch re-delivered after its worker died must find its dead claims already stale.
TRACKER_DIGEST_CLAIM_TIMEOUT = envint("TRACKER_DIGEST_CLAIM_TIMEOUT", 120)
# Items listed per section of one e-mail; the rest are counted with a link to the full list.
TRACKER_DIGEST_MAX_ITEMS = envint("TRACKER_DIGEST_MAX_ITEMS", 25)
TRACKER_DIGEST_UNSUBSCRIBE_MAILTO = os.environ.get("TRACKER_DIGEST_UNSUBSCRIBE_MAILTO", "")
# The public subscribe form and API send e-mail to any address typed in: cap them.
# Reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the client: subscribe limits and
# the audit trail count by that address instead of the proxy's (commitments.clients). Empty: REMOTE_ADDR.
TRACKER_TRUSTED_PROXIES = envlist("TRACKER_TRUSTED_PROXIES")
TRACKER_SUBSCRIBE_PER_IP_PER_HOUR = envint("TRACKER_SUBSCRIBE_PER_IP_PER_HOUR", 20)
TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY = envint("TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY", 3)

from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["weekly-digests"] = {
    "task": "commitments.tasks.digests.digests_send_due",
    "schedule": crontab(minute=0),
}
# Staff alerts for missed deadlines (commitments/digests/deadlines.py): hourly; each deadline is mailed once.
# Deadlines passed more than TRACKER_DEADLINE_ALERT_DAYS ago are not announced; TRACKER_DEADLINE_ALERT_TO
# (comma-separated addresses) replaces the default recipients, every active staff user with an address.
TRACKER_DEADLINE_ALERT_DAYS = envint("TRACKER_DEADLINE_ALERT_DAYS", 7)
TRACKER_DEADLINE_ALERT_TO = envlist("TRACKER_DEADLINE_ALERT_TO")
CELERY_BEAT_SCHEDULE["deadline-alerts"] = {"task": "commitments.tasks.digests.deadline_alerts", "schedule": crontab(minute=30)}
# Reviewers get an e-mail when proposals wait (at most daily each; opt-out on /admin/review/notices/).
CELERY_BEAT_SCHEDULE["review-notices"] = {
    "task": "commitments.tasks.review.review_notices_send_due",
    "schedule": crontab(minute=30),
}
# --- REST API (issue 3: dashboards) ------------------------------------------------
# TRACKER_API_ANONYMOUS_READ: anonymous clients may read (default on).
# TRACKER_API_THROTTLE_ANON / _USER: request rates, e.g. "120/minute"; empty turns throttling off.
# TRACKER_API_ORGANISATION: the fact-checker named as author in ClaimReview JSON-LD.
TRACKER_API_ANONYMOUS_READ = envbool("TRACKER_API_ANONYMOUS_READ", "True")
TRACKER_API_THROTTLE_ANON = os.environ.get("TRACKER_API_THROTTLE_ANON", "120/minute")
TRACKER_API_THROTTLE_USER = os.environ.get("TRACKER_API_THROTTLE_USER", "1200/minute")
TRACKER_API_ORGANISATION = os.environ.get("TRACKER_API_ORGANISATION", "Commitments Tracker")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "commitments.api.schema.TrackerAutoSchema",
    # Token first: DRF takes the WWW-Authenticate challenge from the first class, so an anonymous write is a
    # 401 (log in, or send a token) rather than a 403; a signed-in user without the permission still gets 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["commitments.api.permissions.ReadOrRecordHistory"],
    "DEFAULT_THROTTLE_CLASSES": ["commitments.api.throttles.AnonThrottle", "commitments.api.throttles.UserThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["commitments.api.renderers.ORJSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["commitments.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "commitments.api.pagination.ListPagination",
    # DRF's parsers, plus: too-deep JSON is a 400, and no body string may hold NUL or another control character.
    "DEFAULT_PARSER_CLASSES": [
        "commitments.api.parsers.SafeJSONParser",
        "commitments.api.parsers.SafeFormParser",
        "commitments.api.parsers.SafeMultiPartParser",
    ],
    "PAGE_SIZE": 100,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commitments Tracker API",
    "DESCRIPTION": "Commitments and claims quoted verbatim from official statements, "
    "with their status history and evidence.",
    "VERSION": "1.0.0",
    # Two choice sets share the field name "status" (a commitment's, an intake job's): each keeps a readable name.
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "commitments.models.domain.Status"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "commitments.api.schema.document_error_responses"],
}
# CORS for browser dashboards on other origins (django-cors-headers): off unless
# CORS_ALLOWED_ORIGINS lists them (comma-separated, e.g. "https://dash.example.org").
# Only the API answers cross-origin; the admin and the public pages never do. Reading
# needs no cookies, so none are sent cross-origin (CORS_ALLOW_CREDENTIALS stays off).
CORS_ALLOWED_ORIGINS = envlist("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "if-modified-since", "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Content-Disposition"]
# --- end REST API -----------------------------------------------------------------
# --- Editorial review and audit trail (issue 11) ------------------------------------
# TRACKER_REVIEW_REQUIRED: status updates, verdicts and party assessments are proposed and
# shown only once a Reviewer (never the proposer) publishes them. Off: a save publishes at
# once, with no reviewer recorded.
TRACKER_REVIEW_REQUIRED = envbool("TRACKER_REVIEW_REQUIRED", "True")
AUDITLOG_STORE_JSON_CHANGES = True
# --- end editorial review ---------------------------------------------------------
