"""The API's JSON parser: DRF's, with a nesting limit checked before the body is decoded.

The body's size is already bounded: DRF reads a JSON body through `request.body`, which refuses
more than DATA_UPLOAD_MAX_MEMORY_SIZE (a 400 in the API's error format, backend/api/errors.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers
from rest_framework.utils import json

from backend.common.json_depth import json_nesting_exceeds


class JSONTooDeep(exceptions.ParseError):
    default_code = "json_too_deep"


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]  # newer than the stubs
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
            limit = settings.SKILLBRIDGE_JSON_MAX_DEPTH
            if json_nesting_exceeds(text, limit=limit):
                raise JSONTooDeep(_("请求内容的JSON嵌套层级过深(最多{limit}层)。").format(limit=limit))
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike, as DRF's own parser
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
