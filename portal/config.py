"""Configuration: defaults per trust zone, the layering rules, and the fail-fast check.

Precedence, lowest first: the zone's class below, ``instance/portal.py`` (shared by both zones),
``instance/<zone>.py``, ``PORTAL_*`` environment variables, ``PORTAL_<ZONE>_*`` environment
variables, then the ``overrides`` mapping given to ``create_app`` (tests). Nothing here reads
the environment or a file when the module is imported.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from portal.languages import N_

ZONE_NAMES = ("public", "staff")
ENVIRONMENTS = ("development", "production")

log = logging.getLogger(__name__)


class BaseConfig:
    # "production" turns on Secure cookies and refuses to start without secrets.
    PORTAL_ENV = "development"

    SECRET_KEY: str | None = None
    # Keys the limiter's client hash; a separate secret so rotating it never logs anyone out.
    PORTAL_CLIENT_KEY_SECRET: str | None = None

    # None means SQLite in the instance folder; set a postgresql:// URL in production.
    PORTAL_DATABASE_URL: str | None = None
    PORTAL_SQLITE_BUSY_TIMEOUT_MS = 10_000
    # Page cache per SQLite connection; a million crime incidents want tens of MiB.
    PORTAL_SQLITE_CACHE_MIB = 64
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}

    # Public address of the resident site, used for canonical and Open Graph URLs so that
    # they never depend on a Host header an attacker controls.
    PORTAL_SITE_URL = "http://127.0.0.1:5000"
    # How many reverse proxies sit in front of the app; 0 trusts no X-Forwarded-* header.
    PORTAL_PROXY_COUNT = 0

    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    # None means instance/uploads. Attachments are never under static/ and never served publicly.
    PORTAL_UPLOAD_FOLDER: str | None = None
    # None means instance/public-media: pictures staff publish with notices, kept apart from tips' files.
    PORTAL_MEDIA_FOLDER: str | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT: int | None = 3600

    # True sends Cache-Control: no-store on every response (the back office).
    PORTAL_NO_STORE = False

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_DEFAULT = "120 per minute"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_KEY_PREFIX = "portal"
    # When Redis is unreachable each worker counts the same limits in its own memory until Redis
    # answers again: a tipster's form keeps working (fail open on storage) and staff sign-in stays
    # throttled, if per process. Short timeouts so a dead Redis costs a request a second at most.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}

    # The department profile as seeded into the database by ``seed-demo``, and the
    # contact details error pages fall back to when the database cannot be read.
    PORTAL_DEPARTMENT: dict[str, str] = {
        "name": "Deerfield Police Department",
        "short_name": "Deerfield PD",
        "jurisdiction": "Village of Deerfield, Illinois",
        "street_address": "850 Waukegan Road",
        "locality": "Deerfield",
        "region": "IL",
        "postal_code": "60015",
        "emergency_phone": "911",
        "non_emergency_phone": "(847) 945-8636",
        "email": "police@deerfield.il.us",
        "website_url": "https://www.deerfield.il.us/",
        "facebook_name": "Deerfield Police Department",
        "facebook_url": "https://www.facebook.com/DeerfieldPolice",
        "twitter_handle": "DeerfieldILPD",
        "maintained_by": "the Deerfield Police Department's Communications Unit",
    }
    # The department's own phrases above as they read in the site's other languages, by language
    # code; a phrase left out shows as written above. Its name stays the official one everywhere.
    PORTAL_DEPARTMENT_WORDING: dict[str, dict[str, str]] = {
        "es": {
            "jurisdiction": "la Villa de Deerfield, Illinois",
            "maintained_by": "la Unidad de Comunicaciones del Departamento de Policía de Deerfield",
        },
    }


    # Approved accounts for the "Official accounts" page, seeded by ``seed-demo``.
    PORTAL_OFFICIAL_ACCOUNTS: list[dict[str, str]] = [
        {
            "platform": "Facebook",
            "display_name": "Deerfield Police Department",
            "handle": "Deerfield Police Department",
            "url": "https://www.facebook.com/DeerfieldPolice",
            "approved_on": "2024-03-01",
        },
        {
            "platform": "X (Twitter)",
            "display_name": "Deerfield Police Department",
            "handle": "@DeerfieldILPD",
            "url": "https://x.com/DeerfieldILPD",
            "approved_on": "2024-03-01",
        },
    ]

    PORTAL_LOG_LEVEL = "INFO"
    # Local time of the department: report forms ask for dates and times in it.
    PORTAL_TIMEZONE = "America/Chicago"

    # E-mail: "file" writes each message into PORTAL_OUTBOX_FOLDER (None: instance/outbox) for a
    # developer to read; "smtp" sends through the relay below. `flask --app portal outbox send`.
    PORTAL_MAIL_TRANSPORT = "file"
    PORTAL_MAIL_FROM = "Deerfield Police Department <no-reply@deerfield.il.us>"
    PORTAL_OUTBOX_FOLDER: str | None = None
    PORTAL_SMTP_HOST = "127.0.0.1"
    PORTAL_SMTP_PORT = 25
    PORTAL_SMTP_USERNAME: str | None = None
    PORTAL_SMTP_PASSWORD: str | None = None
    PORTAL_SMTP_STARTTLS = False
    PORTAL_SMTP_TIMEOUT = 10

    # Where a submission goes when no routing rule matches, and how long each kind may wait.
    PORTAL_FALLBACK_UNIT = "Triage"
    # The back office's address, for links in staff e-mail (never the content of a tip).
    PORTAL_BACK_OFFICE_URL = "http://127.0.0.1:5000/staff"
    PORTAL_DEADLINE_HOURS = {"missing-persons": 1, "tip": 72, "report": 72}

    # Maps (drawing routing areas): a tile server and where the jurisdiction is. OpenStreetMap's
    # public tiles suit light use only; a department with real traffic uses its own or a paid service.
    PORTAL_MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    PORTAL_MAP_ATTRIBUTION = "© OpenStreetMap contributors"
    PORTAL_MAP_CENTER = [42.1711, -87.8445]
    PORTAL_MAP_ZOOM = 13

    # Crime map and open data. Points are snapped to a grid of about this many metres (a city
    # block); aggregates and sensitive offenses use the coarser area cells. Changing either needs
    # a re-import of each export, which then updates every incident.
    PORTAL_CRIME_GRID_METRES = 150
    PORTAL_CRIME_AREA_METRES = 1000
    # Public categories (services/crime_categories.py) never shown at a point or a block, and
    # whether they are shown by area cell ("area") or left out of the public data ("omit").
    PORTAL_CRIME_SENSITIVE_CATEGORIES = ["sex-offense", "juvenile", "domestic"]
    PORTAL_CRIME_SENSITIVE_DISPLAY = "area"
    # The crime map draws at most this many incidents one by one; a wider view shows counts by area.
    PORTAL_CRIME_MAP_MAX_POINTS = 5000

    # Notices may link to the department's own sites and official accounts, and to these hosts
    # (and their subdomains), e.g. ["weather.gov", "isp.illinois.gov"]; other links draw a warning.
    PORTAL_LINK_ALLOWLIST: list[str] = ["weather.gov", "ready.gov", "isp.illinois.gov"]

    # Online reports: where they may come from, what they may be, how much they may cover.

    PORTAL_JURISDICTION_PLACES = ["Deerfield"]
    PORTAL_JURISDICTION_ZIP_CODES = ["60015"]
    PORTAL_REPORT_LOSS_LIMIT = 1000
    PORTAL_REPORT_INFO_DAYS = 14
    # Names and descriptions marked for the catalog and translated where shown; a department's own
    # types, with no translation, show as configured.
    PORTAL_REPORT_TYPES: dict[str, dict[str, Any]] = {
        "theft": {"name": N_("Theft"), "sections": ["items"],
                  "description": N_("Something was stolen from you (not from a vehicle).")},
        "theft-from-vehicle": {"name": N_("Theft from a vehicle"), "sections": ["vehicle", "items"],
                               "description": N_("Something was taken from inside or from the outside of a "
                                                 "vehicle.")},
        "lost-property": {"name": N_("Lost property"), "sections": ["items"],
                          "description": N_("You lost something and need a report, for example for insurance.")},
        "criminal-damage": {"name": N_("Criminal damage or vandalism"), "sections": ["items"],
                            "description": N_("Someone damaged your property, for example graffiti or a broken "
                                              "window.")},
        "identity-theft": {"name": N_("Identity theft"), "sections": ["identity", "financial"],
                           "description": N_("Someone used your personal details to open accounts or make "
                                             "purchases.")},
        "fraud": {"name": N_("Fraud or scam"), "sections": ["financial"],
                  "description": N_("You were tricked out of money or goods, online, by phone or in person.")},
        "harassing-communications": {"name": N_("Harassing calls or messages"), "sections": ["harassment"],
                                     "description": N_("Unwanted calls, texts or messages that harass or alarm "
                                                       "you.")},
        "other": {"name": N_("Other"), "sections": [],
                  "description": N_("Another minor crime with no suspect, no injury and no evidence to collect.")},
    }
    # Text-a-tip (README, "Text-a-tip"). None turns it off; "twilio" takes Twilio's webhook at
    # /sms/twilio and sends replies through its REST API. The keys are written by `init-secrets`
    # into instance/public.py only: the back office never holds them.
    PORTAL_SMS_PROVIDER: str | None = None
    PORTAL_SMS_ACCOUNT_SID: str | None = None
    PORTAL_SMS_AUTH_TOKEN: str | None = None
    # The department's number or short code, in E.164 form (+18475550100) or as the short code.
    PORTAL_SMS_NUMBER: str | None = None
    PORTAL_SMS_API_URL = "https://api.twilio.com"
    PORTAL_SMS_ALIAS_KEY: str | None = None
    PORTAL_SMS_NUMBER_KEY: str | None = None
    PORTAL_SMS_KEYWORD = "DEERFIELD"
    PORTAL_SMS_LIMIT = "10 per hour"
    # Where pictures sent with a text may be fetched from (scheme://host[:port]), redirects included.
    PORTAL_SMS_MEDIA_ORIGINS: list[str] = ["https://api.twilio.com", "https://media.twiliocdn.com"]
    # Seconds for each request to the provider; Twilio waits 15 s for the webhook's answer in all.
    PORTAL_SMS_TIMEOUT = 5
    # A conversation nobody texted in for this long is closed by `retention run`, and the number destroyed.
    PORTAL_SMS_IDLE_DAYS = 90
    # Picture shown when a page is shared on Facebook or X: 1200 x 630, under static/.
    PORTAL_SHARE_IMAGE = "img/og-card.png"


class PublicConfig(BaseConfig):
    SESSION_COOKIE_NAME = "portal_public"
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # A tipster may take hours over a tip; an expired token re-shows the form, text kept, anyway.
    WTF_CSRF_TIME_LIMIT = None
    # The hard cap, above the tip form's own limits, so that too-large files get a message next
    # to the field with the text kept, rather than this cap's bare 413 page.
    MAX_CONTENT_LENGTH = 40 * 1024 * 1024
    PORTAL_TIP_MAX_FILES = 5
    PORTAL_TIP_MAX_FILE_BYTES = 10 * 1024 * 1024
    PORTAL_TIP_MAX_TOTAL_BYTES = 30 * 1024 * 1024
    # Flood control without JavaScript or tracking: per client key, per form, per tip number.
    PORTAL_TIP_LIMIT = "5 per hour"
    PORTAL_TIP_FORM_LIMIT = "10 per hour"
    PORTAL_TIP_CHECK_LIMIT = "10 per hour"
    PORTAL_TIP_MIN_FILL_SECONDS = 5
    PORTAL_REPORT_LIMIT = "10 per hour"
    PORTAL_REPORT_STATUS_LIMIT = "10 per hour"
    # Seconds a worker may serve public pages without asking whether their content changed: a
    # published or cancelled notice shows at most this late (a notice's start and expiry are always
    # exact). 0 asks on every request, at about a third of the pages' speed (bench/portal_bench.py).
    PORTAL_PAGE_RECHECK_SECONDS = 1
    # No script at all on the resident site: it must work in Tor Browser's safest mode.
    PORTAL_CSP = (
        "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


class StaffConfig(BaseConfig):
    SESSION_COOKIE_NAME = "portal_staff"
    SESSION_COOKIE_SAMESITE = "Strict"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    RATELIMIT_KEY_PREFIX = "portal-staff"
    PORTAL_NO_STORE = True
    PORTAL_LOGIN_LIMIT = "10 per minute"
    PORTAL_LOCKOUT_THRESHOLD = 5
    PORTAL_LOCKOUT_MINUTES = 15
    PORTAL_SESSION_IDLE_MINUTES = 30
    PORTAL_SESSION_MAX_HOURS = 12
    # How long the step between password and code may take.
    PORTAL_PENDING_SIGN_IN_SECONDS = 300
    # The crime data upload alone may exceed MAX_CONTENT_LENGTH: a year of a city's export runs
    # to hundreds of MiB (staff/incident_imports.py).
    PORTAL_INCIDENT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
    PORTAL_CSP = (
        "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
        "script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


ZONES: dict[str, type[BaseConfig]] = {"public": PublicConfig, "staff": StaffConfig}


def parse_env_value(raw: str) -> Any:
    """Numbers, booleans, lists and objects come in as JSON; anything else is a string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def env_overrides(zone: str, config: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Config updates from ``PORTAL_*`` then ``PORTAL_<ZONE>_*`` variables.

    ``PORTAL_X`` sets our own key ``PORTAL_X`` when it exists, else the extension key ``X``
    (``PORTAL_SECRET_KEY`` -> ``SECRET_KEY``). Unknown names are ignored with a warning, so
    a typo never silently becomes a new setting.
    """
    zone_prefixes = tuple(f"PORTAL_{name.upper()}_" for name in ZONE_NAMES)
    shared: dict[str, Any] = {}
    own_zone: dict[str, Any] = {}
    for name in sorted(environ):
        if not name.startswith("PORTAL_") or name in ("PORTAL_ZONE",):
            continue
        if name.startswith(zone_prefixes):
            env_zone, _, rest = name[len("PORTAL_"):].partition("_")
            if env_zone.lower() != zone:
                continue
            target, rest_name = own_zone, rest
        else:
            target, rest_name = shared, name[len("PORTAL_"):]
        key = resolve_key(f"PORTAL_{rest_name}", rest_name, config)
        if key is None:
            log.warning("ignoring unknown configuration variable %s", name)
            continue
        target[key] = parse_env_value(environ[name])
    return {**shared, **own_zone}


def resolve_key(own_name: str, extension_name: str, config: Mapping[str, Any]) -> str | None:
    if own_name in config:
        return own_name
    if extension_name in config:
        return extension_name
    return None


def sqlite_uri(instance_path: str) -> str:
    return f"sqlite:///{instance_path}/portal.db"


def database_uri(url: str | None, instance_path: str) -> str:
    """The SQLAlchemy URI for ``PORTAL_DATABASE_URL``: psycopg 3 for PostgreSQL, else SQLite."""
    if not url:
        return sqlite_uri(instance_path)
    for legacy in ("postgres://", "postgresql://"):
        if url.startswith(legacy):
            return "postgresql+psycopg://" + url[len(legacy):]
    return url


# What PORTAL_DEPARTMENT_WORDING may word in another language: phrases, not names or numbers.
DEPARTMENT_PHRASES = frozenset({"jurisdiction", "maintained_by"})


class ConfigurationError(RuntimeError):
    """The app must not start with this configuration."""


SMS_PROVIDERS = (None, "twilio")
SMS_SETTINGS = ("PORTAL_SMS_ACCOUNT_SID", "PORTAL_SMS_AUTH_TOKEN", "PORTAL_SMS_NUMBER")
SMS_KEYS = ("PORTAL_SMS_ALIAS_KEY", "PORTAL_SMS_NUMBER_KEY")


def check_sms(config: Mapping[str, Any]) -> None:
    """Text-a-tip needs the provider's account and both keys in the public zone, in every environment:
    a temporary key would lose every open conversation at the next restart."""
    provider = config["PORTAL_SMS_PROVIDER"]
    if provider not in SMS_PROVIDERS:
        raise ConfigurationError(f"PORTAL_SMS_PROVIDER must be one of {SMS_PROVIDERS}, not {provider!r}")
    if provider is None:
        return
    missing = [key for key in SMS_SETTINGS if not config.get(key)]
    if missing:
        raise ConfigurationError(f"text-a-tip is on but {', '.join(missing)} is not set")
    if not str(config["PORTAL_SMS_KEYWORD"]).isalnum():
        raise ConfigurationError("PORTAL_SMS_KEYWORD must be one word of letters and digits")
    if config["PORTAL_ZONE"] != "public":
        return
    short = [key for key in SMS_KEYS if len(str(config.get(key) or "")) < 32]
    if short:
        raise ConfigurationError(f"{', '.join(short)} is missing or shorter than 32 characters; run "
                                 "`flask --app portal init-secrets`")


def check(config: Mapping[str, Any]) -> list[str]:
    """Refuse configurations that would run insecurely; return warnings for the log."""
    warnings: list[str] = []
    if config["PORTAL_ENV"] not in ENVIRONMENTS:
        raise ConfigurationError(f"PORTAL_ENV must be one of {ENVIRONMENTS}, not {config['PORTAL_ENV']!r}")
    production = config["PORTAL_ENV"] == "production"
    for key in ("SECRET_KEY", "PORTAL_CLIENT_KEY_SECRET"):
        value = config.get(key)
        if value and len(str(value)) >= 32:
            continue
        if production:
            raise ConfigurationError(
                f"{key} is missing or shorter than 32 characters; run "
                "`flask --app portal init-secrets` or set it in the environment"
            )
        if not config.get("TESTING"):
            warnings.append(f"{key} is not set: using a temporary one until `init-secrets` is run")
    if not isinstance(config["PORTAL_PROXY_COUNT"], int) or config["PORTAL_PROXY_COUNT"] < 0:
        raise ConfigurationError("PORTAL_PROXY_COUNT must be a whole number, 0 or more")
    wording = config["PORTAL_DEPARTMENT_WORDING"]
    if not isinstance(wording, dict) or any(
            not isinstance(phrases, dict) or not set(phrases) <= DEPARTMENT_PHRASES
            or not all(isinstance(text, str) for text in phrases.values()) for phrases in wording.values()):
        raise ConfigurationError("PORTAL_DEPARTMENT_WORDING must map a language code to phrases of "
                                 f"{sorted(DEPARTMENT_PHRASES)}, each a string")
    check_sms(config)
    if config["PORTAL_CRIME_SENSITIVE_DISPLAY"] not in ("area", "omit"):
        raise ConfigurationError('PORTAL_CRIME_SENSITIVE_DISPLAY must be "area" or "omit"')
    if production and str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        warnings.append("production mode on SQLite: use PostgreSQL (PORTAL_DATABASE_URL)")
    if production and str(config["RATELIMIT_STORAGE_URI"]).startswith("memory"):
        warnings.append("production mode with in-memory rate limits: use Redis (PORTAL_RATELIMIT_STORAGE_URI)")
    return warnings
