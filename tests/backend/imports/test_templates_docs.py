from __future__ import annotations

from pathlib import Path

import pytest

from backend.imports.schemas import SCHEMAS, normalise_header
from backend.imports.templates import render_kind_markdown, template_headers

DOC = Path(__file__).resolve().parents[3] / "docs" / "import-format.md"


def test_docs_contain_the_current_column_tables():
    """docs/import-format.md is rendered from the schemas; regenerate the tables when they change."""
    text = DOC.read_text(encoding="utf-8")
    for kind in SCHEMAS:
        assert render_kind_markdown(kind) in text, f"docs/import-format.md is out of date for {kind}"


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_every_template_header_maps_back_to_its_column(kind):
    schema = SCHEMAS[kind]
    assert [schema.column_for(h).field for h in template_headers(kind)] == [c.field for c in schema.columns]
    assert schema.column_for(" 外部编号* ").field == "external_id"
    assert normalise_header("Provider_External_ID") == "provider_external_id"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["providers", "employers", "programs", "sessions", "postings", "workers"])
def test_the_documented_examples_import(tmp_path, kind):
    """A row made of the examples in the docs is valid (references to the example ids exist)."""
    from backend.imports.services import SYSTEM, import_file
    from tests.factories import EmployerFactory, ProgramFactory, ProviderFactory

    from .helpers import write_table

    ProgramFactory(external_id="prog-yd-001", provider=ProviderFactory(external_id="prov-yd-001"))
    EmployerFactory(external_id="emp-yd-001")
    columns = [c for c in SCHEMAS[kind].columns if c.example]
    example_ids = {"programs": "prog-yd-new", "sessions": "sess-yd-new", "postings": "post-yd-new"}
    values = [example_ids.get(kind, c.example) if c.field == "external_id" else c.example for c in columns]
    path = write_table(tmp_path, "csv", [c.header for c in columns], [values])
    result = import_file(path_or_file=path, kind=kind, actor=SYSTEM, filename=path.name, dry_run=True)
    assert result.ok, result.errors
