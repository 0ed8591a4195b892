"""Every string a user can see goes through Flask-Babel, and English exists for each."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO_FILE = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def source_messages() -> dict[str, str]:
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "app"), METHODS, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"app/{filename}:{lineno}")
    return found


def test_every_message_has_an_english_translation():
    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id}
    missing = [
        f"{where}: {msgid}"
        for msgid, where in sorted(source_messages().items(), key=lambda kv: kv[1])
        if not translated.get(msgid)
        or (isinstance(translated[msgid], tuple) and not all(translated[msgid]))
    ]
    assert not missing, (
        f"{len(missing)} messages lack English (run `make extract-messages`, then translate "
        "app/translations/en/LC_MESSAGES/messages.po):\n" + "\n".join(missing[:50])
    )


def test_english_pages_are_english(client):
    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page and "登录学考" not in page
