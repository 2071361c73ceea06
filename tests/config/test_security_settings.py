"""Production settings: `check --deploy` is clean with the documented environment (deploy/env.example),
the hardened defaults hold, and a missing secret or host list stops the app from starting."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "env.example"


def documented_environment() -> dict[str, str]:
    """deploy/env.example with a real secret in place of the placeholder."""
    env = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _sep, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def run(code_or_args: list[str], **env) -> subprocess.CompletedProcess:
    """A fresh interpreter with only ``env`` (and PATH) set: settings are read at start-up."""
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG, "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE, "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS, "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "STATIC": s.STORAGES["staticfiles"]["BACKEND"], "LOG_FORMAT": s.LOG_FORMAT,
    "DATABASES": sorted(s.DATABASES), "ROUTERS": s.DATABASE_ROUTERS,
}))
"""


def settings_with(**env) -> dict:
    result = run(["-c", SHOW_SETTINGS], DJANGO_SETTINGS_MODULE="config.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_with_the_documented_environment():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **documented_environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("System check identified no issues")
    assert "WARNING" not in result.stderr


def test_the_documented_environment_hardens_everything():
    values = settings_with(**documented_environment())
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "STATIC": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "LOG_FORMAT": "json",
        "DATABASES": ["default"],
        "ROUTERS": [],
    }


def test_development_is_the_default_of_manage_py_and_keeps_debug_on():
    values = settings_with()
    assert values["DEBUG"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["STATIC"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_a_replica_adds_the_router():
    values = settings_with(DATABASE_REPLICA_URL="postgres://reader@10.0.0.2:5432/coverage")
    assert values["DATABASES"] == ["default", "replica"]
    assert values["ROUTERS"] == ["config.routers.ReplicaRouter"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set in production and whenever DEBUG is off."),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set in production"),
    ],
)
def test_production_refuses_to_start_without_a_secret_or_hosts(missing, message):
    env = documented_environment()
    del env[missing]
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_bad_value_is_named():
    result = run(["manage.py", "check"], DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_what_gunicorn_serves_is_production_unless_told_otherwise():
    """config/wsgi.py defaults to production: without a secret it refuses to start."""
    result = run(["-c", "import config.wsgi"])
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_every_setting_read_from_the_environment_is_documented():
    """docs/deployment.md's configuration reference names every variable the app and its scripts read."""
    sources = ["config/settings.py", "deploy/gunicorn.conf.py", "deploy/backup.sh"]
    read = set()
    for source in sources:
        text = (ROOT / source).read_text()
        read |= set(re.findall(r'(?:env_\w+|environ\.get|environ)\(?\[?"([A-Z][A-Z0-9_]+)"', text))
        read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)[:}]", text))
    assert {"SECRET_KEY", "DATABASE_REPLICA_URL", "GUNICORN_WORKERS", "BACKUP_KEEP_DAYS"} <= read
    reference = (ROOT / "docs" / "deployment.md").read_text().split("## Configuration reference")[1]
    undocumented = sorted(name for name in read if f"| `{name}` |" not in reference)
    assert undocumented == []
