"""Uploads waiting for confirmation: each file, and the plan checked from it, in a private directory.

The upload page stores a file under a random token that only the uploader's session knows (a
request never names a file by a path or name the browser sends). The first preview checks the file
and keeps the plan beside it, so that reloading the preview and confirming read the plan instead of
parsing the file again. The plan is pickled and signed with the SECRET_KEY: only a plan this server
wrote is ever unpickled (``load_plan`` checks the signature first). Uploads nobody confirms are
removed ``max_age()`` seconds (an hour) after upload, swept on every upload, and a user has at most
``max_pending()`` of them at a time.
"""

from __future__ import annotations

import os
import pickle  # nosec B403
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from membership.importing.plan import ImportPlan

EXTENSIONS = (".csv", ".xlsx")
PLAN_SUFFIX = ".plan"
_SALT = "membership.importing.pending"
_MAC_BYTES = 32  # SHA-256


def max_age() -> int:
    """Seconds an unconfirmed upload is kept (setting IMPORT_PENDING_MAX_AGE, default an hour)."""
    return int(getattr(settings, "IMPORT_PENDING_MAX_AGE", 3600))


def max_pending() -> int:
    """Unconfirmed uploads a user may have at a time (setting IMPORT_PENDING_PER_USER, default 3)."""
    return int(getattr(settings, "IMPORT_PENDING_PER_USER", 3))


def upload_dir() -> Path:
    """A directory only this process's user can read, outside the project and the static files."""
    directory = Path(
        getattr(settings, "IMPORT_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "coverage-imports"
    )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


@dataclass(frozen=True)
class Upload:
    """One stored upload: its token, its uploader and its file's extension name its two files."""

    token: str
    user_id: int
    extension: str

    @property
    def path(self) -> Path:
        return upload_dir() / f"{_prefix(self.user_id)}{self.token}{self.extension}"

    @property
    def plan_path(self) -> Path:
        return self.path.with_suffix(PLAN_SUFFIX)


def _prefix(user_id: int) -> str:
    return f"u{user_id}_"


def store(*, token: str, user_id: int, extension: str, chunks: Iterable[bytes]) -> Upload:
    """Write an uploaded file under its token (never over another file)."""
    upload = Upload(token, user_id, extension)
    with upload.path.open("xb") as target:
        for chunk in chunks:
            target.write(chunk)
    return upload


def sweep() -> None:
    """Remove the uploads older than ``max_age()`` with their plans, and plans left without a file."""
    now = time.time()
    for path in upload_dir().iterdir():
        try:
            if path.suffix == PLAN_SUFFIX:
                stale = not any(path.with_suffix(ext).exists() for ext in EXTENSIONS)
            else:
                stale = now - path.stat().st_mtime > max_age()
            if stale:
                path.unlink()
                path.with_suffix(PLAN_SUFFIX).unlink(missing_ok=True)
        except OSError:
            pass  # removed meanwhile by another request


def pending_count(user_id: int) -> int:
    """How many uploads of this user wait for a confirmation (call ``sweep()`` first)."""
    prefix = _prefix(user_id)
    return sum(1 for p in upload_dir().iterdir() if p.name.startswith(prefix) and p.suffix in EXTENSIONS)


def discard(upload: Upload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.plan_path.unlink(missing_ok=True)


def save_plan(upload: Upload, plan: ImportPlan) -> None:
    """Keep the checked plan beside its file; written whole or not at all (a rename)."""
    data = pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL)
    fd, temporary = tempfile.mkstemp(dir=upload_dir(), suffix=".partial")
    with os.fdopen(fd, "wb") as stream:
        stream.write(_mac(data) + data)
    os.replace(temporary, upload.plan_path)


def load_plan(upload: Upload) -> ImportPlan | None:
    """The plan kept for this upload, or None if there is none or it is not one this server signed."""
    try:
        raw = upload.plan_path.read_bytes()
    except OSError:
        return None
    mac, data = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    if not constant_time_compare(mac, _mac(data)):
        return None
    # Signed by this server's SECRET_KEY, checked above: not data a browser or another user wrote.
    plan = pickle.loads(data)  # noqa: S301  # nosec B301
    return plan if isinstance(plan, ImportPlan) else None


def _mac(data: bytes) -> bytes:
    return salted_hmac(_SALT, data, algorithm="sha256").digest()
