"""Issue 16: imported text beginning with = + - @ (or a tab/CR) was exported as-is into xlsx/CSV
(formula injection). Every export writer now goes through backend.common.spreadsheet."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook

from backend.accounts.models import User
from backend.audit import services as audit
from backend.common.spreadsheet import csv_row
from backend.imports.templates import template_csv
from backend.web.exports import xlsx_response
from tests import factories as f

INJECTIONS = ['=HYPERLINK("http://evil.example","点我")', "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1", "\r=1"]


def test_formula_injection_cells_are_exported_as_text_in_csv():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row([*INJECTIONS, "电焊工", -5, 3.5, None, ""]))
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert cells[: len(INJECTIONS)] == ["'" + text for text in INJECTIONS]
    assert cells[len(INJECTIONS) :] == ["电焊工", "-5", "3.5", "", ""]  # numbers stay numbers


def test_the_csv_template_goes_through_the_same_helper():
    assert template_csv("postings").decode("utf-8-sig").startswith("外部编号")


def test_formula_injection_cells_are_exported_as_text_in_xlsx():
    response = xlsx_response(
        filename="t.xlsx", sheet="表", headers=["甲"] * 9, rows=[[*INJECTIONS, "电焊工", -5, 3.5]]
    )
    content = response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no formula cell at all
    sheet = load_workbook(io.BytesIO(content)).active
    cells = list(sheet[2])
    for cell, text in zip(cells, INJECTIONS, strict=False):
        shown = text.replace("\r", "\n")  # XML reads a CR back as a line feed
        assert (cell.value, cell.data_type, cell.quotePrefix) == (shown, "s", True)
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells[len(INJECTIONS) :]] == [
        ("电焊工", "s", False),
        (-5, "n", False),
        (3.5, "n", False),
    ]


@pytest.mark.django_db
def test_text_a_user_controls_is_exported_as_text_in_the_audit_log_xlsx():
    """End to end: a username beginning with "=" recorded in the audit log, exported by the auditor."""
    evil = f.UserFactory(username='=HYPERLINK("http://evil.example")')
    audit.record(action="export", actor=evil, detail={"table": "counties"})
    auditor = f.UserFactory(role=User.Role.AUDITOR)
    auditor.save()
    client = Client()
    client.force_login(auditor)
    response = client.get("/audit/", {"export": "xlsx"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[2] for row in sheet.iter_rows(min_row=2) if str(row[2].value).startswith("=")]
    assert labels, "the entry is in the export"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in labels)
