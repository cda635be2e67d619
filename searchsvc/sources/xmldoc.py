"""Reading the XML that case systems export for publication, as forgiving as the files need.

Real exports are not always well-formed: eDoc writes Word's page breaks as ``&#xC;``, a
character reference XML 1.0 forbids, and a strict parser refuses the whole file. Such
references (and raw control characters) are read as line breaks, with a warning, rather
than losing the meeting. Also: telling an export's root element without parsing it, and
the helpers every export format needs (element text, Danish date-times).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from ..errors import ParseError

# Character references to code points XML 1.0 does not allow: C0 controls other than
# tab, line feed and carriage return, surrogates, U+FFFE and U+FFFF.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What may precede the root element: a BOM, the XML declaration, comments, a doctype.
_PROLOG = re.compile(rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.DOTALL)
_START_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def _allowed(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def root_name(data: bytes) -> str | None:
    """The name of the root element, read from the start of the file; None if not XML."""
    head = data[:8192]
    prolog = _PROLOG.match(head)
    match = _START_TAG.match(head, prolog.end() if prolog else 0)
    return match.group(1).decode("ascii") if match else None


def load_xml(data: bytes, *, path: str, warnings: list[str]) -> ET.Element:
    """Parse an export, recovering from characters XML forbids (read as line breaks).

    :raise ParseError: when the file is not XML even so.
    """
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        pass
    forbidden = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal forbidden
        hex_digits, decimal = match.groups()
        code = int(hex_digits, 16) if hex_digits else int(decimal)
        if _allowed(code):
            return match.group(0)
        forbidden += 1
        return b"&#10;"

    cleaned = _CHAR_REF.sub(replace, data)
    cleaned, raw = _RAW_CONTROL.subn(b"\n", cleaned)
    try:
        root = ET.fromstring(cleaned)
    except ET.ParseError as error:
        line, column = error.position
        raise ParseError(path, f"not well-formed XML ({_reason(error)}, column {column})", line=line) from None
    if forbidden or raw:
        warnings.append(f"{path}: {forbidden + raw} characters that XML forbids (such as &#xC;) read as line breaks")
    return root


def _reason(error: ET.ParseError) -> str:
    return str(error).split(":")[0]


def text(element: ET.Element | None, path: str = "") -> str:
    """The whitespace-normalised text of a child element (or of ``element`` itself); "" if absent."""
    if element is None:
        return ""
    found = element.find(path) if path else element
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())


def parse_datetime(value: str, *, path: str, what: str) -> datetime:
    """A Danish date-time as exports write it: ``15-05-2013 16:30:00``, ``2013-06-20 10:30``.

    :raise ParseError: naming ``what`` when the value is no such date-time.
    """
    value = " ".join(value.split())
    for layout in ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                   "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    raise ParseError(path, f"{what} {value[:40]!r} is not a date-time")


def time_of(value: str, when: datetime) -> str | None:
    """The time of day as HH:MM, or None when the value names a date only."""
    return when.strftime("%H:%M") if re.search(r"\d:\d\d", value) else None


def capitalise_shouting(name: str) -> str:
    """"FORRETNINGSUDVALGET" → "Forretningsudvalget": captions set in capitals read as names.

    Names with some lowercase ("KMB IT-udvalget") are left as written.
    """
    name = " ".join(name.split())
    if name.upper() == name and any(c.isalpha() for c in name):
        return name[:1] + name[1:].lower()
    return name
