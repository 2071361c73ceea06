"""The page cache on a real Redis (the backend several app servers share): pages kept and served,
the first view after a write fresh, and a Redis that stops mid-run costs nothing but the cache.
The Redis is REDIS_URL's (scripts/with-redis.sh) or one started here on a free loopback port."""

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
from django.core.cache import caches

from tests import factories as f
from tests.helpers import grid_row, grid_url
from tests.reports.dashboards.test_page_cache import from_cache, view

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.1).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url():
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/system-deps.sh installs it)")
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _listening(port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
        server.terminate()
        server.wait(10)


@pytest.fixture
def on_redis(settings, redis_url):
    settings.PAGE_CACHE = "pages"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{os.getpid()}",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        },
    }
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()


def test_redis_keeps_the_page_and_a_grid_save_makes_the_next_view_fresh(client, editor_bdh, on_redis):
    enterprise = f.enterprise("BDH", established=dt.date(2015, 1, 1))
    f.report(enterprise, "2024S1", workers=10)
    client.force_login(editor_bdh)
    assert not from_cache(view(client, "zone-detail", "BDH"))
    kept = view(client, "zone-detail", "BDH")
    assert from_cache(kept) and b'<span class="user">editor-bdh</span>' in kept.content
    assert client.post(grid_url(), grid_row(enterprise, version=1, workers=25)).status_code == 302
    fresh = view(client, "zone-detail", "BDH")
    assert not from_cache(fresh) and fresh.context["figures"]["workers"] == 25


def test_a_vietnamese_page_on_redis_is_kept_apart_from_the_english_one(client, viewer, on_redis):
    client.force_login(viewer)
    view(client)
    vietnamese = view(client, HTTP_ACCEPT_LANGUAGE="vi")
    assert not from_cache(vietnamese) and '<html lang="vi">' in vietnamese.content.decode()
    assert '<html lang="en">' in view(client).content.decode()
