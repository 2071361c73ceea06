"""The periodic report (báo cáo) as a Word document: the province's heading, sections I-V written
from the figures (``wording``), the annex tables, the recipients and the signing block.

The layout is a template (.docx, docxtpl tags) that ships with the product (``report_template.docx``,
made by ``scripts/make_report_template.py``); an administrator may upload another one per province.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docxtpl import DocxTemplate, RichText

from core.formatting import figure, not_collected
from core.periods import Period
from enterprises.models import Ownership
from reports.display import labels, wording
from reports.display.wording import PARTY, UNION, Figures
from reports.engine import indicators
from reports.models import Annotation, ReportHeading, TargetIndicator, TargetProfile
from reports.targets import behind, paths
from zones.models import Province, Zone

BUILT_IN_TEMPLATE = Path(__file__).with_name("report_template.docx")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ASSESSMENT_FIELDS = ("assessment", "tasks")


@dataclass
class Draft:
    """What one periodic report says: the figures and, for each editable paragraph, its text."""

    figures: Figures
    codes: list[str] | None
    scope_label: str
    heading: ReportHeading
    assessment: dict[str, str]
    path: list[str] = field(default_factory=list)  # the targets' paths and the period's notes
    behind: list[behind.Behind] = field(default_factory=list)  # the zones against their targets


def heading_for(codes: list[str] | None) -> ReportHeading:
    """The heading of the scope's province (of its zones; else the installation's province), or the
    built-in defaults when nobody set one."""
    province_ids = (
        set(Zone.objects.filter(code__in=codes).values_list("province_id", flat=True)) if codes else set()
    )
    if len(province_ids) == 1:
        province = Province.objects.filter(pk=province_ids.pop()).first()
    else:
        province = Province.objects.filter(code=settings.COVERAGE_PROVINCE).first()
    found = ReportHeading.objects.filter(province=province).first() if province else None
    return found or ReportHeading(province=province)


def gather(period: Period, codes: list[str] | None, zone_names: dict[str, str]) -> Figures:
    """Four reads of the engine (and its breakdown by zone): a fixed number of queries."""
    year_ago = Period(period.year - 1, period.kind, period.index)
    return Figures(
        period=period,
        total=indicators.compute(period, codes),
        previous=indicators.compute(period.previous(), codes),
        year_ago=indicators.compute(year_ago, codes),
        by_zone=indicators.breakdown(period, "zone", codes),
        zone_names=zone_names,
        not_collected=indicators.not_collected(codes),
    )


def draft(period: Period, codes: list[str] | None, assessment: dict | None = None) -> Draft:
    """The generated draft (in the active language); ``assessment`` replaces its editable paragraphs."""
    zone_names = dict(Zone.objects.values_list("code", "name"))
    figures = gather(period, codes, zone_names)
    scope = _("the whole province") if codes is None else ", ".join(zone_names.get(c, c) for c in codes)
    generated = {"assessment": " ".join(wording.what_changed(figures)), "tasks": ""}
    draft_ = Draft(figures, codes, scope, heading_for(codes), generated | (assessment or {}))
    draft_.path = path_sentences(period, codes, figures.total)
    draft_.behind = behind_rows(figures)
    return draft_


def behind_rows(f: Figures) -> list[behind.Behind]:
    """The zones against their own targets or their share of the scope's: the dashboard's rows."""
    codes = sorted(code for code in f.by_zone if code is not None)
    return behind.behind(codes, f.total, f.by_zone)


def behind_sentences(f: Figures, rows: list[behind.Behind], count: int = 3) -> list[str]:
    """Section V: the ``count`` rows furthest behind, with whose target each is measured against."""
    ranked = [row for row in rows if row.progress_pct is not None][:count]
    if not ranked:
        return []
    listed = "; ".join(
        _("%(zone)s, %(what)s: %(pct)s (%(reached)s of %(target)s, %(whose)s)")
        % {
            "zone": wording._zone_name(f, row.zone),
            "what": row.label,
            "pct": wording.number(row.progress_pct),
            "reached": wording.number(row.reached),
            "target": wording.number(row.target),
            "whose": _whose(f, row),
        }
        for row in ranked
    )
    return [_("Furthest behind the annual targets: %(rows)s.") % {"rows": listed}]


def _whose(f: Figures, row: behind.Behind) -> str:
    return behind.whose(row, f.total[indicators.TARGET_KEYS[row.indicator][0]])


def path_sentences(period: Period, codes: list[str] | None, total: dict) -> list[str]:
    """Each target's place on the year's path at the period's end (reports.targets.paths), and the
    notes dated within the period: two queries."""
    weights = TargetProfile.objects.weights_for(period.year)
    sentences = []
    for indicator, label in TargetIndicator.choices:
        target_key, ytd_key = indicators.TARGET_KEYS[indicator]
        words = paths.gap_words(paths.gap(total[ytd_key], paths.due(total[target_key], period, weights)))
        if words:
            sentences.append(
                _("On the year's path of %(what)s, %(due)s were due by the end of %(period)s: %(gap)s.")
                % {
                    "what": label,
                    "due": figure(paths.due(total[target_key], period, weights)),
                    "period": period.label(),
                    "gap": words,
                }
            )
    notes = Annotation.objects.for_scope(codes, period.start, period.end)
    if notes:
        listed = "; ".join(f"{date_format(n.day, 'SHORT_DATE_FORMAT')} {n.title}" for n in notes)
        sentences.append(_("Noted in the period: %(notes)s.") % {"notes": listed})
    return sentences


def draft_in(period: Period, codes: list[str] | None, language: str, assessment: dict | None = None) -> Draft:
    with translation.override(language):
        return draft(period, codes, assessment)


def render(d: Draft, language: str, today: dt.date | None = None) -> bytes:
    """The document's bytes, in ``language``."""
    with translation.override(language):
        return _render(d, today or timezone.localdate())


def document(period: Period, codes: list[str] | None, language: str, assessment: dict | None = None) -> bytes:
    return render(draft_in(period, codes, language, assessment), language)


def filename(period: Period, codes: list[str] | None, language: str) -> str:
    scope = "-".join(codes) if codes else "province"
    return f"bao-cao-{period}-{scope}-{language}.docx"


def _render(d: Draft, today: dt.date) -> bytes:
    h = d.heading
    template = DocxTemplate(io.BytesIO(bytes(h.template)) if h.template else BUILT_IN_TEMPLATE)
    body = template.new_subdoc()  # loads the template: its page and margins set the tables' width
    section = template.docx.sections[0]
    _body(body, d)
    _annex(body, d, section.page_width - section.left_margin - section.right_margin)
    recipients = RichText("\n".join([*h.recipients.splitlines(), h.archive]))
    template.render(
        {
            "superior_body": h.superior_body,
            "issuing_body": h.issuing_body,
            "number": h.number,
            "party_name": _("COMMUNIST PARTY OF VIETNAM"),
            "place_date": _("%(place)s, %(day)s/%(month)s/%(year)s")
            % {"place": h.place, "day": today.day, "month": today.month, "year": today.year},
            "title": _("REPORT"),
            "subject": _(
                "on party organizations and grassroots trade unions in enterprises, %(period)s, %(scope)s"
            )
            % {"period": d.figures.period.label(), "scope": d.scope_label},
            "body": body,
            "recipients_label": _("Recipients:"),
            "recipients": recipients,
            "on_behalf": h.on_behalf,
            "signer_title": h.signer_title,
        },
        autoescape=True,
    )
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _body(doc, d: Draft) -> None:
    f = d.figures
    _heading(doc, _("I. THE SITUATION"))
    _paragraph(doc, wording.situation(f))
    _heading(doc, _("II. RESULTS"))
    parts = [
        (_("Party organizations and party members"), wording.party(f)),
        (_("Admissions, probation and leaders"), wording.people(f)),  # empty until people are reported
        (_("Grassroots trade unions"), wording.unions(f)),
        (_("Against the annual targets"), [*wording.targets(f), *d.path]),
    ]
    for number, (title, sentences) in enumerate([p for p in parts if p[1]], start=1):
        _heading(doc, f"{number}. {title}", level=2)
        _paragraph(doc, sentences)
    _heading(doc, _("III. CHANGE SINCE THE PREVIOUS PERIOD AND A YEAR BEFORE"))
    _paragraph(doc, wording.change(f))
    _heading(doc, _("IV. COMPLETENESS AND TIMELINESS OF THE RETURNS"))
    _paragraph(doc, wording.completeness(f))
    _heading(doc, _("V. THE ZONES FURTHEST BEHIND AND ASSESSMENT"))
    _paragraph(doc, [*behind_sentences(f, d.behind), *wording.furthest_behind(f)])
    for name in ASSESSMENT_FIELDS:
        for text in d.assessment.get(name, "").split("\n\n"):
            if text.strip():
                _paragraph(doc, [text.strip()])


# Annex tables: (title, key of the first column's rows, the columns' keys).
ZONE_COLUMNS = (
    "enterprises",
    "workers",
    "with_party_org",
    "party_org_coverage_pct",
    "party_members_in_orgs",
    "with_union",
    "union_coverage_pct",
)
UNION_COLUMNS = ("with_union", "union_coverage_pct", "union_members", "new_union_members", "new_union_bases")
PIPELINE_KEYS = (
    "awareness_class_attendees",
    "proposed_for_admission",
    "proposed_of_attendees_pct",
    "introduced_to_party",
    "admitted_to_party",
    "admitted_of_introduced_pct",
)


def _annex(doc, d: Draft, width: int) -> None:
    f = d.figures
    _heading(doc, _("ANNEX"))
    zone_rows = [(wording._zone_name(f, code), row) for code, row in wording._zones(f)]
    total = [(_("Total"), f.total)]
    _heading(doc, _("Table 1. Coverage by zone"), level=2)
    _table(doc, ZONE_COLUMNS, zone_rows + total, width)
    _heading(doc, _("Table 2. Grassroots unions by zone and by ownership"), level=2)
    by_ownership = indicators.breakdown(f.period, "ownership", _codes(f))
    ownership_rows = [(str(o.label), by_ownership[o.value]) for o in Ownership if o.value in by_ownership]
    _table(doc, UNION_COLUMNS, zone_rows + ownership_rows + total, width)
    _heading(doc, _("Table 3. Annual targets"), level=2)
    target_rows = [
        [str(what), _cell(f.total, target), _cell(f.total, ytd), _cell(f.total, share)]
        for target, ytd, share, what in wording.TARGETS
        if f.total.get(target) is not None
    ]
    if target_rows:
        _grid(doc, [_("Target"), _("Target value"), _("Year to date"), _("% of target")], target_rows, width)
    else:
        _paragraph(doc, [_("No annual target is set for this scope.")])
    _heading(doc, _("Table 4. The recruitment pipeline"), level=2)
    _grid(
        doc,
        [_("Figure"), _("Value")],
        [[str(labels.INDICATOR_LABELS[k]), _cell(f.total, k)] for k in PIPELINE_KEYS],
        width,
    )
    people = [
        k for k in indicators.PEOPLE_KEYS if f.total.get(k) is not None and k in labels.INDICATOR_LABELS
    ]
    table_number = 5
    if people and PARTY not in f.not_collected:
        _heading(doc, _("Table 5. The people figures"), level=2)
        table_number = 6
        _grid(
            doc,
            [_("Figure"), _("Value")],
            [[str(labels.INDICATOR_LABELS[k]), _cell(f.total, k)] for k in people],
            width,
        )
    if d.behind:
        _heading(doc, _("Table %(n)s. The zones against their annual targets") % {"n": table_number}, level=2)
        _grid(
            doc,
            [_("Zone: target"), _("Target value"), _("Whose target"), _("Year to date"), _("% of target")],
            [
                [
                    f"{wording._zone_name(f, row.zone)}: {row.label}",
                    _said(row.target),
                    _whose(f, row),
                    _said(row.reached),
                    _said(row.progress_pct),
                ]
                for row in d.behind
            ],
            width,
        )


def _said(value) -> str:
    return _("not reported") if value is None else wording.number(value)


def _codes(f: Figures) -> list[str] | None:
    return None if None in f.by_zone or not f.by_zone else sorted(f.by_zone)


def _cell(row: dict, key: str) -> str:
    value = row.get(key)
    if value is not None:
        return wording.number(value)
    group = indicators.GROUP_OF.get(key)
    tracked = {PARTY: "enterprises_party_tracked", UNION: "enterprises_union_tracked"}.get(group)
    return not_collected() if tracked and row.get(tracked) == 0 else _("not reported")


def _table(doc, keys, rows, width: int) -> None:
    header = [_("Zone / group"), *[str(labels.INDICATOR_LABELS[k]) for k in keys]]
    _grid(doc, header, [[name, *[_cell(row, k) for k in keys]] for name, row in rows], width)


def _grid(doc, header: list[str], rows: list[list[str]], width: int) -> None:
    """A table exactly as wide as the text (``width``, EMU): the first column wider, the others
    equal, fixed layout; the grid's columns (what LibreOffice and Word lay out) and each cell alike."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    first = Mm(50) if len(header) > 2 else width * 2 // 3
    rest = (width - first) // max(len(header) - 1, 1)
    widths = [first, *[rest] * (len(header) - 1)]
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    # Cell by cell through the rows' own elements: ``table.cell(r, c)`` walks the whole table each
    # time, minutes for the 450 zones of a national installation.
    for r, (tr, values) in enumerate(zip(table._tbl.tr_lst, [header, *rows], strict=True)):
        for c, (tc, value) in enumerate(zip(tr.tc_lst, values, strict=True)):
            cell = _Cell(tc, table)
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 0 else WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(str(value))
            run.font.size = Pt(10)
            run.bold = r == 0
    doc.add_paragraph()


def _heading(doc, text: str, level: int = 1) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    run = paragraph.add_run(text)
    run.bold = True
    run.italic = level == 2


def _paragraph(doc, sentences: list[str]) -> None:
    paragraph = doc.add_paragraph(" ".join(sentences))
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(10)
