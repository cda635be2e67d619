"""Classify the text of a Beslutning section into decision keys.

A decision may carry several keys (a numbered list of decisions often does). The keys
are Danish because they are the vocabulary people filter by; ``DECISION_LABELS`` gives
their display labels in the order facets show them.
"""

from __future__ import annotations

import re

DECISION_LABELS: dict[str, str] = {
    "godkendt": "Godkendt",
    "taget-til-efterretning": "Taget til efterretning",
    "anbefalet": "Anbefalet",
    "oversendt": "Oversendt",
    "udsat": "Udsat",
    "afvist": "Afvist",
    "ingen-beslutning": "Ingen beslutning",
    "andet": "Andet",
}

# Attendance notes sit in the decision section but are not decisions.
_ATTENDANCE = re.compile(
    r"^\s*(afbud|fraværende|ikke til stede|ikke tilstede|fravær|deltog ikke)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)

# Negated approvals are rejections; they are removed before approvals are looked for.
_REJECTED = re.compile(
    r"\b(forkast\w*|afvis\w*|afvist\w*|afviste"
    r"|ikke\s+(?:at\s+)?(?:godkend\w*|tiltræd\w*|tiltråd\w*|vedt\w*|anbefal\w*|imødekom\w*))",
)

_PATTERNS: dict[str, re.Pattern[str]] = {
    "godkendt": re.compile(
        r"\b(godkend(?:t|te|tes|es|er|e)?|tiltræd(?:er|es|e)|tiltrådt|tiltrådte"
        r"|vedt(?:og|aget|ages)|bevilge(?:r|de|s)?|imødekom\w*)\b"
    ),
    "taget-til-efterretning": re.compile(
        r"\btil\s+efterretning\b|\b(?:temamødet|mødet|drøftelsen|orienteringen)\s+blev\s+(?:holdt|afholdt|gennemført)\b"
    ),
    "anbefalet": re.compile(
        r"\b(anbefal(?:er|es|ede|et|ing(?:en)?\s+til))\b"
        r"|\bindstill(?:er|es|ede)\s+til\s+(?:byrådet|kommunalbestyrelsen|regionsrådet|økonomiudvalget|magistraten)"
    ),
    "oversendt": re.compile(r"\b(oversend\w*|fremsend\w*|videresend\w*)\b"),
    "udsat": re.compile(r"\b(udsat\w*|udsætte\w*|udskudt\w*)\b"),
}


def split_attendance(text: str) -> tuple[str, str | None]:
    """Separate attendance notes ("Afbud: ...", "Fraværende: ...") from a decision text.

    :return: the decision text without them, and the notes (None when there are none).
    """
    notes = [m.group(0).strip() for m in _ATTENDANCE.finditer(text)]
    if not notes:
        return text, None
    return _ATTENDANCE.sub("", text).strip(), "\n".join(notes)


def is_empty_decision(text: str | None) -> bool:
    """True when a decision text holds no words (missing, blank, or a lone ".")."""
    return not text or not re.search(r"\w", text)


def classify_decision(text: str | None) -> list[str]:
    """Return the decision keys of a Beslutning text, in ``DECISION_LABELS`` order.

    >>> classify_decision("Udvalget udsatte sagen.")
    ['udsat']
    >>> classify_decision(".")
    ['ingen-beslutning']
    """
    if is_empty_decision(text):
        return ["ingen-beslutning"]
    lowered = text.lower()
    keys = set()
    if _REJECTED.search(lowered):
        keys.add("afvist")
        lowered = _REJECTED.sub(" ", lowered)
    for key, pattern in _PATTERNS.items():
        if pattern.search(lowered):
            keys.add(key)
    if not keys:
        return ["andet"]
    return [key for key in DECISION_LABELS if key in keys]
