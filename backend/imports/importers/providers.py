"""Training providers: only an admin imports them (imports/policies.py); no row rules of their own."""

from __future__ import annotations

from ..engine import Importer
from ..schemas import PROVIDERS


class ProviderImporter(Importer):
    schema = PROVIDERS
