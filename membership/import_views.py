"""The upload page: upload a file, preview what it would change (and every error), then confirm.

The uploaded file waits between the steps in a private directory on the server, named by a random
token that is also recorded in the uploader's session: a request only ever reaches a file through a
token of its own session, never through a path or name sent by the browser.
"""

from __future__ import annotations

import csv
import io
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from membership.importing import (
    COLUMNS,
    CREATE,
    EXAMPLE_ROW,
    FILE_TOO_LARGE,
    UNCHANGED,
    UNSUPPORTED_TYPE,
    UPDATE,
    ImportFileError,
    import_file,
    megabytes,
)
from zones.access import role_required
from zones.roles import Role

SESSION_KEY = "imports"
EXTENSIONS = (".csv", ".xlsx")
# How many rows of each kind and how many errors the preview lists; the counts are always complete.
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 1000
UPLOAD_EXPIRED = gettext_lazy("This upload has expired or belongs to another session. Upload the file again.")

editors_only = role_required(Role.ZONE_EDITOR, Role.ADMINISTRATOR)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("A .csv (UTF-8) or .xlsx file with the template's columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(UNSUPPORTED_TYPE % {"name": upload.name})
        limit = upload_limit()
        if upload.size > limit:
            raise forms.ValidationError(
                FILE_TOO_LARGE % {"size": megabytes(upload.size), "limit": megabytes(limit)}
            )
        return upload


def upload_limit() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def upload_dir() -> Path:
    """A directory only this process's user can read, outside the project and the static files."""
    directory = Path(
        getattr(settings, "IMPORT_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "coverage-imports"
    )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def remove_stale_uploads(directory: Path) -> None:
    """Uploads nobody confirmed or cancelled are removed after IMPORT_UPLOAD_MAX_AGE seconds."""
    max_age = int(getattr(settings, "IMPORT_UPLOAD_MAX_AGE", 24 * 3600))
    for path in directory.iterdir():
        try:
            if time.time() - path.stat().st_mtime > max_age:
                path.unlink()
        except OSError:
            pass


def stored_upload(request, token: str) -> tuple[Path, str]:
    """The file and original name behind a token of this session; 404 for any other token."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry:
        raise Http404(UPLOAD_EXPIRED)
    path = upload_dir() / f"{token}{entry['extension']}"
    if not path.is_file():
        forget_upload(request, token)
        raise Http404(UPLOAD_EXPIRED)
    return path, entry["name"]


def forget_upload(request, token: str) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    if entry:
        (upload_dir() / f"{token}{entry['extension']}").unlink(missing_ok=True)


@editors_only
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        directory = upload_dir()
        remove_stale_uploads(directory)
        token = secrets.token_urlsafe(24)
        extension = Path(file.name).suffix.lower()
        with (directory / f"{token}{extension}").open("xb") as target:
            for chunk in file.chunks():
                target.write(chunk)
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = {"name": Path(file.name).name[:200], "extension": extension}
        request.session[SESSION_KEY] = uploads
        return redirect("import-preview", token=token)
    return render(request, "imports/upload.html", {"form": form, "max_mb": megabytes(upload_limit())})


def _rejected(request, name: str, message: str):
    """The upload page again, saying why the file could not be read."""
    context = {"form": UploadForm(), "max_mb": megabytes(upload_limit())}
    return render(request, "imports/upload.html", {**context, "rejected": name, "problem": message})


def _preview_context(plan, name: str, token: str) -> dict:
    by_action = {CREATE: [], UPDATE: [], UNCHANGED: []}
    for row in plan.rows:
        by_action[row.action].append(row)
    sections = [
        (_("Returns to create"), by_action[CREATE]),
        (_("Returns to update"), by_action[UPDATE]),
        (_("Returns left unchanged"), by_action[UNCHANGED]),
    ]
    return {
        "plan": plan,
        "name": name,
        "token": token,
        "counts": plan.counts,
        "errors": plan.errors[:PREVIEW_ERRORS],
        "hidden_errors": max(0, len(plan.errors) - PREVIEW_ERRORS),
        "error_rows": len({e.line for e in plan.errors}),
        "sections": [
            (title, rows[:PREVIEW_ROWS], max(0, len(rows) - PREVIEW_ROWS), len(rows))
            for title, rows in sections
        ],
    }


@editors_only
@require_http_methods(["GET"])
def preview(request, token):
    path, name = stored_upload(request, token)
    try:
        plan = import_file(path, filename=name, user=request.user, dry_run=True)
    except ImportFileError as error:
        forget_upload(request, token)
        return _rejected(request, name, error.message)
    return render(request, "imports/preview.html", _preview_context(plan, name, token))


@editors_only
@require_POST
def confirm(request, token):
    path, name = stored_upload(request, token)
    try:
        plan = import_file(path, filename=name, user=request.user)
    except ImportFileError as error:
        forget_upload(request, token)
        return _rejected(request, name, error.message)
    if plan.errors:
        # The data changed since the preview (another import, an edit): show what is wrong now.
        return render(request, "imports/preview.html", _preview_context(plan, name, token))
    forget_upload(request, token)
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("Imported “%(name)s”: %(summary)s") % {"name": name, "summary": plan.summary()},
            reverse("home"),
            _("See the dashboard."),
        ),
    )
    return redirect("import-upload")


@editors_only
@require_POST
def cancel(request, token):
    forget_upload(request, token)
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("import-upload")


@editors_only
def template(request, fmt):
    """The header row and one example row, as CSV (UTF-8 with BOM, so Excel shows the accents) or XLSX."""
    example = [EXAMPLE_ROW[column] for column in COLUMNS]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerow(example)
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_template(example),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404(_("Templates exist as csv and xlsx."))
    response["Content-Disposition"] = f'attachment; filename="returns-template.{fmt}"'
    return response


def xlsx_template(example: list[str]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "returns"
    sheet.append(list(COLUMNS))
    # Numbers as numbers; tax codes, periods and dates as text, so that a spreadsheet program keeps
    # a tax code's leading zero and does not turn 2024 or 2019-05-12 into something else.
    numbers = {"workers", "party_members", "union_members", "new_union_members", "introduced_to_party"}
    numbers |= {"admitted_to_party", "awareness_class_attendees", "proposed_for_admission"}
    sheet.append([int(v) if c in numbers and v else v for c, v in zip(COLUMNS, example, strict=True)])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
        if column not in numbers:
            for row in range(2, 1001):
                sheet[f"{letter}{row}"].number_format = "@"
    sheet.column_dimensions["C"].width = 36
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
