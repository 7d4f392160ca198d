"""The committed English catalogue: complete, and its compiled .mo built from the current .po."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import backend.web

CATALOGUE = Path(backend.web.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def _po_entries(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po file without plurals or contexts (the web templates use neither)."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key = ""
    for line in [*text.splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = {}, ""
    return entries


def test_every_message_is_translated_and_the_mo_is_up_to_date():
    entries = _po_entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    assert len(entries) > 100
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = {
        msgid: compiled.gettext(msgid)
        for msgid, msgstr in entries.items()
        if compiled.gettext(msgid) != msgstr
    }
    assert stale == {}, "run `make messages` (compilemessages) and commit django.mo"
