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


def _po_records(text: str) -> list[dict[str, str]]:
    """Each entry's fields: msgctxt, msgid, msgid_plural, msgstr or msgstr[0], msgstr[1]..."""
    records: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in [*text.splitlines(), ""]:
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                records.append(current)
            current, key = {}, ""
    return records


def _key(record: dict[str, str]) -> str:
    context = record["msgctxt"] + CONTEXT_SEPARATOR if "msgctxt" in record else ""
    return context + record["msgid"]


def _po_entries(text: str) -> dict[str, str]:
    """msgid (prefixed by "msgctxt\\x04" when it has a context) -> msgstr (a plural's singular)."""
    return {_key(r): r.get("msgstr", r.get("msgstr[0]", "")) for r in _po_records(text)}


def _entries(catalogue: Path) -> dict[str, str]:
    return _po_entries((catalogue / "django.po").read_text(encoding="utf-8"))


def _plurals(catalogue: Path) -> list[dict[str, str]]:
    text = (catalogue / "django.po").read_text(encoding="utf-8")
    return [r for r in _po_records(text) if "msgid_plural" in r]


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


@pytest.mark.parametrize("catalogue", [WEB, DOMAIN], ids=["web", "domain"])
def test_plural_messages_have_both_english_forms_compiled(catalogue):
    with (catalogue / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for record in _plurals(catalogue):
        forms = (record.get("msgstr[0]", ""), record.get("msgstr[1]", ""))
        assert all(forms), record["msgid"]
        one, many = (compiled.ngettext(record["msgid"], record["msgid_plural"], n) for n in (1, 2))
        assert (one, many) == forms, "run `make messages` (compilemessages) and commit django.mo"


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
