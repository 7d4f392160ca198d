"""The protocol both search backends implement. Callers use search/__init__.py, never a backend."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..documents import IndexDocument
from ..query import Kind, SearchQuery, SearchResult, Suggestion


class SearchBackend(Protocol):
    name: str

    def search(self, query: SearchQuery) -> SearchResult: ...

    def suggest(self, prefix: str, *, limit: int = 10) -> list[Suggestion]: ...

    def index(self, documents: Iterable[IndexDocument]) -> int:
        """Add or replace documents; returns how many were written."""
        ...

    def delete(self, kind: Kind, ids: Iterable[int]) -> int: ...

    def rebuild(
        self,
        documents_by_kind: dict[Kind, Iterable[IndexDocument]],
        *,
        vocabulary: Iterable[tuple[str, str]] = (),
    ) -> dict[Kind, int]:
        """Build fresh indexes from scratch and swap them in only when complete.

        `vocabulary` is (text, kind) pairs the suggester offers besides titles (occupations, skills).
        """
        ...

    def ids(self, kind: Kind) -> set[int]:
        """Every id in the index for a kind."""
        ...

    def hashes(self, kind: Kind) -> dict[int, str]:
        """Every id in the index for a kind with its document's stored `content_hash` ("" when
        it was written without one), for reconcile."""
        ...

    def stats(self) -> dict[str, object]: ...
