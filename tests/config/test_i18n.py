"""Vietnamese first: a complete, current catalog; Vietnamese numbers, dates and periods in
pages, charts and exports; the language switcher; diacritic-insensitive search and sort."""

import datetime as dt
import html
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

import config.settings
from core.formatting import figure, pct
from core.periods import Period
from reports.display import charts
from reports.documents import exports, report
from reports.sample import demo
from tests import factories as f

CATALOG = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
# The same folders `make messages` leaves out (Makefile, MESSAGES_IGNORE).
IGNORED = [".venv/*", "staticfiles/*", "tests/*", "bench/*", "docs/*", "test-artifacts/*", "build/*"]
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdr]")


def msgids(catalog: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in catalog if not entry.obsolete}


def text_of(response) -> str:
    body = re.sub(r"<(script|style).*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# --- The catalog -------------------------------------------------------------------------------


def test_vietnamese_is_the_default_language_and_tests_run_in_english():
    assert config.settings.LANGUAGE_CODE == "vi"
    assert config.settings.LANGUAGE_COOKIE_AGE == 365 * 24 * 3600
    assert settings.LANGUAGE_CODE == "en"  # config/test_settings.py, so that assertions read plainly


def test_every_msgid_has_a_vietnamese_translation():
    catalog = polib.pofile(str(CATALOG))
    assert catalog.metadata["Language"] == "vi"
    assert catalog.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == [], "run `make messages` and translate these"
    assert fuzzy == [], "check these guesses of msgmerge, then remove their fuzzy flag"
    assert catalog.obsolete_entries() == []


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    """A lost %(name)s would raise KeyError at runtime, or silently drop a figure."""
    wrong = []
    for entry in polib.pofile(str(CATALOG)):
        if "python-format" not in entry.flags:
            continue
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                wrong.append(entry.msgid)
    assert wrong == []


def test_catalog_holds_exactly_the_msgids_of_the_sources(tmp_path, monkeypatch):
    """`makemessages` run now finds the same msgids as the committed .po.

    It runs on a copy of the sources without locale/: run in the project, it would write into the
    committed catalog whatever LOCALE_PATHS says.
    """
    sources = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        sources,
        ignore=shutil.ignore_patterns(
            "locale",
            ".*",
            "__pycache__",
            "*.egg-info",
            "db.sqlite3",
            *(p.removesuffix("/*") for p in IGNORED),
        ),
    )
    monkeypatch.chdir(sources)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path / "locale"])
    call_command("makemessages", locale=["vi"], ignore_patterns=IGNORED, verbosity=0)
    fresh = msgids(polib.pofile(str(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po")))
    committed = msgids(polib.pofile(str(CATALOG)))
    assert sorted(fresh - committed, key=str) == [], "new msgids: run `make messages` and translate them"
    assert sorted(committed - fresh, key=str) == [], "msgids no source uses any more: run `make messages`"


@pytest.mark.parametrize(
    ("app", "catalog"),
    [
        ("django_tables2", "django_tables2/locale/de/LC_MESSAGES/django.po"),
        ("django_filters", "django_filters/locale/fr/LC_MESSAGES/django.po"),
        ("simple_history", "simple_history/locale/fr/LC_MESSAGES/django.po"),
    ],
)
def test_third_party_apps_without_a_vietnamese_catalog_are_translated_in_ours(app, catalog):
    site_packages = Path(__import__(app).__file__).parent.parent
    theirs = msgids(polib.pofile(str(site_packages / catalog))) - {(None, "")}
    assert theirs - msgids(polib.pofile(str(CATALOG))) == set()
    with translation.override("vi"):
        assert translation.gettext("next") == "trang sau"
        assert translation.gettext("Multiple values may be separated by commas.").startswith("Có thể")
        assert translation.gettext("Change history: %s") == "Lịch sử thay đổi: %s"


# --- Formats, periods, charts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "count", "share", "day"),
    [("vi", "3.442", "344,2%", "25/06/2024"), ("en", "3,442", "344.2%", "25/06/2024")],
)
def test_figures_and_dates_follow_the_language(language, count, share, day):
    from django.utils.formats import date_format

    with translation.override(language):
        assert figure(3442) == count
        assert pct(Decimal("344.2")) == share
        assert date_format(dt.date(2024, 6, 25), "SHORT_DATE_FORMAT") == day


@pytest.mark.parametrize(
    ("period", "vi", "en"),
    [
        ("2024", "Năm 2024", "Year 2024"),
        ("2024S1", "6 tháng đầu năm 2024", "first half of 2024"),
        ("2024S2", "6 tháng cuối năm 2024", "second half of 2024"),
        ("2024Q3", "Quý 3/2024", "Q3 2024"),
    ],
)
def test_period_labels_read_naturally_in_both_languages(period, vi, en):
    with translation.override("vi"):
        assert Period.parse(period).label() == vi
    with translation.override("en"):
        assert Period.parse(period).label() == en


def test_charts_use_the_language_separators_and_speak_it():
    with translation.override("vi"):
        assert charts.base_layout()["separators"] == ",."
        locale = charts.plotly_locale()
        assert locale["locale"] == "vi"
        assert locale["locales"]["vi"]["dictionary"]["Download plot as a PNG"] == "Tải biểu đồ dạng ảnh PNG"
    with translation.override("en"):
        assert charts.base_layout()["separators"] == ".,"
        assert charts.plotly_locale()["locales"]["en"]["dictionary"]["Zoom in"] == "Zoom in"


# --- Pages -------------------------------------------------------------------------------------


@pytest.fixture
def seeded(db):
    demo.seed()


@pytest.mark.parametrize(
    ("language", "words", "numbers", "foreign"),
    [
        (
            "vi",
            ["Tổng quan", "Đoàn viên mới kết nạp", "đạt 344,2% kế hoạch: 3.442/1.000 từ đầu năm", "Năm 2024"],
            ["344,2%", "3.442"],
            ["344.2%", "3,442", "New union members", "Dashboard"],
        ),
        (
            "en",
            ["Dashboard", "New union members", "344.2% of target: 3,442 of 1,000 since 1 January"],
            ["344.2%", "3,442"],
            ["344,2%", "3.442", "Đoàn viên"],
        ),
    ],
)
def test_dashboard_speaks_the_browser_language(client, viewer, seeded, language, words, numbers, foreign):
    client.force_login(viewer)
    response = client.get(reverse("home"), {"period": "2024"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    text = text_of(response)
    for expected in [*words, *numbers]:
        assert expected in text
    for unexpected in foreign:
        assert unexpected not in text
    separators = ",." if language == "vi" else ".,"
    assert f'"separators": "{separators}"' in response.content.decode()
    assert 'id="plotly-locale"' in response.content.decode()


def test_enterprise_table_and_filters_are_vietnamese(client, viewer, seeded):
    client.force_login(viewer)
    response = client.get(reverse("enterprise-list"), {"period": "2024"}, HTTP_ACCEPT_LANGUAGE="vi")
    text = text_of(response)
    for expected in [
        "Mã số thuế",
        "Loại hình sở hữu",
        "Tên hoặc mã số thuế",
        "Lọc",
        "trang sau",
    ]:
        assert expected in text
    assert 'aria-label="Phân trang"' in response.content.decode()
    assert "Năm 2024: 775 doanh nghiệp đang hoạt động phù hợp điều kiện lọc." in text


def test_language_switcher_changes_the_language_and_remembers_it(client, viewer):
    client.force_login(viewer)
    page = reverse("enterprise-list")
    form = client.get(page).content.decode()
    assert 'aria-label="Language"' in form
    assert 'value="vi" lang="vi" aria-pressed="false">Tiếng Việt</button>' in form
    assert 'value="en" lang="en" aria-pressed="true">English</button>' in form

    response = client.post(reverse("set_language"), {"language": "vi", "next": f"{page}?period=2024"})
    assert response.status_code == 302
    assert response["Location"] == f"{page}?period=2024"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "vi"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE

    again = client.get(page)  # no Accept-Language: the cookie decides
    assert '<html lang="vi">' in again.content.decode()
    assert 'value="vi" lang="vi" aria-pressed="true">Tiếng Việt</button>' in again.content.decode()
    assert "Doanh nghiệp" in text_of(again)

    # Logging out and in again (a new session) keeps the choice: it lives in the cookie.
    client.post(reverse("logout"))
    login = reverse("login")
    assert "Đăng nhập" in text_of(client.get(login))
    logged_in = client.post(login, {"username": "viewer", "password": "correct horse battery"})
    assert logged_in.status_code == 302
    assert '<html lang="vi">' in client.get(page).content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": page})
    assert '<html lang="en">' in client.get(page).content.decode()


def test_first_visit_follows_the_browser_then_falls_back_to_vietnamese(client, db, settings):
    settings.LANGUAGE_CODE = "vi"
    login = reverse("login")
    assert client.get(login, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")["Content-Language"] == "en"
    assert client.get(login, HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9")["Content-Language"] == "vi"
    assert client.get(login, HTTP_ACCEPT_LANGUAGE="fr-FR")["Content-Language"] == "vi"
    assert client.get(login)["Content-Language"] == "vi"


# --- Search and sort with diacritics (the suite runs on SQLite and PostgreSQL) -------------------


@pytest.fixture
def accented(db):
    for name in ["Én Bạc", "Công ty Hóa chất Đức Giang", "Dầu khí Lào Cai", "Cao su Bắc Hà", "Điện lực"]:
        f.report(f.enterprise("TL", name=name), "2024S1", workers=30)


def listed(client, **params) -> list[str]:
    response = client.get(reverse("enterprise-list"), {"period": "2024", **params})
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].paginated_rows]


def test_search_ignores_diacritics_and_case(client, viewer, accented):
    client.force_login(viewer)
    assert listed(client, q="duc giang") == ["Công ty Hóa chất Đức Giang"]
    assert listed(client, q="ĐỨC GIANG") == ["Công ty Hóa chất Đức Giang"]
    assert listed(client, q="dien luc") == ["Điện lực"]


def test_names_sort_as_a_vietnamese_reader_expects(client, viewer, accented):
    """Đ sorts with D (not after Z, as a byte or C collation would put it), accents do not matter."""
    client.force_login(viewer)
    expected = ["Cao su Bắc Hà", "Công ty Hóa chất Đức Giang", "Dầu khí Lào Cai", "Điện lực", "Én Bạc"]
    assert listed(client) == expected
    assert listed(client, sort="-name") == expected[::-1]


# --- Exports -----------------------------------------------------------------------------------


def test_vietnamese_pdf_writes_vietnamese_numbers(seeded):
    with translation.override("vi"):
        pdf = exports.to_pdf(report.build(Period.parse("2024")))
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "344,2%" in text
    assert "3.442" in text
    assert "344.2%" not in text
    assert "Đoàn viên mới kết nạp" in text
    assert "Năm 2024" in text


def test_vietnamese_workbook_keeps_numbers_as_numbers_with_display_formats(seeded):
    """Spreadsheet programs show #,##0 and 0.0% with the reader's separators: 3.442 and 344,2% in
    Vietnamese. The generation time is a date cell shown dd/mm/yyyy."""
    with translation.override("vi"):
        book = load_workbook(io.BytesIO(exports.to_xlsx(report.build(Period.parse("2024")))))
    assert book.sheetnames[:2] == ["Báo cáo", "Tổng số"]
    about = {row[0].value: row[1] for row in book["Báo cáo"].iter_rows(min_row=2) if row[0].value}
    assert about["Kỳ báo cáo"].value == "Năm 2024 (2024)"
    assert isinstance(about["Thời điểm lập"].value, dt.datetime)
    assert about["Thời điểm lập"].number_format == "dd/mm/yyyy hh:mm"
    rows = {row[1].value: row[2] for row in book["Tổng số"].iter_rows(min_row=2)}
    assert rows["new_union_members"].value == 3442
    assert rows["new_union_members"].number_format == "#,##0"
    assert rows["target_new_union_members_pct"].value == pytest.approx(3.442)
    assert rows["target_new_union_members_pct"].number_format == "0.0%"
