"""One importer per kind: the kind's own rules on top of the generic engine (../engine.py)."""

from __future__ import annotations

from ..engine import Importer
from .employers import EmployerImporter
from .postings import PostingImporter
from .programs import ProgramImporter
from .providers import ProviderImporter
from .sessions import SessionImporter
from .workers import WorkerImporter

IMPORTERS: dict[str, type[Importer]] = {
    cls.schema.kind: cls
    for cls in (
        ProviderImporter,
        EmployerImporter,
        ProgramImporter,
        SessionImporter,
        PostingImporter,
        WorkerImporter,
    )
}
