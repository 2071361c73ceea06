"""Fast settings for the test suite (selected in pyproject.toml)."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests default to English so that their assertions read plainly and never depend on the catalog;
# tests/config/test_i18n.py asks for Vietnamese explicitly (Accept-Language, the cookie or override_settings).
LANGUAGE_CODE = "en"
