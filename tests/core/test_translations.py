"""Every string the app shows has a Vietnamese translation (Vietnamese is the default language)."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2] / "meetingsvc"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _vietnamese_catalog() -> dict[str, str]:
    merged = {}
    for po in PACKAGE.glob("*/translations*/vi/LC_MESSAGES/messages.po"):
        with open(po, "rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    merged[key] = message.string
    return merged


def test_every_message_has_a_vietnamese_translation():
    catalog = _vietnamese_catalog()
    missing = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHODS, {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid and msgid not in catalog:
            missing.add(f"{filename}: {msgid!r}")
    assert not missing, "untranslated:\n" + "\n".join(sorted(missing))


def test_one_message_has_one_vietnamese_translation_in_every_catalog():
    """The catalogs are merged: a msgid translated two ways in two domains shows one of them at random."""
    translations: dict[str, set[str]] = {}
    for po in PACKAGE.glob("*/translations*/vi/LC_MESSAGES/messages.po"):
        with open(po, "rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    string = message.string if isinstance(message.string, str) else message.string[0]
                    translations.setdefault(key, set()).add(string)
    clashes = {key: strings for key, strings in translations.items() if len(strings) > 1}
    assert not clashes, clashes
