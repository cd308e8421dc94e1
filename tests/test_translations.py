"""The English catalogue (locale/en/LC_MESSAGES/django.po) is complete and compiled.

The UI's source strings are Chinese; English comes from the .po. An empty or fuzzy msgstr shows
Chinese to an English reader (Django ignores fuzzy entries), and a .po edited without running
`compilemessages` changes nothing at runtime. After `makemessages`, translate the new entries
and run `manage.py compilemessages -l en -i .venv -i var -i build`.

polib is not a dependency: the small parser below reads what GNU gettext writes.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

LC_MESSAGES = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
# A fresh clone writes django.mo a moment before django.po (alphabetical order): not "stale".
MTIME_SLACK_SECONDS = 2.0
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file, without the header and obsolete (#~) entries. Each entry has
    msgctxt, msgid, msgid_plural (or None), msgstr ({index: text}; index 0 when singular),
    flags (set) and line (of its msgid)."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple[str, int] | None = None

    def finish() -> None:
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith('"'):
            assert entry is not None and field is not None, f"{path}:{number}: stray string"
            name, index = field
            text = ast.literal_eval(line)
            if name == "msgstr":
                entry["msgstr"][index] += text
            else:
                entry[name] += text
            continue
        if not line or line.startswith("#~"):
            field = None
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:  # a comment starts the next entry
                finish()
                entry = None
            entry = entry or {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(",") if f.strip())
            field = None
            continue
        match = KEYWORD.match(line)
        assert match, f"{path}:{number}: cannot parse {raw!r}"
        keyword, index, quoted = match.groups()
        if keyword in ("msgctxt", "msgid") and entry is not None and "msgid" in entry:
            finish()
            entry = None
        if entry is None:
            entry = {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        text = ast.literal_eval(quoted)
        if keyword.startswith("msgstr"):
            field = ("msgstr", int(index or 0))
            entry["msgstr"][field[1]] = text
        else:
            field = (keyword, 0)
            entry[keyword] = text
            if keyword == "msgid":
                entry["line"] = number
    finish()
    return [e for e in entries if e["msgid"] != ""]


def describe(entries: list[dict]) -> str:
    return "\n".join(f"  {PO.name}:{e['line']}: {e['msgid']!r}" for e in entries)


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    parsed = parse_po(PO)
    assert parsed, f"{PO} has no entries"
    return parsed


def test_every_entry_is_translated(entries):
    missing = [
        e
        for e in entries
        if not e["msgstr"]
        or any(not text for text in e["msgstr"].values())
        or (e["msgid_plural"] is not None and set(e["msgstr"]) != {0, 1})
    ]
    assert not missing, f"{len(missing)} untranslated entries (English has 2 plural forms):\n" + (
        describe(missing)
    )


def test_no_entry_is_fuzzy(entries):
    fuzzy = [e for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries (check the translation, then remove '#, fuzzy'):\n"
        + describe(fuzzy)
    )


def test_translations_keep_the_placeholders(entries):
    """A missing or misspelt %(name)s raises KeyError or drops a value at runtime."""
    wrong = [
        e
        for e in entries
        if "python-format" in e["flags"]
        and any(
            sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e["msgid"]))
            for text in e["msgstr"].values()
            if text  # empty: reported by test_every_entry_is_translated
        )
    ]
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + describe(wrong)


def test_mo_is_not_older_than_po():
    assert MO.exists(), f"{MO} is missing: run compilemessages"
    lag = PO.stat().st_mtime - MO.stat().st_mtime
    assert lag <= MTIME_SLACK_SECONDS, (
        f"{MO.name} is {lag:.0f} s older than {PO.name}: "
        "run `manage.py compilemessages -l en -i .venv -i var -i build`"
    )


def test_mo_holds_the_po_translations(entries):
    """The same staleness check by content, whatever the files' dates (a clone, a merge)."""
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in entries:
        if "fuzzy" in e["flags"] or not all(e["msgstr"].values()):
            continue  # compilemessages leaves those out; the tests above report them
        ctx, msgid, plural = e["msgctxt"], e["msgid"], e["msgid_plural"]
        if plural is None:
            got = [mo.pgettext(ctx, msgid) if ctx is not None else mo.gettext(msgid)]
        else:
            got = [
                mo.npgettext(ctx, msgid, plural, n)
                if ctx is not None
                else mo.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
        if got != [e["msgstr"][i] for i in sorted(e["msgstr"])]:
            stale.append(e)
    assert not stale, (
        f"{MO.name} does not match {PO.name} for {len(stale)} entries: run compilemessages\n"
        + describe(stale)
    )
