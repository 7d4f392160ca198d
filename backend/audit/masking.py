"""Personal data never reaches the audit log in the clear.

`mask_field` is auditlog's mask callable for the fields named at registration (mobile, phones,
e-mail); `scrub` runs over everything an entry stores, so a mobile or ID number typed into a
free-text field (a note, a description, a username) is masked too.
"""

from __future__ import annotations

import re
from typing import Any

from backend.common.validators import mask_id_number, mask_mobile, normalise_mobile

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_ONLY = re.compile(r"^1[3-9]\d{9}$")


def mask_text(text: str) -> str:
    """Every ID number and mobile inside `text`, masked as the pages show them."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE.sub(lambda m: mask_mobile(m.group()), text)


def mask_field(value: str) -> str:
    """A masked field's old or new value: "None" (no value) stays readable; the rest keeps only
    what identifies no one (a mobile's first 3 and last 4 digits, a phone's last 4, an e-mail's
    first letter and domain)."""
    if value in ("", "None"):
        return value
    if "@" in value:
        name, _at, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if _MOBILE_ONLY.match(normalise_mobile(value)):
        return mask_mobile(value)
    return "*" * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else "*" * len(value)


def scrub(value: Any) -> Any:
    """`mask_text` over every string in a JSON-like value."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value
