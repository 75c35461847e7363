# Rondo's webclient in het Nederlands. Dezelfde berichten met dezelfde
# plaatshouders als en.ftl. Termen: GLOSSARY.md; aanspreekvorm „je”.

## The page's fixed text (index.html, by data-l10n-id)

skip-link = Naar de bijeenkomst
start-title = Een intervisiegroep aanmaken
start-name = Naam van de groep
start-members = Leden, één naam per regel, in de volgorde van de rotatie
start-agreement = Intervisieovereenkomst
start-create = Groep aanmaken
start-convener-title = Jouw beheerlink
start-convener-keep = Bewaar deze link: hiermee beheer je de groep. Je voegt leden toe en verwijdert ze, geeft een lid een nieuwe link, publiceert een nieuwe versie van de overeenkomst en legt de planning vast.
start-open-console = Groepsbeheer openen
start-links-title = Links van de leden
start-links-share = Stuur elk lid een eigen link. Elke link is een sleutel: deel hem alleen met dat lid.
console-title = De groep beheren
console-members-title = Leden
console-col-name = Naam
console-col-now = Nu
console-col-accepted = Overeenkomst aanvaard
console-col-link = Link
console-add-name = Naam van het nieuwe lid
console-add = Lid toevoegen
console-language = Taal van de verslagen en agenda's van de groep
console-agreement-title = Intervisieovereenkomst
console-review-due = De jaarlijkse evaluatie van de overeenkomst is aan de beurt: spreek met de groep een nieuwe versie af en publiceer die hier.
console-new-version = Nieuwe versie
console-review-on = Evalueren op
console-publish = Nieuwe versie publiceren
console-history = Geschiedenis
console-schedule-title = Planning
console-repeats = Herhaling
preset-keep = De regel hieronder houden
preset-weekly = Elke week
preset-fortnightly = Om de twee weken
preset-first-tuesday = Maandelijks, eerste dinsdag
preset-second-wednesday = Maandelijks, tweede woensdag
preset-last-thursday = Maandelijks, laatste donderdag
preset-bimonthly = Om de twee maanden, eerste dinsdag
console-rrule = Regel (RFC 5545 RRULE)
console-first-meeting = Eerste bijeenkomst (lokale tijd)
console-zone = Tijdzone
console-minutes = Minuten
console-save-schedule = Planning opslaan
console-remove-schedule = Planning verwijderen
console-next-meetings = Volgende bijeenkomsten
agreement-title = Onze intervisieovereenkomst
agreement-accept = Overeenkomst aanvaarden
raise-hand = Hand opsteken
lower-hand = Hand laten zakken
turn-done = Klaar
turn-pass = Overslaan
summary-close = Samenvatting sluiten
case-title = Bijeenkomst
record-kind-label = Soort
record-kind-area = Besproken onderwerp
record-kind-discussion = Gesprekspunt
record-kind-decision = Besluit
record-kind-disagreement = Afwijkende mening
record-kind-action = Afspraak
quick-record-text = Tekst voor het verslag
quick-record-submit = Vastleggen
silent-notice = Jij bent de casusinbrenger: luister in deze fase zonder te reageren.
next-notice = Jij bent de volgende.
order-title = Nog aan de beurt
hands-title = Opgestoken handen
contribution-label = Jouw schriftelijke bijdrage (verborgen tot het einde van de fase)
contribution-submit = Inleveren
more-controls = Meer functies voor de gespreksleider
control-case = Casus
control-method = Methode
control-start-case = Casus starten
control-add = Erbij
extend-30 = 30 s
extend-60 = 1 min
extend-120 = 2 min
extend-300 = 5 min
control-extend = Verlengen
control-floor-to = Woord aan
control-give-floor = Het woord geven
control-round = Ronde
round-check-in = incheckronde
round-check-out = uitcheckronde
control-turn = Spreektijd
turn-60 = 1 min
turn-120 = 2 min
turn-180 = 3 min
control-run-round = Ronde starten
control-perspective-for = Perspectief voor
control-assign-perspective = Perspectief toewijzen
control-role-to = Gespreksleiding aan
control-hand-over = Overdragen
shortcuts-title = Sneltoetsen en meldingen
shortcut-hand = hand opsteken of laten zakken
shortcut-done = klaar met je beurt. Met een extra toets, zodat ze nooit botsen met de toetsen van een schermlezer.
shortcuts-on = Deze sneltoetsen gebruiken
alert-on = Een geluid en een trilling als ik aan de beurt ben
next-title = Volgende bijeenkomst
review-due = De jaarlijkse evaluatie van onze overeenkomst is aan de beurt.
calendar-feed = Abonneren in mijn agenda
calendar-series = De data downloaden (.ics)
roster-title = Leden
queue-title = Casussen
propose-title = Titel
propose-question = Jouw vraag aan de groep
propose-minutes = Minuten
propose-urgent = Dringend
propose-submit = Casus inbrengen
notes-title = Mijn notities
notes-explained = Privénotities zijn alleen van jou. Een notitie aan de casusinbrenger blijft van jou tot je hem verstuurt; dan leest de casusinbrenger hem ook.
note-kind = Soort
note-private = Privénotitie
note-presenter = Notitie aan de casusinbrenger
note-new = Nieuwe notitie
note-label = Notitie
note-send = Naar de casusinbrenger sturen
record-title = Verslag
record-text = Tekst
record-owner = Verantwoordelijke
record-due = Uiterlijk
record-tags = Labels
record-add = Aan het verslag toevoegen
record-cancel = Bewerken annuleren
open-actions-title = Openstaande afspraken van eerdere bijeenkomsten
export-record = Verslag downloaden (Markdown)
export-notes = Mijn notities downloaden (Markdown)
past-title = Eerdere bijeenkomsten
language-label = Taal
now-region =
    .aria-label = Nu
controls-region =
    .aria-label = Jouw beurt
stepper-region =
    .aria-label = Fasen
quick-record-region =
    .aria-label = Aan het verslag toevoegen
quick-record-input =
    .placeholder = Voor het verslag…
guide-region =
    .aria-label = Gespreksleiding
meeting-steps-region =
    .aria-label = De bijeenkomst
perspective-input =
    .placeholder = als de cliënt
    .aria-label = Perspectief

## The case as everyone follows it

title-your-turn = ● Jouw beurt — Rondo
title-next = Hierna: jij — Rondo
title-group = Rondo — { $group }
status-no-meeting = Er is geen bijeenkomst geopend.
status-lobby = Bijeenkomst geopend, nog niet begonnen. Gespreksleider: { $facilitator }.
status-paused = Gepauzeerd: de klok staat stil.
status-case = { $template } — casus van { $presenter }. Gespreksleider: { $facilitator }.
status-round = { $round }. Gespreksleider: { $facilitator }.
status-running = Bijeenkomst loopt. Gespreksleider: { $facilitator }.
speaker-you = Jij bent aan de beurt.
speaker-member = { $name } is aan het woord.
speaker-silence = Stilte: tijd om na te denken.
speaker-written = Iedereen schrijft; de teksten verschijnen samen aan het einde van de fase.
speaker-open = Open gesprek: steek je hand op om te spreken.
now-no-meeting = Geen bijeenkomst geopend
now-paused = Gepauzeerd
now-case = { $phase } — casus van { $presenter }
now-lobby = Nog niet begonnen
now-between = Tussen de casussen
handed-in = Ingeleverd: { $names }
handed-in-nobody = Nog niemand heeft ingeleverd.
revealed-title = Schriftelijke bijdragen: { $phase }
do-lobby-facilitator = Begin de bijeenkomst als iedereen er is.
do-lobby = Wachten tot de gespreksleider de bijeenkomst begint.
do-paused = Gepauzeerd: de klok staat stil tot de gespreksleider verdergaat.
do-round = { $round }: zeg om de beurt kort hoe je binnenkomt; niemand reageert.
do-between-facilitator = Begin de volgende casus, of start een incheckronde of uitcheckronde.
do-between = Wachten tot de gespreksleider de volgende casus begint.
do-presenter-presenter = Breng je casus in met de vraag waarbij je hulp wilt; de anderen luisteren.
do-presenter-member = Luister naar { $presenter }; de vragen komen hierna.
do-round-silent-presenter = Luister zonder te reageren; je antwoordt in de reactiefase.
do-round-silent-member = Geef op je beurt je bijdrage; { $presenter } luistert zonder te reageren.
do-round-presenter = Beantwoord elke vraag kort; begin nog niet met oplossen.
do-round-member = Stel op je beurt één verhelderende vraag; { $presenter } antwoordt kort.
do-open-silent-presenter = Luister: de groep denkt voorlopig zonder jou na.
do-open-silent-member = Steek je hand op om te spreken; de gespreksleider geeft het woord. { $presenter } luistert.
do-open-presenter = Steek je hand op om te spreken; de gespreksleider geeft het woord.
do-open-member = Steek je hand op om te spreken; de gespreksleider geeft het woord.
do-silence-presenter = Stilte: denk na over wat je hoorde, voordat iemand spreekt.
do-silence-member = Stilte: denk na over wat je hoorde, voordat iemand spreekt.
do-written-presenter = De anderen schrijven; hun teksten verschijnen samen aan het einde van de fase.
do-written-member = Schrijf je bijdrage; niemand ziet hem voor het einde van de fase.
phase-kind-presenter = De casusinbrenger heeft het woord.
phase-kind-round = Een ronde: iedereen om de beurt.
phase-kind-open = Open: steek je hand op om te spreken.
phase-kind-silence = Stilte.
phase-kind-written = Schriftelijke bijdragen.
phase-kind-silent = De casusinbrenger luistert zwijgend.

## Names the server sends in English: built-in templates, their phases, rounds

someone = iemand
this-case = deze casus
round-default = ronde
template-sgs = Gestructureerde groepssupervisie
template-incident = Incidentmethode
template-balint = Balint
template-open = Open gesprek
template-peers = PEERS (individueel)
template-tietze = Kollegiale Beratung (Tietze)
template-roddel = Roddelmethode
phase-request-for-help = hulpvraag
phase-questions = vragen
phase-feedback = feedback
phase-pause = pauze
phase-response = reactie
phase-discussion = gesprek
phase-incident = incident
phase-clarifying-questions = verhelderende vragen
phase-analysis = analyse
phase-advice = adviezen
phase-reflection = reflectie
phase-evaluation = evaluatie
phase-presentation = inbreng
phase-group-reflection = reflectie van de groep
phase-presenter-returns = terugkeer van de casusinbrenger
phase-open-discussion = open gesprek
phase-open = open
phase-paraprofessional-development = paraprofessionele ontwikkeling
phase-lived-experience = ervaringsdeskundigheid
phase-education = scholing
phase-responsibilities = verantwoordelijkheden
phase-support = steun
phase-casting = rolverdeling
phase-spontaneous-account = spontaan verhaal
phase-key-question = kernvraag
phase-choice-of-method = methodekeuze
phase-consultation = advisering
phase-closing = afsluiting
phase-question = vraag
phase-exploring-questions = verkennende vragen
phase-gossip-round = roddelronde

## The facilitator's guide

guide-open = Bijeenkomst openen
guide-open-hint-you = Jij leidt het gesprek: volgende in de rotatie.
guide-open-hint = { $name } leidt het gesprek: volgende in de rotatie.
guide-start = Bijeenkomst beginnen
guide-start-hint = Als iedereen er is.
guide-resume = Verdergaan
guide-resume-hint = De klok loopt verder waar hij stilstond.
guide-next-phase = Volgende: { $phase }
guide-finish-case = Casus afronden
guide-next-phase-hint = { $count ->
    [one] Beëindigt de ronde ‘{ $phase }’; één iemand is nog niet aan de beurt geweest.
   *[other] Beëindigt de ronde ‘{ $phase }’; { $count } zijn nog niet aan de beurt geweest.
}
guide-next-phase-confirm = De ronde ‘{ $phase }’ beëindigen voordat iedereen aan de beurt was?
guide-end-round = { $round } beëindigen
guide-start-case = Casus van { $presenter } starten
guide-start-case-hint = { $title } — { $template }.
guide-end-meeting = Bijeenkomst beëindigen
guide-end-meeting-hint = Er wacht geen casus.
guide-end-meeting-confirm = De bijeenkomst voor iedereen beëindigen? Een lopende casus gaat terug naar de lijst.
guide-step-check-in = Incheckronde
guide-step-cases = Casussen
guide-step-check-out = Uitcheckronde
guide-step-close = Afsluiting
guide-pause = Pauzeren
guide-add-minute = 1 min erbij
guide-skip = { $name } overslaan
guide-give-floor = Het woord aan { $name }
guide-end-case = Casus beëindigen
guide-end-case-confirm = De casus van { $presenter } nu beëindigen? Hij telt als besproken.
guide-check-in = Incheckronde
guide-check-out = Uitcheckronde

## Controls and the clock

floor-hand-raised = { $name } (hand opgestoken)
clock-paused = PAUZE
clock-overtime = { $seconds ->
    [one] Eén seconde over de tijd
   *[other] { $seconds } seconden over de tijd
}
clock-left = { $seconds ->
    [one] Nog één seconde
   *[other] Nog { $seconds } seconden
}

## Around the meetings: the next one, past ones, calendars

next-meeting = { $when }.
next-meeting-moved = { $when } (verplaatst).
next-cancelled = Afgelast: { $dates }.
next-none = Er is nog geen bijeenkomst gepland.
facilitating-now-you = Gespreksleider nu: jij.
facilitating-now = Gespreksleider nu: { $name }.
facilitating-next-you = Gespreksleider de volgende keer: jij — de rol gaat de groep rond.
facilitating-next = Gespreksleider de volgende keer: { $name } — de rol gaat de groep rond.
past-meeting = { $when } — geleid door { $name }
past-record = Verslag
past-record-hidden = van { $when } (Markdown)
past-json = JSON
past-json-hidden = verslag van { $when }
past-notes = Mijn notities
past-notes-hidden = van { $when }
past-none = Er is nog geen bijeenkomst afgelopen.
export-unavailable = De export is niet beschikbaar.
calendar-unavailable = De agendafeed kon niet worden gemaakt.
calendar-explained = Voeg dit adres als abonnement toe aan je agenda. Het is alleen van jou; vraag je opnieuw, dan komt er een nieuw en werkt dit niet meer.
calendar-address = Agenda-adres

## Notes

note-label-private = Privé
note-label-from = Van { $name }
note-label-draft = Concept aan { $name }
note-label-to = Aan { $name }
note-label-sent = Aan { $name } (verstuurd)
note-edit = Bewerken
note-delete = Verwijderen
note-kept = Hier bewaard; opgeslagen zodra een bijeenkomst geopend is.
note-no-case = Een notitie aan de casusinbrenger hoort bij een lopende casus.
note-not-saved = Niet opgeslagen.
note-not-saved-yet = Nog niet opgeslagen
note-saved = Opgeslagen
note-saved-announced = Notitie opgeslagen.
note-to = Aan: { $name } — { $title }. Een concept: { $name } leest het zodra je het verstuurt.
note-send-to = Naar { $name } sturen
note-sent = Naar { $name } gestuurd.

## The case queue

queue-case = { $name }, { $minutes } min
queue-urgent = dringend
queue-now = nu
queue-withdraw = Intrekken
queue-up = { $title } omhoog
queue-down = { $title } omlaag

## The record

record-item-owner = verantwoordelijke: { $name }
record-item-due = uiterlijk { $date }
record-item-done = gedaan
record-edit = Bewerken
record-mark-done = Als gedaan markeren
record-save = Wijzigingen opslaan
tag-management = leidinggeven
tag-development = ontwikkeling
tag-support = steun
tag-engagement = contact
tag-reflection = reflectie
tag-paraprofessional = paraprofessioneel
tag-experience = ervaring
tag-education = scholing
tag-responsibility = verantwoordelijkheid

## Members

roster-here = aanwezig
roster-away = afwezig
roster-facilitator = gespreksleider
roster-presenter = casusinbrenger
roster-accepted = heeft de overeenkomst aanvaard
roster-not-accepted = heeft de overeenkomst nog niet aanvaard
roster-spoke = sprak { $time }

## The summary at the end of a case or a meeting

summary-under-a-minute = minder dan een minuut
summary-minutes = { $minutes } min
summary-case = Casus van { $presenter }: samenvatting
summary-meeting = De bijeenkomst: samenvatting
summary-cases = Casussen
summary-actions = Afspraken
summary-no-owner = geen verantwoordelijke
summary-owner-due = { $owner }, uiterlijk { $date }
summary-decisions = Besluiten
summary-disagreements = Afwijkende meningen
summary-areas = Onderwerpen en gesprek
summary-speaking = Spreektijd per lid
summary-nothing = Er is niets vastgelegd.
summary-download-record = Verslag downloaden
summary-download-notes = Mijn notities downloaden

## The convener's console

copy = Kopiëren
copied = Gekopieerd
language-en = English
language-de = Deutsch
language-nl = Nederlands
agreement-version = Versie { $version }
agreement-review = te evalueren op { $date }
console-link-invalid = Deze beheerlink werkt niet (meer).
console-title-group = { $group }: de groep beheren
console-accepted = versie { $version } aanvaard op { $date }
console-accepted-again = versie { $version } aanvaard op { $date } (moet opnieuw aanvaarden)
console-new-link = Nieuwe link
console-for = voor { $name }
console-new-link-of = Nieuwe link voor { $name }
console-new-link-done = { $name } heeft een nieuwe link; de oude werkt niet meer.
console-remove = Verwijderen
console-remove-confirm = { $name } uit de groep verwijderen? De link werkt meteen niet meer.
console-removed = { $name } is verwijderd.
console-here = nu aanwezig
console-send-only = { $label }: stuur hem alleen naar deze persoon.
console-in-force-later = (geldt vanaf het einde van de open bijeenkomst; tot dan versie { $version })
console-published = gepubliceerd op { $date }
console-schedule = { $rrule } vanaf { $start } ({ $zone }), { $minutes } minuten.
console-no-schedule = Nog geen planning.
console-cancelled = afgelast
console-moved = verplaatst
console-cancel = Afgelasten
console-the-meeting-of = de bijeenkomst van { $date }
console-cancel-done = De bijeenkomst van { $date } is afgelast.
console-new-time = Nieuwe tijd voor de bijeenkomst van { $date }
console-move = Verplaatsen
console-move-needs-time = Kies eerst de nieuwe datum en tijd.
console-move-done = De bijeenkomst van { $date } is verplaatst.
console-undo = Ongedaan maken
console-the-change-to = de wijziging van { $date }
console-undo-done = De bijeenkomst van { $date } gaat door zoals gepland.
console-language-done = De taal van de groep is gewijzigd.
console-retention = Maanden dat wat in bijeenkomsten is gezegd bewaard blijft (leeg: alles)
console-retention-save = Bewaartermijn opslaan
console-retention-done = De bewaartermijn van de groep is gewijzigd.
console-erase-confirm = { $name } ook wissen? Notities en reflecties worden verwijderd en de naam wordt "former member"; de aanwezigheid blijft.
console-erased = Het voormalige lid is gewist.
console-add-needs-name = Geef de naam van het nieuwe lid.
console-link-of = Link voor { $name }
console-add-done = Het lid is toegevoegd.
console-agreement-needs-text = De overeenkomst heeft een tekst nodig.
console-publish-done = Een nieuwe versie is gepubliceerd: elk lid wordt gevraagd haar te aanvaarden.
console-schedule-done = De planning is opgeslagen; de leden zien de volgende bijeenkomsten.
console-remove-schedule-confirm = De planning verwijderen?
console-remove-schedule-done = De planning is verwijderd.

## Errors, by the code the server answers with

error-bad_request = Dat werd niet begrepen.
error-unauthorized = Deze link is niet geldig.
error-forbidden = Je rol staat dat niet toe.
error-not_your_turn = Je bent niet aan de beurt.
error-invalid_state = Dat kan op dit moment van de bijeenkomst niet.
error-not_found = Dat bestaat niet meer.
error-conflict = Dat is intussen gewijzigd; kijk opnieuw en probeer het nog eens.
error-too_large = Dat is te lang.
error-rate_limited = Te veel verzoeken; probeer het zo nog eens.
error-internal = Er ging iets mis op de server; er is niets gewijzigd.
error-agreement_required = Aanvaard eerst de intervisieovereenkomst.

## The start page, the agreement, the connection

default-agreement =
    Vertrouwelijkheid: wat over cliënten en collega's gezegd wordt, blijft in de groep. Casussen worden ingebracht zonder namen of details die iemand herkenbaar maken.
    Respect: er spreekt één persoon tegelijk; we luisteren, we onderbreken niet, en de casusinbrenger zwijgt terwijl de groep feedback geeft.
    Verslag: alleen het afgesproken verslag (onderwerpen, afspraken, besluiten, afwijkende meningen) wordt bewaard; notities zijn alleen van wie ze schrijft.
    Evaluatie: we evalueren deze overeenkomst eens per jaar samen.
start-convener-link = Beheerlink
start-link-for = Link voor { $name }
agreement-newer = Er is een nieuwe versie van de overeenkomst gepubliceerd. Ze geldt vanaf het einde van deze bijeenkomst; lees en aanvaard haar alsjeblieft.
connection-online = Verbonden
connection-offline = Offline — opnieuw verbinden
connection-offline-waiting = { $count ->
    [one] Offline — opnieuw verbinden; één actie wordt verstuurd zodra de verbinding er is
   *[other] Offline — opnieuw verbinden; { $count } acties worden verstuurd zodra de verbinding er is
}
connection-closed = Deze link werkt niet meer. Vraag je groepsbeheerder om een nieuwe.

## The page opened without a link, with several kept
chooser-title = Jouw groepen
chooser-intro = Deze browser bewaart deze links. Welke wil je openen?
chooser-member = { $group }, als lid
chooser-convener = { $group }, het groepsbeheer
chooser-unnamed = Een groep die hier nog niet geopend is
chooser-create = Een nieuwe groep aanmaken

## Said to screen readers (the live region): what changed, nothing else

announce-your-turn = Jij bent aan de beurt.
announce-speaking = { $name } is aan het woord.
announce-next = Jij bent de volgende.
announce-phase = { $phase }.
announce-phase-silent = { $phase }. Jij bent de casusinbrenger: luister zonder te reageren.
announce-started = De bijeenkomst is begonnen.
announce-ended = De bijeenkomst is afgelopen.
announce-hand = { $name } heeft de hand opgestoken.
announce-skipped = De gespreksleider is verdergegaan na jouw beurt.
announce-more-minutes = { $minutes ->
    [one] Eén minuut extra.
   *[other] { $minutes } minuten extra.
}
announce-more-seconds = { $seconds } seconden extra.
announce-time-up = Je tijd is om; rond alsjeblieft af.
announce-phase-overtime = De fase loopt uit.
announce-note = Een notitie van { $name }.
announce-paused = De bijeenkomst is gepauzeerd.
announce-resumed = De bijeenkomst gaat verder.
announce-case-ended = De casus is afgerond.
announce-you-facilitate = Jij bent nu de gespreksleider.
announce-you-facilitate-absent = Jij bent nu de gespreksleider: de gespreksleider was afwezig.
announce-facilitates = { $name } leidt nu het gesprek.
announce-facilitates-absent = { $name } leidt nu het gesprek, omdat { $previous } afwezig was.

## Turns kept through a dropped connection, the turn bar's connection state, the presenter's response (issue 20)
do-presenter-response-presenter = Reageer op wat je hoorde: wat je raakte, wat je meeneemt. De anderen luisteren.
do-presenter-response-member = { $presenter } reageert op wat de groep zei; luister zonder te reageren.
turn-kept-you = Je beurt kwam terwijl je weg was: je spreekt aan het eind van deze ronde.
turn-kept-member = { $name } was weg toen de beurt kwam en spreekt aan het eind van deze ronde.
turn-lost-you = Je was ook de tweede keer weg: deze ronde gaat verder zonder jou.
turn-lost-member = { $name } was ook de tweede keer weg en is overgeslagen.
turn-added-you = Je kwam tijdens de ronde binnen: je beurt is aan het eind.
turn-added-member = { $name } kwam tijdens de ronde binnen en spreekt aan het eind.
now-offline = Offline: opnieuw verbinden. Je knoppen werken weer zodra er verbinding is.
now-stalled = De verbinding hapert: wachten op de server. Je knoppen werken weer zodra hij antwoordt.
connection-stalled = Verbinding hapert — wachten op de server
speaker-member-away = { $name } heeft het woord maar is weg: de verbinding is verbroken.
alert-offer = Een geluid en een trilling als je beurt komt, voor een telefoon in je hand?
alert-offer-yes = Meldingen aan
alert-offer-no = Nee, bedankt
guide-hands-up-confirm = { $count ->
    [one] Er is nog één hand opgestoken. Toch verdergaan?
   *[other] Er zijn nog { $count } handen opgestoken. Toch verdergaan?
}
start-links-once = Deze links zie je alleen nu. Kopieer ze allemaal of download ze naar een bestand dat je bewaart, voordat je deze pagina verlaat.
start-copy-all = Alle links kopiëren
start-download = Links downloaden
start-copied-all = Alle links gekopieerd.
start-copy-failed = Deze browser laat de pagina niet kopiëren: download de links in plaats daarvan.
start-downloaded = De links staan in je downloads.
start-links-file = Rondo-links — { $group }.txt
error-field-time_zone = Die tijdzone kennen we niet: schrijf hem als regio en stad, zoals Europe/Amsterdam.
error-field-rrule = Dat is geen regel voor terugkerende bijeenkomsten: kies er een bij "Herhaling" of schrijf er een zoals FREQ=MONTHLY;BYDAY=1TU.
error-field-start = De eerste bijeenkomst heeft een datum en tijd nodig die in de tijdzone van de groep bestaan (geen tijd die bij de klokwissel wegvalt of dubbel is).
error-field-duration_min = Een bijeenkomst duurt 1 tot 1440 minuten.
error-field-review_on = De evaluatiedatum moet vandaag of later zijn, en binnen tien jaar.
error-field-due = De vervaldatum moet vandaag of later zijn, en binnen tien jaar.
limit-left = { $left ->
    [one] Nog één teken over van { $max }.
   *[other] Nog { $left } tekens over van { $max }.
}
limit-cut = De tekst was langer dan { $max } tekens: alleen de eerste { $max } zijn bewaard.
## The member's record of supervision
summary-attendance = Aanwezigheid
attendance-role-facilitator = gespreksleider
attendance-role-presenter = casusinbrenger
attendance-role-member = lid
attendance-role-guest = gast
attendance-list = Aanwezigheid bij de bijeenkomst van { $when }
attendance-minutes = { $minutes } min
attendance-confirmed = bevestigd op { $date }
attendance-unconfirmed = nog niet bevestigd
attendance-countersigned = Medeondertekend door { $name } op { $date }; de aanwezigheid ligt vast.
attendance-convener = de beheerder
attendance-not-countersigned = Nog niet medeondertekend.
attendance-confirm = Mijn aanwezigheid bevestigen
attendance-countersign = Aanwezigheid medeondertekenen
attendance-of = van de bijeenkomst van { $when }
reflection-write = Mijn reflectie schrijven
reflection-edit = Mijn reflectie
reflection-private = Je reflectie is van jou alleen: niemand anders in de groep ziet haar, en ze staat niet in het bewijs.
reflection-prompts = Vragen
prompt-set-none = Geen vragen
prompt-set-nmc = NMC (de thema's van de Code)
prompt-set-swe = Social Work England
prompt-set-bacp = BACP
prompt-set-skj = SKJ (de drie dimensies)
prompt-nmc-people = Mensen voorop: wat betekende dit voor de mensen voor wie ik zorg?
prompt-nmc-practise = Effectief werken: wat heb ik geleerd, en wat doe ik voortaan anders?
prompt-nmc-safety = Veiligheid bewaken: raakte iets aan risico of veiligheid?
prompt-nmc-trust = Professionaliteit en vertrouwen: hoe verhoudt dit zich tot de Code?
prompt-swe-learnt = Wat ik heb geleerd
prompt-swe-impact = Wat het betekent voor mijn praktijk
prompt-swe-peer = Wat ik van een collega heb geleerd
prompt-bacp-brought = Wat ik inbracht, of wat anderen inbrachten
prompt-bacp-took = Wat ik eruit meeneem
prompt-bacp-clients = Wat ik anders ga doen met cliënten
prompt-skj-acting = Mijn handelen: wat ik deed en waarom (methodisch)
prompt-skj-person = Ik als professional: mijn houding, waarden en gevoelens
prompt-skj-context = De context: mijn organisatie, de samenwerking en de regels
reflection-label = Reflectie
reflection-save = Mijn reflectie bewaren
reflection-saved = Bewaard op { $date }.
supervision-gap = De groep is sinds { $date } niet bijeengekomen ({ $days } dagen), langer dan de overeenkomst toestaat: leg dit voor aan je leidinggevende.
log-title = Mijn intervisielogboek
log-explained = De bijeenkomsten waarbij je was, zoals de server ze heeft gemeten, met de tijd die volgens de regel van de groep wordt toegekend: voor je beroepsregister. Het bewijs bevat geen casusinhoud, notities of reflecties.
log-from = Van
log-to = Tot en met
log-show = Tonen
log-csv = CSV downloaden
log-pdf = Bewijs downloaden (PDF)
log-target = Mijn maanddoel (minuten)
log-target-save = Doel bewaren
log-col-date = Datum
log-col-time = Begin–eind
log-col-minutes = Minuten
log-col-credited = Toegekend
log-col-role = Rol
log-col-confirmed = Bevestigd
log-col-countersigned = Medeondertekend
log-months = Maanden
log-no = nee
log-target-met = doel gehaald
log-target-missed = onder het doel
log-unavailable = Het logboek kon niet worden getoond; controleer de periode.
log-print = Mijn logboek afdrukken
log-printed-for = Intervisielogboek van { $name }, { $group }: { $from } tot en met { $to } (tijden in { $zone })
log-summary = { $count ->
    [one] Eén bijeenkomst, { $minutes } minuten toegekend.
   *[other] { $count } bijeenkomsten, { $minutes } minuten toegekend.
}
console-max-gap = Langste tijd tussen bijeenkomsten (dagen; leeg voor geen)
console-record-title = Intervisielogboek
console-credit-rule = Hoe de logboeken van de leden tijd toekennen
console-credit-attended = De tijd dat elk lid aanwezig was
console-credit-shared = Gedeeld onder de aanwezigen, zoals BACP groepssupervisie telt
console-credit-done = De regel voor toekenning is bewaard.
console-attendance-title = Aanwezigheid om mede te ondertekenen
console-attendance-line = Bijeenkomst van { $when }: { $confirmed } van { $present } bevestigd.
console-countersign-waits = Medeondertekenen kan zodra alle aanwezigen hebben bevestigd, of 14 dagen na de bijeenkomst.
console-countersign-done = De aanwezigheid bij de bijeenkomst van { $when } is medeondertekend.
console-countersign-failed = De aanwezigheid kon niet worden medeondertekend.
log-table-region =
    .aria-label = De bijeenkomsten van de periode
control-credit-rule = De logboeken kennen toe
credit-attended = de tijd aanwezig
credit-shared = een deel, zoals BACP groepssupervisie telt
# Beyond the video call: room display, guests, briefs, phones and print
offline-banner = Je bent offline. Rondo maakt vanzelf weer verbinding zodra het netwerk terug is.
display-title = { $group } — zaalscherm
display-speaking = Aan het woord
display-next = Hierna
display-hands = Handen omhoog
display-presenter = Inbrenger: { $name }
display-retired = Dit zaalscherm is afgemeld. Vraag om een nieuwe link om de bijeenkomst hier te tonen.
propose-brief = Schriftelijke achtergrond (alleen jij ziet die tot je hem deelt)
console-room-title = Zaalscherm en gasten
room-title = Zaalscherm en gasten
room-show = Tonen op een zaalscherm
room-retire = Zaalscherm afmelden
room-show-titles = Titels van casussen op het scherm tonen
room-link = Link voor het zaalscherm
room-shown = Open deze link op het scherm in de zaal. Eerdere schermlinks werken niet meer.
room-retired = Het zaalscherm is afgemeld.
guest-name = Naam van de gast
guest-invite = Een gast uitnodigen voor deze bijeenkomst
guest-invited = { $name } is uitgenodigd voor één bijeenkomst. Stuur deze link; hij werkt niet meer zodra de bijeenkomst eindigt.
guest-link = Link voor { $name }
roster-guest = gast
brief-shared = Achtergrond (gedeeld)
brief-unshared = Jouw achtergrond (alleen jij ziet die)
brief-edit = Achtergrond bewerken
brief-add = Achtergrond toevoegen
brief-prompt = De schriftelijke achtergrond die de anderen voor de bijeenkomst lezen:
brief-share = Achtergrond delen
notify-turn = Jij bent aan de beurt in Rondo
notify-turn-body = Je hebt nu het woord.
notify-started = De bijeenkomst is begonnen
notify-started-body = Je intervisiebijeenkomst is begonnen.
unsaved-end-confirm = Er is nog niet opgeslagen tekst (een notitie of het verslag). Toch de bijeenkomst beëindigen?
print-page = Afdrukken
