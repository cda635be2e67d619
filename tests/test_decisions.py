"""The decision classifier on real sentences from the corpus."""

import pytest

from searchsvc.decisions import classify_decision, split_attendance

FREDERIKSBERG = [
    # (sentence from the Frederiksberg minutes, expected keys)
    ("Udvalget udsatte sagen.", ["udsat"]),
    (".", ["ingen-beslutning"]),
    ("Arbejdsmarkeds- og Uddannelsesudvalget\n\n1. tog høringssvar til indsatser på udvalgets område "
     "samt forvaltningens bemærkninger hertil til efterretning og\n2. godkendte integrationspuljens "
     "indsatser på udvalgets område.", ["godkendt", "taget-til-efterretning"]),
    ("Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget indstiller, at beslutningsforslaget om at ansætte "
     "en autismekoordinator oversendes til drøftelserne om budget 2025.", ["oversendt"]),
    ("Arbejdsmarkeds-, Vækst- og Uddannelsesudvalget tog orienteringen til efterretning.",
     ["taget-til-efterretning"]),
    ("1. tog opfølgning på projekt Borgerdialog i fokus til efterretning,\n3. prioriterede, at "
     "forvaltningens arbejde med temaet fremadrettet skal have fokus", ["taget-til-efterretning"]),
]


@pytest.mark.parametrize("text, keys", FREDERIKSBERG)
def test_frederiksberg_decisions(text, keys):
    assert classify_decision(text) == keys


@pytest.mark.parametrize("text, keys", [
    ("Indstillingen godkendt.", ["godkendt"]),
    ("Kommunalbestyrelsen forkastede mindretalsindstillingen.", ["afvist"]),
    ("Forslaget blev ikke godkendt.", ["afvist"]),
    ("Udvalget anbefaler indstillingen over for Byrådet.", ["anbefalet"]),
    ("Sagen fremsendes til Teknisk Udvalg.", ["oversendt"]),
    ("Udvalget drøftede sagen.", ["andet"]),
    (None, ["ingen-beslutning"]),
    ("", ["ingen-beslutning"]),
])
def test_decision_vocabulary(text, keys):
    assert classify_decision(text) == keys


def test_a_noun_is_not_a_decision():
    # "godkendelse" names a later step, it does not approve anything.
    assert classify_decision("Sagen sendes til godkendelse i Byrådet.") == ["andet"]


def test_attendance_is_kept_apart_from_the_decision():
    text, attendance = split_attendance("Godkendt.\nAfbud: Jens Hansen (A)")
    assert text == "Godkendt."
    assert attendance == "Afbud: Jens Hansen (A)"
    assert classify_decision(text) == ["godkendt"]
