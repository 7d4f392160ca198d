"""Log lines as JSON objects (or plain text), with the request id and without personal data.

Used by settings.LOGGING: `JsonFormatter` / `TextFormatter` mask ID numbers (身份证号) and mainland
mobiles in the whole formatted line (message, extra fields, tracebacks); `MaskPersonalData` masks
the record itself too, so later handlers that format on their own (pytest's caplog, an error
tracker) get the masked message; `RequestIdFilter` adds `request_id` when there is one.

The patterns refuse digits or ASCII letters on either side, so the hex of a request id or a
longer number is left alone; Chinese text around a number does not protect it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .request_id import current_request_id
from .validators import mask_id_number, mask_mobile

_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"
# 18 characters (the last may be X) or the old 15-digit numbers.
ID_NUMBER_PATTERN = re.compile(_EDGE_BEFORE + r"(?:\d{17}[\dXx]|\d{15})" + _EDGE_AFTER)
# 1[3-9] and 9 more digits, as typed: optional +86/0086, spaces or dashes as 3-4-4.
MOBILE_PATTERN = re.compile(_EDGE_BEFORE + r"(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}" + _EDGE_AFTER)


def mask_personal_data(text: str) -> str:
    """ID numbers as 4401**********123X, mobiles as 138****8000."""
    if not any(c.isdigit() for c in text):
        return text
    text = ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m.group()), text)
    return MOBILE_PATTERN.sub(lambda m: mask_mobile(m.group()), text)


class MaskPersonalData(logging.Filter):
    """Masks the record's message (its msg and args, merged) and traceback text in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format call: logging reports it, the formatter still masks
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set, so theirs is the masked one.
            record.exc_text = mask_personal_data(logging.Formatter().formatException(record.exc_info))
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a 4xx/5xx after the middleware has returned, with the request attached.
        request_id = current_request_id() or getattr(getattr(record, "request", None), "request_id", None)
        if request_id and not getattr(record, "request_id", None):
            record.request_id = request_id
        return True


def _iso_time(record: logging.LogRecord) -> str:
    # Local time with its offset (TIME_ZONE is the process's zone once Django is set up).
    return dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id and any extra fields."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        # Django attaches the request (and runserver its socket) as extras: their text repeats
        # the query string, which the access line deliberately leaves out.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        super().__init__(**kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso_time(record)

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))


class TextFormatter(logging.Formatter):
    """Plain lines for a developer's terminal (LOG_FORMAT=text), masked the same way."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        kwargs.setdefault("defaults", {"request_id": "-"})
        super().__init__(**kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso_time(record)

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))


def project_handler(handler: logging.Handler, *, fmt: str = "json") -> logging.Handler:
    """`handler` with the project's formatter and filters (the test suite's log capture uses it)."""
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskPersonalData())
    return handler
