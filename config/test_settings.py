"""Fast settings for the test suite (selected in pyproject.toml)."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The page cache is off: most tests read the context a page was rendered with, which a page served
# from the cache has none of. tests/reports/dashboards/test_page_cache*.py turn it on (in memory; the
# Redis tests start a Redis of their own); tests/conftest.py empties it before each test.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Tests default to English so that their assertions read plainly and never depend on the catalog;
# tests/config/test_i18n.py asks for Vietnamese explicitly (Accept-Language, the cookie or override_settings).
LANGUAGE_CODE = "en"
PAGE_CACHE = ""
