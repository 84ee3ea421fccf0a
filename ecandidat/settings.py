"""Settings, read from the environment.

With no variable set, the application runs in *embedded* mode: SQLite under var/, Celery tasks
run eagerly in-process, mails printed to the console and kept under var/mail, files under
var/media, DEBUG on. ``ECANDIDAT_ENV=production`` switches to production mode, which refuses to
start without SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS. Every variable is listed in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("ECANDIDAT_VAR_DIR", default=str(BASE_DIR / "var")))
for _folder in (VAR_DIR, VAR_DIR / "static"):
    _folder.mkdir(parents=True, exist_ok=True)

PRODUCTION = env.str("ECANDIDAT_ENV", default="embedded") == "production"

if PRODUCTION:
    missing = [
        name
        for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SITE_URL")
        if not env(name, default="")
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode needs these environment variables: " + ", ".join(missing)
        )
    # Django only warns (security.W009) about a weak key; signed cookies, password-reset
    # tokens and the session all rest on it, so production refuses to start with one.
    _key = env.str("SECRET_KEY")
    if len(_key) < 50 or len(set(_key)) < 5 or _key.startswith(("django-insecure", "change-me")):
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 random characters in production, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )

# The embedded key is only ever used on a developer's machine: production refuses to start
# without its own (above).
SECRET_KEY = env.str("SECRET_KEY", default="embedded-insecure-key-only-for-local-use-" + "x" * 20)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTITUTION_NAME = env.str("INSTITUTION_NAME", default="Université Toulouse Jean Jaurès")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="formations.diplomantes@univ-tlse2.fr")

INSTALLED_APPS = [
    "ecandidat.apps.EcandidatAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_cas_ng",
    "django_countries",
    "phonenumber_field",
    "accounts",
    "dossiers",
    "candidatures",
    "pieces",
    "commissions",
    "notifications",
    "audit",
    "csp",
    "ent",
    "django_celery_beat",
    "jobs",
    "exports",
]

# Benchmarks (bench/, `make bench`): the data generator and the two floor views exist only when
# this is on. Never on by default, production included.
BENCH = env.bool("ECANDIDAT_BENCH", default=False)
if BENCH:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # First: a load balancer's probes are answered before host checks, HTTPS redirect,
    # sessions and sign-in (ecandidat/health.py).
    "ecandidat.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ecandidat.middleware.RefuseNulInQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every page needs a signed-in user unless its view is marked
    # @login_not_required (tests/security/test_deny_by_default.py keeps the list of those).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ecandidat.middleware.NoStoreWhenSignedInMiddleware",
    "accounts.middleware.RememberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ecandidat.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "ecandidat.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecandidat.context_processors.institution",
            ],
            # {% memo %}: the layout's fixed parts rendered once per process (ecandidat/layout.py);
            # the admin's app list written in Python (templates/admin/app_list.html).
            "libraries": {"layout": "ecandidat.layout", "ecandidat_admin": "ecandidat.admin_tags"},
            # {% extends %} listing the root template's blocks once (ecandidat/templating.py).
            "builtins": ["ecandidat.templating"],
        },
    },
]
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"

WSGI_APPLICATION = "ecandidat.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ecandidat.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with foreign keys whose ON DELETE is their on_delete (see the module).
    DATABASES["default"]["ENGINE"] = "ecandidat.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite's default journal makes concurrent requests (runserver threads) fail with
    # "database is locked"; WAL and a busy timeout let them queue instead.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The email is unique case-insensitively through a functional constraint (Lower(email)), which
# this check does not see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# Rate limits (login, sign-up, reset, resend) live in this cache: it must be shared by every
# web process, hence Redis in production.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Tolerant of Redis being away (ecandidat/cache.py): pages work from the database; short
    # timeouts so an unreachable host does not hold a request.
    CACHES = {
        "default": {
            "BACKEND": "ecandidat.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions read from the cache, written through to the database. Without Redis that cache is
# the process's own memory: right for the embedded single process (and the same queries per
# page as production), wrong for several production workers (a session ended in one would
# live on in another's memory), so production without Redis reads them from the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL or not PRODUCTION
    else "django.contrib.sessions.backends.db"
)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ],
)
# A password-reset link is valid one hour; it is single-use because the token covers the
# password hash and the last login.
PASSWORD_RESET_TIMEOUT = 3600

# One backend (allauth's, which extends ModelBackend: permissions and the admin's login work):
# with ModelBackend before it, a wrong password on an existing address was hashed three times
# and an unknown one twice, and the difference showed in the response time.
# The CAS backend only takes tickets (its signature refuses a password), so it adds no hashing.
AUTHENTICATION_BACKENDS = ["accounts.backends.AccountBackend", "ent.casauth.EntCASBackend"]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ecandidat.formats"]  # English dates day first (formats/en)
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}

# django-dsfr puts Subresource Integrity hashes of its own files on the <link> and <script>
# tags; production's manifest storage rewrites those files (hashed url() and source-map
# names), so the browser would refuse them and show the pages unstyled and without scripts
# (found by the smoke run). The files come from our own origin: SRI adds nothing there.
DSFR_USE_INTEGRITY_CHECKSUMS = not PRODUCTION

# --- Mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="ecandidat <no-reply@ecandidat.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MAIL_DIR = VAR_DIR / "mail"
if PRODUCTION or env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:1025"))
    if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":  # noqa: F821
        EMAIL_BACKEND = "notifications.backends.SMTPBackend"  # keeps the server's answer
else:
    EMAIL_BACKEND = "notifications.backends.ConsoleAndFileBackend"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not PRODUCTION)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose whole worker died (SIGKILL, lost machine) stays unacknowledged in Redis until
# this many seconds after it was handed out, then goes to another worker (kombu's default, one
# hour; docs/jobs.md). A task still running after it is handed out a second time meanwhile.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# Celery's Django fixup closes the database connections around every task unless told to
# reuse them this many times; ecandidat.celery closes them by CONN_MAX_AGE instead, as requests do.
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Every periodic job is a schedule in the database, editable in the admin (docs/jobs.md); the
# rows are created from the jobs' registry (``jobs.registry``) by ``migrate``.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True
# Items each job takes per transaction (rows locked FOR UPDATE SKIP LOCKED).
JOBS_BATCH_SIZE = env.int("JOBS_BATCH_SIZE", default=100)
# A run still « running » after this long is taken as dead (its process crashed).
JOBS_STALE_AFTER_SECONDS = env.int("JOBS_STALE_AFTER_SECONDS", default=6 * 3600)
# Days after archiving before an archived campaign's applications and files are destroyed.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=365)

# A candidate promoted from a waiting list has at least this many days to confirm (when the
# programme's fixed deadline is nearer, or past, they get their own).
WAITLIST_PROMOTION_DAYS = env.int("WAITLIST_PROMOTION_DAYS", default=8)

# --- Notifications (docs/notifications.md) -------------------------------------------------
# Links in mails are absolute: a mail sent by a worker has no request to take the host from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Staff may write a centre's own version of a mail; named here so notifications imports nothing.
NOTIFICATIONS_CENTRE_MODEL = "candidatures.Centre"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
NOTIFICATIONS_SUBJECT_PREFIX = env.str("NOTIFICATIONS_SUBJECT_PREFIX", default="[ecandidat] ")
NOTIFICATIONS_MESSAGE_ID_DOMAIN = env.str("NOTIFICATIONS_MESSAGE_ID_DOMAIN", default="ecandidat")
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
# Retry n waits BACKOFF * 2**(n-1): 1, 2, 4... 64 minutes, about two hours in all.
NOTIFICATIONS_BACKOFF_SECONDS = env.int("NOTIFICATIONS_BACKOFF_SECONDS", default=60)
# Longer than a whole SMTP exchange can take (each socket operation times out at EMAIL_TIMEOUT),
# so a live worker never loses its row to another one.
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=300)
# A pending row queued less than this ago is presumed still waiting in the broker's queue.
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env.int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", default=300)
# A delivery task takes up to this many due rows along, on one claim and one SMTP session.
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=50)

# --- Accounts (django-allauth) --------------------------------------------------------------
ACCOUNT_ADAPTER = "ent.adapter.EntAccountAdapter"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "add_email": "accounts.forms.AddEmailForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "candidate_number"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "email2*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
# Tell the owner when their email or password changes (mails through the outbox).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False  # stored keys: expired, unknown and used links differ
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 2
ACCOUNT_ACTIVATION_PERIOD = timedelta(hours=48)
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ecandidat] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/900s/key",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "resend_activation": "10/h/ip,3/h/key",
}
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = INSTITUTION_NAME
# Staff must hold a TOTP authenticator to reach the admin in production; the embedded demo
# leaves it off so its demo staff user can sign in at once (README says so).
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=PRODUCTION)

# --- ENT single sign-on and student records (ent app, docs/ent.md) --------------------------
# The embedded demo runs a development CAS server (ent.dev_idp) and a student-records fixture;
# production refuses the development server.
ENT_DEV_IDP = env.bool("ENT_DEV_IDP", default=not PRODUCTION)
if PRODUCTION and ENT_DEV_IDP:
    raise ImproperlyConfigured(
        "ENT_DEV_IDP (the development identity provider) is refused in production"
    )
# CAS (django-cas-ng): on when CAS_SERVER_URL is set, e.g. https://cas.univ.example/cas/
# Absolute: django-cas-ng builds a relative one from the Host header, absent from some requests.
CAS_SERVER_URL = env.str(
    "CAS_SERVER_URL", default=f"{SITE_URL.rstrip('/')}/dev-cas/" if ENT_DEV_IDP else ""
)
CAS_VERSION = "3"
CAS_REDIRECT_URL = "/"
CAS_CHECK_NEXT = True
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
ENT_CAS_TIMEOUT = env.float("ENT_CAS_TIMEOUT", default=5.0)


def _cas_session():
    from ent.httpsession import TimeoutSession

    return TimeoutSession()


CAS_SESSION_FACTORY = _cas_session
ENT_CAS_ATTRIBUTES = {
    "email": env.str("ENT_CAS_EMAIL_ATTRIBUTE", default="mail"),
    "first_name": env.str("ENT_CAS_FIRST_NAME_ATTRIBUTE", default="givenName"),
    "last_name": env.str("ENT_CAS_LAST_NAME_ATTRIBUTE", default="sn"),
    "student_number": env.str("ENT_CAS_STUDENT_NUMBER_ATTRIBUTE", default="supannEtuId"),
}
# OpenID Connect (allauth's openid_connect provider): on when ENT_OIDC_SERVER_URL is set.
ENT_OIDC_SERVER_URL = env.str("ENT_OIDC_SERVER_URL", default="")
ENT_OIDC_CLAIMS = {
    "email": "email",
    "first_name": "given_name",
    "last_name": "family_name",
    "student_number": env.str("ENT_OIDC_STUDENT_NUMBER_CLAIM", default="supannEtuId"),
}
SOCIALACCOUNT_ADAPTER = "ent.oidc.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the ENT vouches for the address
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never sign in by matching the email
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("ENT_OIDC_TIMEOUT", default=5)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "ent.oidc.EntOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "ent",
                "name": "ENT",
                "client_id": env.str("ENT_OIDC_CLIENT_ID", default=""),
                "secret": env.str("ENT_OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": ENT_OIDC_SERVER_URL},
            }
        ]
        if ENT_OIDC_SERVER_URL
        else [],
    }
}
# Student records: "fixture" (a JSON file), "http" (a REST service), or empty for none.
STUDENT_RECORDS_BACKEND = env.str(
    "STUDENT_RECORDS_BACKEND", default="fixture" if ENT_DEV_IDP else ""
)
STUDENT_RECORDS_FIXTURE = env.str(
    "STUDENT_RECORDS_FIXTURE", default=str(BASE_DIR / "ent" / "data" / "demo_student_records.json")
)
STUDENT_RECORDS_URL = env.str("STUDENT_RECORDS_URL", default="")
STUDENT_RECORDS_TOKEN = env.str("STUDENT_RECORDS_TOKEN", default="")
STUDENT_RECORDS_TIMEOUT = env.float("STUDENT_RECORDS_TIMEOUT", default=5.0)
# The INE sign-up asks the student records: per client address and per INE typed.
ACCOUNT_RATE_LIMITS["ine_signup"] = env.str("RATE_LIMIT_INE_SIGNUP", default="5/h/ip,5/h/key")

# --- Dossiers -------------------------------------------------------------------------------
# Phone numbers typed without a prefix are French ones.
PHONENUMBER_DEFAULT_REGION = "FR"

# --- Pieces (uploaded documents) -------------------------------------------------------------
# One file per document, checked and rewritten before it is stored (pieces/files/).
PIECES_MAX_UPLOAD_BYTES = env.int("PIECES_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
# Django's default, written here because the checks rely on it: an upload bigger than this is
# written to a temporary file, which the checks read in place (a 5 MB one never sits whole in
# a web worker's memory).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Above this many pixels an image is refused as a decompression bomb (a 48 Mpx photo passes).
PIECES_MAX_IMAGE_PIXELS = env.int("PIECES_MAX_IMAGE_PIXELS", default=60_000_000)
PIECES_MAX_MERGE_FILES = env.int("PIECES_MAX_MERGE_FILES", default=20)
PIECES_MAX_PDF_PAGES = env.int("PIECES_MAX_PDF_PAGES", default=1000)
# Antivirus: clamd over a unix socket, or TCP when only the host is set; off when neither is.
PIECES_CLAMD_SOCKET = env.str("PIECES_CLAMD_SOCKET", default="")
PIECES_CLAMD_HOST = env.str("PIECES_CLAMD_HOST", default="")
PIECES_CLAMD_PORT = env.int("PIECES_CLAMD_PORT", default=3310)
PIECES_CLAMD_TIMEOUT = env.float("PIECES_CLAMD_TIMEOUT", default=30.0)
# Files go to STORAGES["default"]: var/media locally, a private S3 bucket (django-storages)
# when AWS_STORAGE_BUCKET_NAME is set. Never served by URL: only by pieces.views.download.
# Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3 from the environment.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# A session ends an hour after the last request, and twelve hours after signing in whatever
# happens (ecandidat.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=3600)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser keeps them only if Secure, for this exact host and path /, so no
    # sibling sub-domain can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy (django-csp): scripts and styles from our own origin only, no inline
# code or style attribute anywhere (a test renders every page to check); an inline block that
# really must exist takes the request's nonce: <script nonce="{{ request.csp_nonce }}">.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Rate limits count per client address. Behind N reverse proxies that each append to
# X-Forwarded-For, the client is the N-th address from the right; 0 (direct exposure) ignores
# the header, which any client can write.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# The candidate's own actions (ecandidat/ratelimits.py), "amount/period/per" as allauth's,
# per account ("user") and per client address ("ip"; generous: a school's pupils may share
# one). The INE change of a dossier says whether another dossier holds that INE.
CANDIDATE_RATE_LIMITS = {
    "dossier_ine": env.str("RATE_LIMIT_DOSSIER_INE", default="10/h/user,30/h/ip"),
    "piece_upload": env.str("RATE_LIMIT_PIECE_UPLOAD", default="60/h/user,300/h/ip"),
    "submit": env.str("RATE_LIMIT_SUBMIT", default="10/h/user,60/h/ip"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
