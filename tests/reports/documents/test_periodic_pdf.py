"""The periodic report converts with LibreOffice (headless) without trouble: an A4 PDF of several
pages, numbered from page 2, with its Vietnamese text and the article's figures intact."""

import datetime as dt
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from core.periods import Period
from reports.documents import periodic
from reports.sample import demo

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None, reason="LibreOffice (soffice) is not installed: scripts/system-deps.sh"
    ),
]


def to_pdf(content: bytes, tmp_path) -> PdfReader:
    """Converts with a profile of its own, so that parallel runs do not share LibreOffice's."""
    source = tmp_path / "report.docx"
    source.write_bytes(content)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(  # noqa: S603 - soffice found on PATH, fixed arguments
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return PdfReader(tmp_path / "report.pdf")


def pages_text(reader: PdfReader) -> list[str]:
    """Each page's words (NFC, as the document wrote them), its page number left out: page 1 has none,
    each later page its own number in the footer."""
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        words = unicodedata.normalize("NFC", page.extract_text()).split()
        if number > 1:
            assert str(number) in (words[0], words[-1]), f"page {number} is numbered"
            words.pop(-1 if words[-1] == str(number) else 0)
        else:
            assert words[-1] != "1", "the first page carries no number"
        pages.append(" ".join(words))
    return pages


def test_the_demo_year_converts_to_an_a4_pdf_with_its_text_and_figures(db, tmp_path):
    demo.seed()
    content = periodic.render(
        periodic.draft_in(Period.parse("2024"), None, "vi"), "vi", today=dt.date(2024, 6, 25)
    )
    reader = to_pdf(content, tmp_path)
    pages = pages_text(reader)
    assert len(pages) >= 3  # the body and its annex tables
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    first = pages[0]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first
    assert "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH" in first
    assert "Lào Cai, ngày 25 tháng 6 năm 2024" in first
    assert "BÁO CÁO" in first
    assert "I. TÌNH HÌNH" in first
    whole = " ".join(pages)
    assert "3.442 đoàn viên công đoàn mới" in whole
    assert "344,2% chỉ tiêu" in whole
    assert "PHỤ LỤC" in whole and "Nơi nhận:" in whole and "T/M BAN THƯỜNG VỤ" in whole


def test_the_first_half_for_the_industrial_zones_converts_with_12_organizations_and_525_members(db, tmp_path):
    demo.seed()
    codes = ["BDH", "DPM", "TL"]
    content = periodic.render(
        periodic.draft_in(Period.parse("2024S1"), codes, "vi"), "vi", today=dt.date(2024, 6, 25)
    )
    whole = " ".join(pages_text(to_pdf(content, tmp_path)))
    assert "12 trong số 115 doanh nghiệp" in whole
    assert "525 đảng viên" in whole
