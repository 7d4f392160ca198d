"""The committed English catalogues, the web pages' and the domain messages': complete, and each
compiled .mo built from the current .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

import backend

BACKEND = Path(backend.__file__).parent
WEB = BACKEND / "web" / "locale" / "en" / "LC_MESSAGES"
DOMAIN = BACKEND / "locale" / "en" / "LC_MESSAGES"  # settings.LOCALE_PATHS: searched first
CONTEXT_SEPARATOR = "\x04"  # how a compiled catalogue keys a msgctxt entry


def _po_entries(text: str) -> dict[str, str]:
    """msgid (prefixed by "msgctxt\\x04" when it has a context) -> msgstr; no plurals are used."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key = ""
    for line in [*text.splitlines(), ""]:
        if line.startswith(("msgctxt ", "msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                context = current["msgctxt"] + CONTEXT_SEPARATOR if "msgctxt" in current else ""
                entries[context + current["msgid"]] = current.get("msgstr", "")
            current, key = {}, ""
    return entries


def _entries(catalogue: Path) -> dict[str, str]:
    return _po_entries((catalogue / "django.po").read_text(encoding="utf-8"))


@pytest.mark.parametrize("catalogue", [WEB, DOMAIN], ids=["web", "domain"])
def test_every_message_is_translated_and_the_mo_is_up_to_date(catalogue):
    entries = _entries(catalogue)
    assert len(entries) > 100
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []
    with (catalogue / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = {
        msgid: compiled.gettext(msgid)
        for msgid, msgstr in entries.items()
        if compiled.gettext(msgid) != msgstr
    }
    assert stale == {}, "run `make messages` (compilemessages) and commit django.mo"


def test_a_message_in_both_catalogues_has_the_same_english():
    """The domain catalogue wins for a msgid both have, so it must not change a web page's text."""
    web, domain = _entries(WEB), _entries(DOMAIN)
    assert {m: (web[m], domain[m]) for m in web.keys() & domain.keys() if web[m] != domain[m]} == {}


def test_placeholders_are_kept_in_the_english():
    """Named placeholders ({row}, %(n)s) let a translation reorder them; none may be lost."""
    placeholder = re.compile(r"\{[a-z_]+(?::[^}]*)?\}|%\([a-z_]+\)s")
    lost = {
        msgid: msgstr
        for msgid, msgstr in _entries(DOMAIN).items()
        if sorted(set(placeholder.findall(msgid))) != sorted(set(placeholder.findall(msgstr)))
    }
    assert lost == {}
