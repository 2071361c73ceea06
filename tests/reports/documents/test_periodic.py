"""The periodic report (DOCX): the layout of a Party document, and every number in its text and
tables one of the indicator engine's for that scope and period."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

from core.periods import Period
from reports.display import labels, wording
from reports.documents import periodic
from reports.engine import indicators
from reports.models import ReportHeading, ReportVersion
from reports.sample import demo
from reports.targets import paths
from zones.models import Province

pytestmark = pytest.mark.django_db

Y2024 = Period.parse("2024")
S1 = Period.parse("2024S1")
IZ = ["BDH", "DPM", "TL"]
NUMBER = re.compile(r"\d[\d.,]*%?")
# Rule thresholds written in words ("20 or more workers", "25 or more workers"), not figures.
THRESHOLDS = {"20", "25"}
HEADING_FIELDS = (
    "superior_body",
    "issuing_body",
    "number",
    "place",
    "on_behalf",
    "signer_title",
    "recipients",
    "archive",
)


@pytest.fixture
def seeded(db):
    demo.seed()


def docx(period, codes, language="vi"):
    content = periodic.render(
        periodic.draft_in(period, codes, language), language, today=dt.date(2024, 6, 25)
    )
    return Document(io.BytesIO(content))


def body_texts(document) -> list[str]:
    """The body's paragraphs (headings' own numbering left out) and every cell of the annex tables
    (the heading's and the signature's tables are the first and the last)."""
    paragraphs = [re.sub(r"^(\d+\.|Bảng \d+\.|Table \d+\.)", "", p.text) for p in document.paragraphs]
    cells = [c.text for t in document.tables[1:-1] for row in t.rows for c in row.cells]
    return paragraphs + cells


def coverage(period, codes) -> dict:
    """The `coverage` command's JSON figures for the scope, read as another person's script reads them."""
    out = io.StringIO()
    zones = [argument for code in codes or [] for argument in ("--zone", code)]
    call_command("coverage", "--period", str(period), *zones, "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())["indicators"]
    return {key: Decimal(str(v)) if type(v) is float else v for key, v in figures.items()}


def engine_numbers(period, codes, language) -> set[str]:
    """Every value `coverage` gives for the scope, the previous period, a year before and each
    zone, and the engine's for what the command does not split (the enterprises outside every
    zone, each ownership), formatted as the document formats them; and the periods' own labels."""
    year_ago = Period(period.year - 1, period.kind, period.index)
    dicts = [coverage(p, codes) for p in (period, period.previous(), year_ago)]
    by_zone = indicators.breakdown(period, "zone", codes)
    dicts += [coverage(period, [zone]) if zone else figures for zone, figures in by_zone.items()]
    dicts += indicators.breakdown(period, "ownership", codes).values()
    dicts += indicators.target_shares(indicators.compute(period, codes), by_zone).values()
    # The targets' path: the share due and the gap, from the engine's figures (reports.targets.paths).
    total = dicts[0]
    for target_key, ytd_key in indicators.TARGET_KEYS.values():
        due = paths.due(total[target_key], period)
        gap = paths.gap(total[ytd_key], due)
        dicts.append({"due": due, "gap": abs(gap) if gap is not None else None})
    with translation.override(language):
        allowed = {wording.number(v) for d in dicts for v in d.values() if type(v) in (int, Decimal)} | {
            token for p in (period, period.previous(), year_ago) for token in NUMBER.findall(p.label())
        }
    return allowed | THRESHOLDS


def numbers_in(document) -> set[str]:
    return {token.rstrip(".,") for text in body_texts(document) for token in NUMBER.findall(text)}


@pytest.mark.parametrize(("period", "codes"), [(Y2024, None), (S1, IZ), (S1, ["BEZ"])])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_number_in_the_text_and_tables_is_the_engines(seeded, period, codes, language):
    document = docx(period, codes, language)
    found = numbers_in(document)
    assert found, "the document states figures"
    assert found <= engine_numbers(period, codes, language)


def test_section_v_and_its_annex_table_are_the_dashboards_who_is_behind(seeded, client, viewer):
    client.force_login(viewer)
    charts = client.get(reverse("home"), {"period": "2024"}).context["charts"]
    dashboard = [row[0][0] for row in next(c for c in charts if c.id == "behind").rows]
    document = docx(Y2024, None, "en")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Zone: target")
    assert [row.cells[0].text for row in table.rows[1:]] == dashboard
    # The demo sets the province's targets only: every zone is measured against its share.
    assert table.rows[1].cells[2].text == "share of the 5 target: 30.4% of the operating enterprises"
    section_v = next(p.text for p in document.paragraphs if p.text.startswith("Furthest behind the annual"))
    assert section_v.startswith(
        "Furthest behind the annual targets: KCN Đông Phố Mới, leaders trained in advanced political "
        "theory: 0.0% (0 of 2, share of the 5 target: 30.4% of the operating enterprises);"
    )


def test_the_demo_year_reproduces_the_articles_figures_in_vietnamese(seeded):
    text = "\n".join(body_texts(docx(Y2024, None)))
    assert "3.442 đoàn viên công đoàn mới" in text
    assert "344,2% chỉ tiêu" in text
    assert "2.842" in text  # of them in non-state enterprises


def test_the_demo_first_half_for_the_industrial_zones_reproduces_12_organizations_and_525_members(seeded):
    text = "\n".join(body_texts(docx(S1, IZ)))
    assert "12 trong số 115 doanh nghiệp" in text
    assert "525 đảng viên" in text
    assert "115" in text and "33" in text and "82" in text


def test_not_collected_is_said_in_words_never_as_zero(seeded):
    document = docx(S1, ["BEZ"])
    text = "\n".join(body_texts(document))
    assert "Không thu thập số liệu về đảng trong phạm vi này." in text
    assert "Không thu thập số liệu về công đoàn trong phạm vi này." in text
    table = document.tables[1]
    party_coverage = [row.cells[4].text for row in table.rows[1:]]
    assert party_coverage == ["không thu thập", "không thu thập"]  # the zone and the total


def test_the_layout_is_a_party_document_on_a4(seeded):
    document = docx(Y2024, None)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin)] == [20, 20]
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 14
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ĐẢNG BỘ TỈNH LÀO CAI",
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
        "*",
        "Số    -BC/ĐU",
    ]
    party = right.paragraphs[0].runs[0]
    assert (party.text, party.bold, party.underline) == ("ĐẢNG CỘNG SẢN VIỆT NAM", True, True)
    place = right.paragraphs[2].runs[0]
    assert (place.text, place.italic) == ("Lào Cai, ngày 25 tháng 6 năm 2024", True)
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    for heading in ("I. TÌNH HÌNH", "II. KẾT QUẢ", "III.", "IV.", "V.", "PHỤ LỤC"):
        assert any(t.startswith(heading) for t in texts), heading
    recipients, signing = document.tables[-1].rows[0].cells
    assert recipients.paragraphs[0].text == "Nơi nhận:"
    assert "- Lưu Văn phòng Đảng ủy." in recipients.text
    assert [p.text for p in signing.paragraphs[:2]] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]


def text_width(document) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def widths(table) -> list[int]:
    """The widths the table's grid gives its columns and each row its cells, in EMU."""
    grid = sum(Twips(int(col.get(qn("w:w")))) for col in table._tbl.tblGrid.findall(qn("w:gridCol")))
    return [grid, *[sum(cell.width for cell in row.cells) for row in table.rows]]


@pytest.mark.parametrize(("period", "codes"), [(Y2024, None), (S1, IZ)])
def test_tables_are_never_wider_than_the_text(seeded, period, codes):
    document = docx(period, codes)
    assert len(document.tables) >= 6  # the heading, four annex tables, the signing block
    for table in document.tables:
        assert max(widths(table)) <= text_width(document) + Mm(0.5)


def test_an_administrator_replaces_the_template_and_the_tables_follow_its_margins(
    seeded, client, administrator
):
    template = Document(periodic.BUILT_IN_TEMPLATE)
    template.sections[0].left_margin = Mm(35)
    template.paragraphs[0].insert_paragraph_before("MẪU CỦA TỈNH")
    upload = io.BytesIO()
    template.save(upload)
    upload.seek(0)
    upload.name = "mau-bao-cao.docx"
    client.force_login(administrator)
    province = Province.objects.get(code=settings.COVERAGE_PROVINCE)
    response = client.post(
        reverse("admin:reports_reportheading_add"),
        {
            "province": province.pk,
            **{f: getattr(ReportHeading(), f) for f in HEADING_FIELDS},
            "template_file": upload,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = docx(Y2024, None)
    assert document.paragraphs[0].text == "MẪU CỦA TỈNH"
    assert round(document.sections[0].left_margin.mm) == 35
    for table in document.tables[1:-1]:
        assert max(widths(table)) <= Mm(210 - 35 - 15) + Mm(0.5)
    assert "3.442 đoàn viên công đoàn mới" in "\n".join(body_texts(document))


def test_a_file_that_is_not_a_word_template_is_refused_with_the_reason(seeded, client, administrator):
    client.force_login(administrator)
    upload = io.BytesIO(b"not a zip")
    upload.name = "mau.docx"
    province = Province.objects.get(code=settings.COVERAGE_PROVINCE)
    response = client.post(
        reverse("admin:reports_reportheading_add"),
        {
            "province": province.pk,
            **{f: getattr(ReportHeading(), f) for f in HEADING_FIELDS},
            "template_file": upload,
        },
    )
    assert response.status_code == 200
    assert "Not a usable Word template" in response.content.decode()
    assert not ReportHeading.objects.exists()


def test_the_provinces_heading_settings_are_used(seeded):
    ReportHeading.objects.create(
        province=Province.objects.get(code=settings.COVERAGE_PROVINCE),
        number="Số 12-BC/ĐU",
        recipients="- Tỉnh ủy Lào Cai (b/c),",
    )
    document = docx(Y2024, None)
    assert document.tables[0].rows[0].cells[0].paragraphs[3].text == "Số 12-BC/ĐU"
    assert "- Tỉnh ủy Lào Cai (b/c)," in document.tables[-1].rows[0].cells[0].text


def test_people_sentences_only_for_keys_the_engine_has_and_someone_reported(seeded):
    figures = periodic.gather(S1, IZ, {})
    reported = [k for k in wording.PEOPLE if figures.total.get(k) is not None]
    assert len(wording.people(figures)) == len(reported)
    for key in wording.PEOPLE:
        figures.total.pop(key, None)  # an engine without the people keys
    assert wording.people(figures) == []


def test_export_report_writes_the_docx_in_the_language_asked(seeded, tmp_path):
    target = tmp_path / "report.docx"
    call_command(
        "export_report", "--period", "2024", "--format", "docx", "--language", "en", "--output", str(target)
    )
    texts = [p.text for p in Document(target).paragraphs]
    assert "REPORT" in texts
    assert any("3,442 new union members" in t for t in texts)
    # The demo's 1,000 target is due whole by the year's end; 3,442 is 2,442 ahead of it.
    assert any("On the year's path of new union members, 1,000 were due by" in t for t in texts)
    assert any("ahead by 2,442." in t for t in texts)


def test_the_reports_page_offers_the_document_to_a_viewer(
    seeded, client, viewer, django_assert_max_num_queries
):
    client.force_login(viewer)
    # 44, and the year's profile and the period's notes for the targets' path (issue 32).
    with django_assert_max_num_queries(46):
        response = client.get(reverse("report-document"), {"period": "2024S1", "zones": IZ, "language": "vi"})
    assert response.status_code == 200
    assert response["Content-Type"] == periodic.CONTENT_TYPE
    assert 'filename="bao-cao-2024S1-BDH-DPM-TL-vi.docx"' in response["Content-Disposition"]
    assert "525 đảng viên" in "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_an_administrator_saves_numbered_versions_that_download_unchanged(
    seeded, client, administrator, viewer
):
    client.force_login(administrator)
    url = reverse("report-document-draft") + "?period=2024&language=vi"
    page = client.get(url)
    assert page.status_code == 200
    assert "7.532" in page.context["form"].initial["assessment"]  # union members a year before, in words
    for text in ("Đánh giá thứ nhất.", "Đánh giá thứ hai."):
        assert client.post(url, {"assessment": text, "tasks": "Nhiệm vụ."}).status_code == 302
    first, second = ReportVersion.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.assessment["assessment"] == "Đánh giá thứ nhất."
    paragraphs = [p.text for p in Document(io.BytesIO(bytes(second.content))).paragraphs]
    assert "Đánh giá thứ hai." in paragraphs and "Nhiệm vụ." in paragraphs
    client.force_login(viewer)
    download = client.get(reverse("report-version", args=[first.pk]))
    assert download.content == bytes(first.content)
    assert [h.history_user for h in ReportVersion.history.order_by("number")] == [
        administrator,
        administrator,
    ]
    assert client.get(url).status_code == 403  # only administrators edit drafts


@pytest.mark.parametrize("period", ["2024S1", "2022"])  # every people figure; the first half only
def test_the_people_figures_the_engine_has_go_into_section_ii_and_the_annex_and_the_others_are_left_out(
    seeded, period
):
    period = Period.parse(period)
    engine = indicators.compute(period, IZ)
    document = docx(period, IZ)
    texts = [p.text for p in document.paragraphs]
    people = texts.index(
        "2. Kết nạp đảng viên, đảng viên dự bị và người quản lý doanh nghiệp"
    )  # section II's part
    with translation.override("vi"):
        for key, template in wording.PEOPLE.items():
            if engine[key] is None:  # not reported: no sentence, and no 0
                assert str(template).split("%(value)s")[1] not in texts[people + 1], key
            else:
                assert str(template) % {"value": wording.number(engine[key])} in texts[people + 1], key
        expected = [
            [str(labels.INDICATOR_LABELS[k]), wording.number(engine[k])]
            for k in indicators.PEOPLE_KEYS
            if k in labels.INDICATOR_LABELS and engine[k] is not None
        ]
    assert document.tables[-2].rows[0].cells[0].text  # Table 5, the last annex before the signatures
    assert [[c.text for c in row.cells] for row in document.tables[-2].rows[1:]] == expected
    assert any(engine[k] is None for k in wording.PEOPLE) == (str(period) == "2022")
