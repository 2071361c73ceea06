"""Write the built-in template of the periodic report, reports/documents/report_template.docx.

Run once after changing the layout: ``python scripts/make_report_template.py``. The file it writes
ships with the product; an administrator may upload another one with the same placeholders
(docxtpl / Jinja tags: superior_body, issuing_body, number, party_name, place_date, title, subject,
body (a sub-document), recipients_label, recipients, on_behalf, signer_title).
Layout: Hướng dẫn 36-HD/VPTW (2018): A4 portrait, margins 20/20/30/15 mm, Times New Roman 14 pt
justified, page numbers from page 2.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TARGET = Path(__file__).resolve().parent.parent / "reports" / "documents" / "report_template.docx"
FONT = "Times New Roman"
TEXT_WIDTH = Mm(210 - 30 - 15)


def _font(style, size):
    style.font.name = FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _line(cell_or_doc, text, *, bold=False, italic=False, underline=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    return paragraph


def _page_number(paragraph):
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _two_columns(document, left_width):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for cell, width in zip(table.rows[0].cells, (left_width, TEXT_WIDTH - left_width), strict=True):
        cell.width = width
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table.rows[0].cells


def build() -> Document:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True  # no number on page 1
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(header)
    _font(document.styles["Normal"], 14)
    document.styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _font(document.styles["Table Grid"], 11)
    body = document.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None

    left, right = _two_columns(document, Mm(75))
    _line(left, "{{ superior_body }}", bold=False)
    _line(left, "{{ issuing_body }}", bold=True)
    _line(left, "*")
    _line(left, "{{ number }}")
    _line(right, "{{ party_name }}", bold=True, underline=True)
    _line(right, "")
    _line(right, "{{ place_date }}", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)

    _line(document, "")
    _line(document, "{{ title }}", bold=True).runs[0].font.size = Pt(15)
    _line(document, "{{ subject }}", bold=True)
    _line(document, "")
    document.add_paragraph("{{p body }}")

    left, right = _two_columns(document, Mm(80))
    recipients = _line(left, "{{ recipients_label }}", bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    recipients.runs[0].font.size = Pt(12)
    _line(left, "{{r recipients }}", align=WD_ALIGN_PARAGRAPH.LEFT).runs[0].font.size = Pt(11)
    _line(right, "{{ on_behalf }}", bold=True)
    _line(right, "{{ signer_title }}", bold=True)
    for _room_to_sign in range(4):  # the signature and the signer's name, written by hand
        _line(right, "")
    return document


if __name__ == "__main__":
    build().save(TARGET)
    print(f"Wrote {TARGET}")
