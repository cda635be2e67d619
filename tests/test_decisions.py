"""The decision classifier on real sentences from the corpus."""

import pytest

from searchsvc.domain.decisions import classify_decision, split_attendance

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


GREVE = [
    # (sentence from the Greve FirstAgenda minutes, expected keys)
    ("Anbefales.", ["anbefalet"]),
    ("1.-3. Anbefales.", ["anbefalet"]),
    ("Byrådet godkendte Økonomiudvalgets indstilling.", ["godkendt"]),
    ("Orienteringen blev taget til efterretning.", ["taget-til-efterretning"]),
    ("Orienteringen blev taget til efterretningen.", ["taget-til-efterretning"]),
    ("Temamødet blev holdt.", ["taget-til-efterretning"]),
    ("Temamøde blev afholdt.", ["taget-til-efterretning"]),
    ("Dialogmøde blev holdt.", ["taget-til-efterretning"]),
    ("Afholdt.", ["taget-til-efterretning"]),
    ("Administrationen orienterede om kunstkatalog i kommunen.", ["taget-til-efterretning"]),
    ("Godkendes.", ["godkendt"]),
    ("1.-2. Godkendt. \n\n3.-5. Anbefales.", ["godkendt", "anbefalet"]),
    ("Ansøger 1 tildeles plads ved Greve Svømmehal.", ["godkendt"]),
    # A recommendation to the council to approve is a recommendation, not an approval.
    ("Økonomiudvalget anbefaler overfor Byrådet at godkende Klima-, Teknik- og Miljøudvalgets indstilling.",
     ["anbefalet"]),
    ("Økonomiudvalget anbefaler overfor Byrådet, at Kultur- og Fritidsudvalgets indstilling godkendes.",
     ["anbefalet"]),
    ("Udvalget anbefaler handleplanen godkendt.", ["anbefalet"]),
    # Negations, before and after the verb.
    ("Godkendes ikke. Udvalget ønsker, at administrationen undersøger, om der er andre ejendomme "
     "indenfor lokalplansområdet, der er med sorte tegl.", ["afvist"]),
    ("1.-2. Anbefales ikke.", ["afvist"]),
    ("1. Anbefales. \n\n2. Anbefales ikke.", ["anbefalet", "afvist"]),
    ("Udvalget kan ikke følge indstillingen, men ønsker, at der udarbejdes et udkast til høringssvar "
     "frem mod behandlingen i Byrådet.", ["afvist"]),
    ("Med stemmerne 11 for og 8 imod besluttede byrådet ikke at sende forslaget til realitetsbehandling.\n\n"
     "(V), (D) og (C) ønskede ikke at sende forslaget til realitetsbehandling.\n\n"
     "(F), (A) og (Ø) ønskede at sende forslaget til realitetsbehandling.", ["afvist"]),
    # Sent back or on.
    ("Sagen sendes tilbage til administrationen med henblik på at undersøge evt. præcedens skabende effekt.",
     ["oversendt"]),
    ("Byrådet sendte sagen til realitetsbehandling i Plan- og Tryghedsudvalget.", ["oversendt"]),
    ("Byrådet sendte sagen retur til Klima- Teknik- og Miljøudvalget.", ["oversendt"]),
    ("Byrådet besluttede at tilbagesende sagen til Kultur- og Fritidsudvalget.", ["oversendt"]),
    ("1-4 Ikke godkendt. Sagen sendes tilbage til fornyet behandling i fagudvalg.", ["oversendt", "afvist"]),
    # Taken off, withdrawn or deferred.
    ("Sagen blev taget af.", ["udsat"]),
    ("Sagen udgik.", ["udsat"]),
    ("Administrationen trækker sagen tilbage, jf. punkt 1 godkendelse af dagsorden.", ["udsat"]),
    ("Udvalget ønsker sagen genoptaget på kommende udvalgsmøde i september 2022.", ["udsat"]),
    ("Orienteringen blev taget til efterretning idet, at udvalget ønsker at sagen genoptages, hvis der "
     "kommer ændringer i den planlagte lokalefordelingsproces.", ["taget-til-efterretning"]),
    # Nothing up for decision.
    ("Der var ingen orienteringer.", ["ingen-beslutning"]),
    ("Der var ingen gensidige orienteringer.", ["ingen-beslutning"]),
    ("Ingen orienteringspunkter.", ["ingen-beslutning"]),
    ("Intet at berette.", ["ingen-beslutning"]),
    ("Beslutning ikke frigivet", ["ingen-beslutning"]),
    ("Byrådet besvarede borgernes spørgsmål.", ["ingen-beslutning"]),
    ("Spørgsmål blev besvaret på mødet.", ["ingen-beslutning"]),
    ("Udvalget undlod at tage stilling.", ["ingen-beslutning"]),
    # Kept as "andet": discussions, commissions, elections.
    ("Sagen blev drøftet.", ["andet"]),
    ("Udvalget ønsker en sag om kvalitetsstandarder for nødkald.", ["andet"]),
    ("Udvalget valgte Simon Østergaard (V) som ny formand.", ["andet"]),
]


@pytest.mark.parametrize("text, keys", GREVE)
def test_greve_decisions(text, keys):
    assert classify_decision(text) == keys


@pytest.mark.parametrize("text", [
    "Sagen sendes til godkendelse i Byrådet.",
    "Byrådet skal efterfølgende give endelig godkendelse.",
    "Udvalget ønsker en sag til godkendelse på næste møde.",
])
def test_nouns_of_approval_do_not_approve(text):
    assert "godkendt" not in classify_decision(text)


@pytest.mark.parametrize("text, decision, attendance", [
    # The layouts of the Greve decisions, as the FirstAgenda HTML converts.
    ("Godkendt.\n\nAfbud: Liselott Blixt", "Godkendt.", "Afbud: Liselott Blixt"),
    ("Orienteringen blev taget til efterretning.\nFraværende: Hans-Jørgen Kirstein",
     "Orienteringen blev taget til efterretning.", "Fraværende: Hans-Jørgen Kirstein"),
    ("Orienteringen blev taget til efterretning.\nIkke til stede: Tina Rottbøll",
     "Orienteringen blev taget til efterretning.", "Ikke til stede: Tina Rottbøll"),
    ("Anbefales.\n\nAfbud fra Tina Rottbøll (A)", "Anbefales.", "Afbud fra Tina Rottbøll (A)"),
    ("Godkendt.\n\nDorthe Bøgh Madsen deltog som stedfortræder.", "Godkendt.",
     "Dorthe Bøgh Madsen deltog som stedfortræder."),
    ("Godkendt.\n\nSimon Østergaard (V) var ikke til stede.", "Godkendt.", "Simon Østergaard (V) var ikke til stede."),
    # On the decision's own line.
    ("Godkendt. Afbud: Jens Hansen (A)", "Godkendt.", "Afbud: Jens Hansen (A)"),
    # In a paragraph between others: no run of blank lines is left behind.
    ("Godkendt.\n\nFraværende: Hans-Jørgen Kirstein\n\nUdvalget ønsker en sag.",
     "Godkendt.\n\nUdvalget ønsker en sag.", "Fraværende: Hans-Jørgen Kirstein"),
])
def test_greve_attendance_notes_are_kept_apart(text, decision, attendance):
    assert split_attendance(text) == (decision, attendance)
    assert classify_decision(decision) != ["andet"]


def test_absence_mentioned_in_a_decision_is_not_an_attendance_note():
    text = "Godkendt idet udvalget ønsker en sag, der belyser årsager til sygefravær samt hvordan det håndteres."
    assert split_attendance(text) == (text, None)


@pytest.mark.parametrize("text", [
    "Der var en gensidig orientering om dialogmøde i KKR om Rammeaftalen på det specialiserede "
    "social- og undervisningsområde.",
    "Derudover orienteres der om:\nVi har genbesøgt processen med implementeringsworkshops til politikken.",
])
def test_an_orientation_given_is_taken_note_of(text):
    assert classify_decision(text) == ["taget-til-efterretning"]


@pytest.mark.parametrize("text, keys", [
    ("Taget til orientering.", ["taget-til-efterretning"]),
    ("Introduktion med plejecenterlederne blev holdt.", ["taget-til-efterretning"]),
    ("Orientering om hjemløsetællingen 2022\n\nOrientering om Covid-19 situationen på ældreområdet",
     ["taget-til-efterretning"]),
    ("Ingen bemærkninger.", ["ingen-beslutning"]),
    ("Intet til orientering.", ["ingen-beslutning"]),
])
def test_greve_orientation_items(text, keys):
    assert classify_decision(text) == keys


def test_a_rejection_inside_a_recommendation_is_kept():
    text = ("1.-3. Udvalget anbefaler Plan- og Tryghedsudvalgets indstilling med bemærkning om at aftalen "
            "for Askerød og Gersagerparken ikke godkendes idet der ønskes en fornyet dialog om Askerød")
    assert classify_decision(text) == ["anbefalet", "afvist"]
