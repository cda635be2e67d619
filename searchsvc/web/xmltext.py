"""Text that XML 1.0 can carry: what the ``Char`` production allows, nothing else.

A query or an item title may hold control characters (``\\x01``, a stray form feed from
a PDF) or the noncharacters U+FFFE and U+FFFF; XML 1.0 has no way to write them, not
even as character references, so a document holding one is not well-formed and a feed
reader rejects the whole feed. They carry no meaning in minutes: they are dropped.
"""

from __future__ import annotations

import re

# XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
# (lone surrogates, which a str can hold, fall outside too).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return NOT_XML.sub("", text)
