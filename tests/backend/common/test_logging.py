"""Log lines through the configured logging (settings.LOGGING's handler on the root logger): one
JSON object each, with the request id, and never an ID number or a mobile."""

from __future__ import annotations

import io
import json
import logging

import pytest

from backend.common.logging import (
    JsonFormatter,
    MaskPersonalData,
    TextFormatter,
    mask_personal_data,
)
from backend.common.request_id import request_id_var
from tests.factories import valid_id_number

ID_NUMBER = valid_id_number(7)
OLD_ID_NUMBER = "441881900101123"
MOBILE = "13912345678"


@pytest.fixture
def console_lines():
    """What the configured console handler writes, one parsed line at a time."""
    handler = next((h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)), None)
    if handler is None:
        pytest.skip("the console handler is not JSON here (LOG_FORMAT=text)")
    stream = io.StringIO()
    previous = handler.setStream(stream)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    handler.setStream(previous)


def test_a_line_is_one_json_object_with_time_level_logger_and_message(console_lines):
    logging.getLogger("skillbridge.test").warning("开班 %s 已满", "粤菜师傅")

    (line,) = console_lines()
    assert line["level"] == "WARNING"
    assert line["logger"] == "skillbridge.test"
    assert line["message"] == "开班 粤菜师傅 已满"
    assert line["time"].startswith("20")  # ISO 8601 in Asia/Shanghai
    assert line["time"].endswith("+08:00")
    assert "request_id" not in line


def test_the_request_id_is_on_lines_logged_while_it_is_set(console_lines):
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("skillbridge.test").warning("inside")
    finally:
        request_id_var.reset(token)
    logging.getLogger("skillbridge.test").warning("outside")

    inside, outside = console_lines()
    assert inside["request_id"] == "req-42"
    assert "request_id" not in outside


def test_id_numbers_and_mobiles_are_masked_in_message_args_extra_and_traceback(console_lines):
    logger = logging.getLogger("skillbridge.test")
    logger.warning("登记 %s 手机 %s", ID_NUMBER, MOBILE)
    logger.warning(f"旧证 {OLD_ID_NUMBER}, 电话 +86 139-1234-5678", extra={"contact": MOBILE})
    try:
        raise ValueError(f"duplicate id number {ID_NUMBER} for {MOBILE}")
    except ValueError:
        logger.exception("registration failed")

    lines = console_lines()
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for secret in (ID_NUMBER, OLD_ID_NUMBER, MOBILE, "139-1234-5678"):
        assert secret not in text
    assert lines[0]["message"] == f"登记 {ID_NUMBER[:4]}**********{ID_NUMBER[-4:]} 手机 139****5678"
    assert lines[1]["contact"] == "139****5678"
    assert "ValueError: duplicate id number" in lines[2]["exc_info"]
    assert "139****5678" in lines[2]["exc_info"]


def test_a_number_that_is_not_personal_data_is_left_alone():
    request_id = "a13912345678b" + "0" * 19
    for text in (request_id, "order 1391234567890123456789", "took 139123.45678 ms", "count 13912345"):
        assert mask_personal_data(text) == text
    assert (
        mask_personal_data("身份证" + ID_NUMBER + "号")
        == f"身份证{ID_NUMBER[:4]}**********{ID_NUMBER[-4:]}号"
    )


def test_the_record_filter_masks_for_handlers_that_format_on_their_own():
    """pytest's caplog, an error tracker: they see the record after our filter ran."""
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "mobile %s", (MOBILE,), None)
    try:
        raise RuntimeError(ID_NUMBER)
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()

    assert MaskPersonalData().filter(record) is True

    assert record.getMessage() == "mobile 139****5678"
    assert ID_NUMBER not in logging.Formatter().format(record)


def test_a_broken_format_call_is_still_masked_by_the_formatter():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items for " + MOBILE, ("many",), None)
    assert MaskPersonalData().filter(record) is True  # leaves it; logging reports the bad call
    with pytest.raises(TypeError):
        JsonFormatter().format(record)


def test_text_format_for_a_terminal():
    formatter = TextFormatter()
    record = logging.LogRecord("backend.access", logging.INFO, __file__, 1, "GET /w/%s 200", (MOBILE,), None)

    assert formatter.format(record).endswith(" INFO backend.access [-] GET /w/139****5678 200")
    record.request_id = "abc"
    assert "[abc]" in formatter.format(record)
