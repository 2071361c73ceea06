"""The upload page: upload a file, preview what it would change (and every error), then confirm.

The uploaded file and the plan checked from it wait between the steps in a private directory
(``membership.importing.pending``), named by a random token that is also recorded in the uploader's
session: a request only ever reaches a file through a token of its own session, never through a
path or name sent by the browser. The preview checks the file once; reloading it and confirming
read the kept plan, and the confirmation writes it only if the data it was made from is unchanged.
"""

from __future__ import annotations

import csv
import io
import secrets
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
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enterprises.models import Return
from membership.importing import (
    CLEARS_FIGURES,
    COLUMNS,
    CREATE,
    EXAMPLE_ROW,
    FILE_TOO_LARGE,
    PLAN_OUTDATED,
    UNCHANGED,
    UNSUPPORTED_TYPE,
    UPDATE,
    ImportFileError,
    ImportPlan,
    apply_checked_plan,
    import_file,
    megabytes,
    pending,
)
from zones.access import role_required
from zones.roles import Role

SESSION_KEY = "imports"
EXTENSIONS = pending.EXTENSIONS
# How many rows of each kind and how many errors the preview lists; the counts are always complete.
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 1000
UPLOAD_EXPIRED = gettext_lazy("This upload has expired or belongs to another session. Upload the file again.")
TOO_MANY_PENDING = gettext_lazy(
    "You already have %(count)s uploaded files waiting to be imported or discarded (at most %(limit)s). "
    "Import or discard one of them first; files nobody imports are removed an hour after upload."
)

editors_only = role_required(Role.ZONE_EDITOR, Role.ADMINISTRATOR)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("A .csv (UTF-8) or .xlsx file with the template's columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(UNSUPPORTED_TYPE % {"name": upload.name})
        limit = upload_limit()
        if upload.size > limit:
            raise forms.ValidationError(
                FILE_TOO_LARGE % {"size": megabytes(upload.size), "limit": megabytes(limit)}
            )
        # Each waiting upload holds a file and a plan on disk: a per-user quota bounds both.
        pending.sweep()
        count = pending.pending_count(self.user.pk)
        if count >= pending.max_pending():
            raise forms.ValidationError(TOO_MANY_PENDING % {"count": count, "limit": pending.max_pending()})
        return upload


def upload_limit() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def stored_upload(request, token: str) -> tuple[pending.Upload, str]:
    """The upload and original name behind a token of this session; 404 for any other token."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry:
        raise Http404(UPLOAD_EXPIRED)
    upload = pending.Upload(token, request.user.pk, entry["extension"])
    if not upload.path.is_file():
        forget_upload(request, token)
        raise Http404(UPLOAD_EXPIRED)
    return upload, entry["name"]


def forget_upload(request, token: str) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    if entry:
        pending.discard(pending.Upload(token, request.user.pk, entry["extension"]))


def _waiting(request) -> list[tuple[str, str]]:
    """(token, file name) of this session's uploads that still wait for a confirmation."""
    uploads = request.session.get(SESSION_KEY, {})
    return [
        (token, entry["name"])
        for token, entry in uploads.items()
        if pending.Upload(token, request.user.pk, entry["extension"]).path.is_file()
    ]


def _upload_page(request, form, **context):
    context = {"form": form, "max_mb": megabytes(upload_limit()), "waiting": _waiting(request), **context}
    return render(request, "imports/upload.html", context)


@editors_only
@require_http_methods(["GET", "POST"])
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        token = secrets.token_urlsafe(24)
        extension = Path(file.name).suffix.lower()
        pending.store(token=token, user_id=request.user.pk, extension=extension, chunks=file.chunks())
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = {"name": Path(file.name).name[:200], "extension": extension}
        request.session[SESSION_KEY] = uploads
        return redirect("import-preview", token=token)
    return _upload_page(request, form)


def _rejected(request, name: str, message: str):
    """The upload page again, saying why the file could not be read."""
    return _upload_page(request, UploadForm(), rejected=name, problem=message)


def _check(upload: pending.Upload, name: str, user) -> ImportPlan:
    """Read and check the file (nothing is written) and keep the plan for the next requests."""
    plan = import_file(upload.path, filename=name, user=user, dry_run=True)
    pending.save_plan(upload, plan)
    return plan


def _preview_context(plan: ImportPlan, name: str, token: str) -> dict:
    by_action = {CREATE: [], UPDATE: [], UNCHANGED: []}
    for row in plan.rows:
        by_action[row.action].append(row)
    sections = [
        (_("Returns to create"), by_action[CREATE]),
        (_("Returns to update"), by_action[UPDATE]),
        (_("Returns left unchanged"), by_action[UNCHANGED]),
    ]
    errors = plan.errors[:PREVIEW_ERRORS]
    return {
        "plan": plan,
        "name": name,
        "token": token,
        "counts": plan.counts,
        "errors": errors,
        "error_count": plan.error_count,
        "hidden_errors": plan.error_count - len(errors),
        "error_rows": plan.error_rows,
        "clears": str(CLEARS_FIGURES % {"count": plan.cleared}) if plan.cleared else "",
        "sections": [
            (title, rows[:PREVIEW_ROWS], max(0, len(rows) - PREVIEW_ROWS), len(rows))
            for title, rows in sections
        ],
    }


def _preview_page(request, plan: ImportPlan, name: str, token: str, *, outdated: bool = False):
    context = _preview_context(plan, name, token)
    return render(request, "imports/preview.html", {**context, "outdated": PLAN_OUTDATED if outdated else ""})


@editors_only
@require_http_methods(["GET"])
def preview(request, token):
    upload, name = stored_upload(request, token)
    plan = pending.load_plan(upload)
    if plan is None:
        try:
            plan = _check(upload, name, request.user)
        except ImportFileError as error:
            forget_upload(request, token)
            return _rejected(request, name, error.message)
    return _preview_page(request, plan, name, token)


@editors_only
@require_POST
def confirm(request, token):
    upload, name = stored_upload(request, token)
    plan = pending.load_plan(upload)
    try:
        if plan is None:
            # No preview was shown for this upload (or its plan is gone): show one, write nothing.
            return _preview_page(request, _check(upload, name, request.user), name, token)
        if plan.errors:
            return _preview_page(request, plan, name, token)
        if not apply_checked_plan(plan, user=request.user):
            # The data changed since the preview (another import, an edit): show what it does now.
            return _preview_page(request, _check(upload, name, request.user), name, token, outdated=True)
    except ImportFileError as error:
        forget_upload(request, token)
        return _rejected(request, name, error.message)
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


@require_safe
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
    numbers = set(Return.FIGURES)
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
