# Rondos Web-Client auf Deutsch. Dieselben Nachrichten mit denselben
# Platzhaltern wie en.ftl. Begriffe: GLOSSARY.md; Anrede „du“, wie unter
# Kolleg:innen einer Intervisionsgruppe üblich; Genderform mit Doppelpunkt.

## The page's fixed text (index.html, by data-l10n-id)

skip-link = Zum Treffen springen
start-title = Eine Intervisionsgruppe anlegen
start-name = Name der Gruppe
start-members = Mitglieder, ein Name pro Zeile, in der Reihenfolge der Rotation
start-agreement = Supervisionskontrakt
start-create = Gruppe anlegen
start-convener-title = Dein Link für die Gruppenverwaltung
start-convener-keep = Bewahre diesen Link auf: Mit ihm verwaltest du die Gruppe. Du nimmst Mitglieder auf und entfernst sie, gibst einem Mitglied einen neuen Link, veröffentlichst eine neue Fassung des Kontrakts und legst die Termine fest.
start-open-console = Gruppenverwaltung öffnen
start-links-title = Links der Mitglieder
start-links-share = Schicke jedem Mitglied seinen eigenen Link. Jeder Link ist ein Schlüssel: Teile ihn nur mit diesem Mitglied.
console-title = Die Gruppe verwalten
console-members-title = Mitglieder
console-col-name = Name
console-col-now = Jetzt
console-col-accepted = Kontrakt angenommen
console-col-link = Link
console-add-name = Name des neuen Mitglieds
console-add = Mitglied aufnehmen
console-language = Sprache der Protokolle und Kalender der Gruppe
console-agreement-title = Supervisionskontrakt
console-review-due = Die jährliche Überprüfung des Kontrakts steht an: Vereinbart in der Gruppe eine neue Fassung und veröffentlicht sie hier.
console-new-version = Neue Fassung
console-review-on = Überprüfen am
console-publish = Neue Fassung veröffentlichen
console-history = Verlauf
console-schedule-title = Termine
console-repeats = Wiederholung
preset-keep = Regel unten beibehalten
preset-weekly = Jede Woche
preset-fortnightly = Alle zwei Wochen
preset-first-tuesday = Monatlich, erster Dienstag
preset-second-wednesday = Monatlich, zweiter Mittwoch
preset-last-thursday = Monatlich, letzter Donnerstag
preset-bimonthly = Alle zwei Monate, erster Dienstag
console-rrule = Regel (RFC 5545 RRULE)
console-first-meeting = Erstes Treffen (Ortszeit)
console-zone = Zeitzone
console-minutes = Minuten
console-save-schedule = Termine speichern
console-remove-schedule = Termine entfernen
console-next-meetings = Nächste Treffen
agreement-title = Unser Supervisionskontrakt
agreement-accept = Kontrakt annehmen
raise-hand = Hand heben
lower-hand = Hand senken
turn-done = Fertig
turn-pass = Aussetzen
summary-close = Zusammenfassung schließen
case-title = Treffen
record-kind-label = Art
record-kind-area = Behandeltes Thema
record-kind-discussion = Diskussionspunkt
record-kind-decision = Entscheidung
record-kind-disagreement = Abweichende Meinung
record-kind-action = Vereinbarter Schritt
quick-record-text = Text für das Protokoll
quick-record-submit = Protokollieren
silent-notice = Du bist Fallgeber:in: Hör in dieser Phase zu, ohne zu antworten.
next-notice = Du bist als Nächste:r dran.
order-title = Noch an der Reihe
hands-title = Gehobene Hände
contribution-label = Dein schriftlicher Beitrag (verborgen bis zum Ende der Phase)
contribution-submit = Abgeben
more-controls = Weitere Funktionen der Moderation
control-case = Fall
control-method = Methode
control-start-case = Fall beginnen
control-add = Dazu
extend-30 = 30 s
extend-60 = 1 Min.
extend-120 = 2 Min.
extend-300 = 5 Min.
control-extend = Verlängern
control-floor-to = Wort an
control-give-floor = Wort erteilen
control-round = Runde
round-check-in = Blitzlicht
round-check-out = Abschlussblitzlicht
control-turn = Redezeit
turn-60 = 1 Min.
turn-120 = 2 Min.
turn-180 = 3 Min.
control-run-round = Runde starten
control-perspective-for = Perspektive für
control-assign-perspective = Perspektive zuweisen
control-role-to = Moderation an
control-hand-over = Übergeben
shortcuts-title = Tastenkürzel und Hinweise
shortcut-hand = Hand heben oder senken
shortcut-done = fertig mit deinem Beitrag. Mit Zusatztaste, damit sie nie mit den Tasten eines Screenreaders kollidieren.
shortcuts-on = Diese Tastenkürzel verwenden
alert-on = Ton und Vibration, wenn ich an der Reihe bin
next-title = Nächstes Treffen
review-due = Die jährliche Überprüfung unseres Kontrakts steht an.
calendar-feed = In meinem Kalender abonnieren
calendar-series = Termine herunterladen (.ics)
roster-title = Mitglieder
queue-title = Fälle
propose-title = Titel
propose-question = Deine Frage an die Gruppe
propose-minutes = Minuten
propose-urgent = Dringend
propose-submit = Fall einbringen
notes-title = Meine Notizen
notes-explained = Private Notizen gehören dir allein. Eine Notiz an die Fallgeber:in bleibt deine, bis du sie sendest; dann liest die Fallgeber:in sie auch.
note-kind = Art
note-private = Private Notiz
note-presenter = Notiz an die Fallgeber:in
note-new = Neue Notiz
note-label = Notiz
note-send = An die Fallgeber:in senden
record-title = Protokoll
record-text = Text
record-owner = Verantwortlich
record-due = Fällig
record-tags = Schlagworte
record-add = Ins Protokoll aufnehmen
record-cancel = Bearbeiten abbrechen
open-actions-title = Offene Schritte aus früheren Treffen
export-record = Protokoll herunterladen (Markdown)
export-notes = Meine Notizen herunterladen (Markdown)
past-title = Frühere Treffen
language-label = Sprache
now-region =
    .aria-label = Jetzt
controls-region =
    .aria-label = Dein Beitrag
stepper-region =
    .aria-label = Phasen
quick-record-region =
    .aria-label = Ins Protokoll aufnehmen
quick-record-input =
    .placeholder = Fürs Protokoll…
guide-region =
    .aria-label = Moderation
meeting-steps-region =
    .aria-label = Das Treffen
perspective-input =
    .placeholder = als die Klientin
    .aria-label = Perspektive

## The case as everyone follows it

title-your-turn = ● Du bist dran — Rondo
title-next = Als Nächste:r: du — Rondo
title-group = Rondo — { $group }
status-no-meeting = Kein Treffen ist geöffnet.
status-lobby = Treffen geöffnet, noch nicht begonnen. Moderation: { $facilitator }.
status-paused = Pausiert: Die Uhr steht.
status-case = { $template } — Fall von { $presenter }. Moderation: { $facilitator }.
status-round = { $round }. Moderation: { $facilitator }.
status-running = Treffen läuft. Moderation: { $facilitator }.
speaker-you = Du bist dran.
speaker-member = { $name } spricht.
speaker-silence = Stille: Zeit zum Nachdenken.
speaker-written = Alle schreiben; die Texte erscheinen gemeinsam am Ende der Phase.
speaker-open = Offenes Gespräch: Heb die Hand, um zu sprechen.
now-no-meeting = Kein Treffen geöffnet
now-paused = Pausiert
now-case = { $phase } — Fall von { $presenter }
now-lobby = Noch nicht begonnen
now-between = Zwischen den Fällen
handed-in = Abgegeben: { $names }
handed-in-nobody = Noch niemand hat abgegeben.
revealed-title = Schriftliche Beiträge: { $phase }
do-lobby-facilitator = Beginne das Treffen, wenn alle da sind.
do-lobby = Warte, bis die Moderation das Treffen beginnt.
do-paused = Pausiert: Die Uhr steht, bis die Moderation fortsetzt.
do-round = { $round }: Sag reihum kurz, wie du ankommst; niemand antwortet.
do-between-facilitator = Beginne den nächsten Fall oder starte ein Blitzlicht oder ein Abschlussblitzlicht.
do-between = Warte, bis die Moderation den nächsten Fall beginnt.
do-presenter-presenter = Schildere deinen Fall und die Frage, bei der du Hilfe möchtest; die anderen hören zu.
do-presenter-member = Hör { $presenter } zu; die Fragen kommen danach.
do-round-silent-presenter = Hör zu, ohne zu antworten; du antwortest in der Phase der Stellungnahme.
do-round-silent-member = Gib reihum deinen Beitrag; { $presenter } hört zu, ohne zu antworten.
do-round-presenter = Beantworte jede Frage kurz; fang noch nicht an, Lösungen zu suchen.
do-round-member = Stell reihum eine Verständnisfrage; { $presenter } antwortet kurz.
do-open-silent-presenter = Hör zu: Die Gruppe denkt vorerst ohne dich nach.
do-open-silent-member = Heb die Hand, um zu sprechen; die Moderation erteilt das Wort. { $presenter } hört zu.
do-open-presenter = Heb die Hand, um zu sprechen; die Moderation erteilt das Wort.
do-open-member = Heb die Hand, um zu sprechen; die Moderation erteilt das Wort.
do-silence-presenter = Stille: Denk über das Gehörte nach, bevor jemand spricht.
do-silence-member = Stille: Denk über das Gehörte nach, bevor jemand spricht.
do-written-presenter = Die anderen schreiben; ihre Texte erscheinen gemeinsam am Ende der Phase.
do-written-member = Schreib deinen Beitrag; niemand sieht ihn vor dem Ende der Phase.
phase-kind-presenter = Die Fallgeber:in hat das Wort.
phase-kind-round = Eine Runde: alle reihum.
phase-kind-open = Offen: Heb die Hand, um zu sprechen.
phase-kind-silence = Stille.
phase-kind-written = Schriftliche Beiträge.
phase-kind-silent = Die Fallgeber:in hört schweigend zu.

## Names the server sends in English: built-in templates, their phases, rounds

someone = jemand
this-case = diesen Fall
round-default = Runde
template-sgs = Strukturierte Gruppensupervision
template-incident = Incident-Methode
template-balint = Balintgruppe
template-open = Offenes Gespräch
template-peers = PEERS (einzeln)
template-tietze = Kollegiale Beratung (Tietze)
template-roddel = Roddel-Methode (Klatschrunde)
phase-request-for-help = Anliegen
phase-questions = Fragen
phase-feedback = Rückmeldung
phase-pause = Pause
phase-response = Stellungnahme
phase-discussion = Gespräch
phase-incident = Vorfall
phase-clarifying-questions = Verständnisfragen
phase-analysis = Analyse
phase-advice = Ratschläge
phase-reflection = Reflexion
phase-evaluation = Auswertung
phase-presentation = Falldarstellung
phase-group-reflection = Reflexion der Gruppe
phase-presenter-returns = Rückkehr der Fallgeber:in
phase-open-discussion = offenes Gespräch
phase-open = offen
phase-paraprofessional-development = paraprofessionelle Entwicklung
phase-lived-experience = Erfahrungswissen
phase-education = Bildung
phase-responsibilities = Verantwortlichkeiten
phase-support = Unterstützung
phase-casting = Rollenklärung
phase-spontaneous-account = Spontanerzählung
phase-key-question = Schlüsselfrage
phase-choice-of-method = Methodenwahl
phase-consultation = Beratung
phase-closing = Abschluss
phase-question = Frage
phase-exploring-questions = Erkundende Fragen
phase-gossip-round = Klatschrunde

## The facilitator's guide

guide-open = Treffen öffnen
guide-open-hint-you = Du moderierst: Du bist in der Rotation an der Reihe.
guide-open-hint = { $name } moderiert: in der Rotation an der Reihe.
guide-start = Treffen beginnen
guide-start-hint = Wenn alle da sind.
guide-resume = Fortsetzen
guide-resume-hint = Die Uhr läuft dort weiter, wo sie stand.
guide-next-phase = Weiter: { $phase }
guide-finish-case = Fall abschließen
guide-next-phase-hint = { $count ->
    [one] Beendet die Runde „{ $phase }“; eine Person ist noch nicht dran gewesen.
   *[other] Beendet die Runde „{ $phase }“; { $count } sind noch nicht dran gewesen.
}
guide-next-phase-confirm = Die Runde „{ $phase }“ beenden, bevor alle gesprochen haben?
guide-end-round = { $round } beenden
guide-start-case = Fall von { $presenter } beginnen
guide-start-case-hint = { $title } — { $template }.
guide-end-meeting = Treffen beenden
guide-end-meeting-hint = Kein Fall wartet.
guide-end-meeting-confirm = Das Treffen für alle beenden? Ein laufender Fall kommt zurück in die Liste.
guide-step-check-in = Blitzlicht
guide-step-cases = Fälle
guide-step-check-out = Abschlussblitzlicht
guide-step-close = Ende
guide-pause = Pause
guide-add-minute = 1 Min. dazu
guide-skip = { $name } überspringen
guide-give-floor = { $name } das Wort erteilen
guide-end-case = Fall beenden
guide-end-case-confirm = Den Fall von { $presenter } jetzt beenden? Er gilt als besprochen.
guide-check-in = Blitzlicht
guide-check-out = Abschlussblitzlicht

## Controls and the clock

floor-hand-raised = { $name } (Hand gehoben)
clock-paused = PAUSE
clock-overtime = { $seconds ->
    [one] Eine Sekunde über der Zeit
   *[other] { $seconds } Sekunden über der Zeit
}
clock-left = { $seconds ->
    [one] Noch eine Sekunde
   *[other] Noch { $seconds } Sekunden
}

## Around the meetings: the next one, past ones, calendars

next-meeting = { $when }.
next-meeting-moved = { $when } (verschoben).
next-cancelled = Abgesagt: { $dates }.
next-none = Noch ist kein Treffen geplant.
facilitating-now-you = Moderation jetzt: du.
facilitating-now = Moderation jetzt: { $name }.
facilitating-next-you = Moderation beim nächsten Mal: du — die Rolle geht reihum.
facilitating-next = Moderation beim nächsten Mal: { $name } — die Rolle geht reihum.
past-meeting = { $when } — moderiert von { $name }
past-record = Protokoll
past-record-hidden = vom { $when } (Markdown)
past-json = JSON
past-json-hidden = Protokoll vom { $when }
past-notes = Meine Notizen
past-notes-hidden = vom { $when }
past-none = Noch ist kein Treffen zu Ende gegangen.
export-unavailable = Der Export ist nicht verfügbar.
calendar-unavailable = Der Kalender-Feed konnte nicht erstellt werden.
calendar-explained = Füge diese Adresse deinem Kalender als Abonnement hinzu. Sie gehört dir allein; fragst du erneut, entsteht eine neue und diese hört auf zu funktionieren.
calendar-address = Kalenderadresse

## Notes

note-label-private = Privat
note-label-from = Von { $name }
note-label-draft = Entwurf an { $name }
note-label-to = An { $name }
note-label-sent = An { $name } (gesendet)
note-edit = Bearbeiten
note-delete = Löschen
note-kept = Hier aufbewahrt; gespeichert, sobald ein Treffen geöffnet ist.
note-no-case = Eine Notiz an die Fallgeber:in gehört zu einem laufenden Fall.
note-not-saved = Nicht gespeichert.
note-not-saved-yet = Noch nicht gespeichert
note-saved = Gespeichert
note-saved-announced = Notiz gespeichert.
note-to = An: { $name } — { $title }. Ein Entwurf: { $name } liest ihn, sobald du ihn sendest.
note-send-to = An { $name } senden
note-sent = An { $name } gesendet.

## The case queue

queue-case = { $name }, { $minutes } Min.
queue-urgent = dringend
queue-now = jetzt
queue-withdraw = Zurückziehen
queue-up = { $title } nach oben
queue-down = { $title } nach unten

## The record

record-item-owner = verantwortlich: { $name }
record-item-due = fällig am { $date }
record-item-done = erledigt
record-edit = Bearbeiten
record-mark-done = Als erledigt markieren
record-save = Änderungen speichern
tag-management = Leitung
tag-development = Entwicklung
tag-support = Unterstützung
tag-engagement = Beziehungsgestaltung
tag-reflection = Reflexion
tag-paraprofessional = paraprofessionell
tag-experience = Erfahrung
tag-education = Bildung
tag-responsibility = Verantwortung

## Members

roster-here = da
roster-away = abwesend
roster-facilitator = Moderation
roster-presenter = Fallgeber:in
roster-accepted = hat den Kontrakt angenommen
roster-not-accepted = hat den Kontrakt noch nicht angenommen
roster-spoke = sprach { $time }

## The summary at the end of a case or a meeting

summary-under-a-minute = unter einer Minute
summary-minutes = { $minutes } Min.
summary-case = Fall von { $presenter }: Zusammenfassung
summary-meeting = Das Treffen: Zusammenfassung
summary-cases = Fälle
summary-actions = Vereinbarte Schritte
summary-no-owner = niemand verantwortlich
summary-owner-due = { $owner }, bis { $date }
summary-decisions = Entscheidungen
summary-disagreements = Abweichende Meinungen
summary-areas = Themen und Gespräch
summary-speaking = Redezeit je Mitglied
summary-nothing = Nichts wurde protokolliert.
summary-download-record = Protokoll herunterladen
summary-download-notes = Meine Notizen herunterladen

## The convener's console

copy = Kopieren
copied = Kopiert
language-en = English
language-de = Deutsch
language-nl = Nederlands
agreement-version = Fassung { $version }
agreement-review = zu überprüfen am { $date }
console-link-invalid = Dieser Verwaltungslink funktioniert nicht (mehr).
console-title-group = { $group }: die Gruppe verwalten
console-accepted = Fassung { $version } angenommen am { $date }
console-accepted-again = Fassung { $version } angenommen am { $date } (muss neu annehmen)
console-new-link = Neuer Link
console-for = für { $name }
console-new-link-of = Neuer Link für { $name }
console-new-link-done = { $name } hat einen neuen Link; der alte funktioniert nicht mehr.
console-remove = Entfernen
console-remove-confirm = { $name } aus der Gruppe entfernen? Der Link hört sofort auf zu funktionieren.
console-removed = { $name } wurde entfernt.
console-here = jetzt da
console-send-only = { $label }: nur an diese Person schicken.
console-in-force-later = (gilt ab dem Ende des offenen Treffens; bis dahin Fassung { $version })
console-published = veröffentlicht am { $date }
console-schedule = { $rrule } ab { $start } ({ $zone }), { $minutes } Minuten.
console-no-schedule = Noch keine Termine.
console-cancelled = abgesagt
console-moved = verschoben
console-cancel = Absagen
console-the-meeting-of = das Treffen am { $date }
console-cancel-done = Das Treffen am { $date } ist abgesagt.
console-new-time = Neue Zeit für das Treffen am { $date }
console-move = Verschieben
console-move-needs-time = Wähle zuerst das neue Datum und die neue Uhrzeit.
console-move-done = Das Treffen am { $date } ist verschoben.
console-undo = Rückgängig
console-the-change-to = die Änderung am { $date }
console-undo-done = Das Treffen am { $date } findet wie geplant statt.
console-language-done = Die Sprache der Gruppe ist geändert.
console-retention = Monate, die das Gesagte der Treffen aufbewahrt wird (leer: alles)
console-retention-save = Aufbewahrung speichern
console-retention-done = Die Aufbewahrungsfrist der Gruppe ist geändert.
console-erase-confirm = { $name } auch löschen? Notizen und Reflexionen werden gelöscht, der Name wird zu „former member“; die Anwesenheit bleibt.
console-erased = Das frühere Mitglied wurde gelöscht.
console-add-needs-name = Gib den Namen des neuen Mitglieds an.
console-link-of = Link für { $name }
console-add-done = Das Mitglied wurde aufgenommen.
console-agreement-needs-text = Der Kontrakt braucht einen Text.
console-publish-done = Eine neue Fassung ist veröffentlicht: Alle Mitglieder werden gebeten, sie anzunehmen.
console-schedule-done = Die Termine sind gespeichert; die Mitglieder sehen die nächsten Treffen.
console-remove-schedule-confirm = Die Termine entfernen?
console-remove-schedule-done = Die Termine sind entfernt.

## Errors, by the code the server answers with

error-bad_request = Das wurde nicht verstanden.
error-unauthorized = Dieser Link ist nicht gültig.
error-forbidden = Deine Rolle erlaubt das nicht.
error-not_your_turn = Du bist nicht an der Reihe.
error-invalid_state = Das geht an dieser Stelle des Treffens nicht.
error-not_found = Das gibt es nicht mehr.
error-conflict = Das wurde inzwischen geändert; schau nach und versuch es erneut.
error-too_large = Das ist zu lang.
error-rate_limited = Zu viele Anfragen; versuch es gleich noch einmal.
error-internal = Auf dem Server ist etwas schiefgegangen; nichts wurde geändert.
error-agreement_required = Bitte nimm zuerst den Supervisionskontrakt an.

## The start page, the agreement, the connection

default-agreement =
    Vertraulichkeit: Was über Klient:innen und Kolleg:innen gesagt wird, bleibt in der Gruppe. Fälle werden ohne Namen oder Angaben eingebracht, die jemanden erkennbar machen.
    Respekt: Es spricht immer nur eine Person; wir hören zu, unterbrechen nicht, und die Fallgeber:in schweigt, während die Gruppe Rückmeldung gibt.
    Protokoll: Festgehalten wird nur das vereinbarte Protokoll (Themen, Schritte, Entscheidungen, abweichende Meinungen); Notizen gehören allein denen, die sie schreiben.
    Überprüfung: Wir überprüfen diesen Kontrakt einmal im Jahr gemeinsam.
start-convener-link = Verwaltungslink
start-link-for = Link für { $name }
agreement-newer = Eine neue Fassung des Kontrakts wurde veröffentlicht. Sie gilt ab dem Ende dieses Treffens; bitte lies sie und nimm sie an.
connection-online = Verbunden
connection-offline = Offline — verbinde neu
connection-offline-waiting = { $count ->
    [one] Offline — verbinde neu; eine Aktion wird gesendet, sobald die Verbindung steht
   *[other] Offline — verbinde neu; { $count } Aktionen werden gesendet, sobald die Verbindung steht
}
connection-closed = Dieser Link funktioniert nicht mehr. Bitte die Gruppenverwaltung um einen neuen.

## The page opened without a link, with several kept
chooser-title = Deine Gruppen
chooser-intro = Dieser Browser bewahrt diese Links auf. Welchen möchtest du öffnen?
chooser-member = { $group }, als Mitglied
chooser-convener = { $group }, die Gruppenverwaltung
chooser-unnamed = Eine hier noch nicht geöffnete Gruppe
chooser-create = Eine neue Gruppe anlegen

## Said to screen readers (the live region): what changed, nothing else

announce-your-turn = Du bist dran.
announce-speaking = { $name } spricht.
announce-next = Du bist als Nächste:r dran.
announce-phase = { $phase }.
announce-phase-silent = { $phase }. Du bist Fallgeber:in: Bitte hör zu, ohne zu antworten.
announce-started = Das Treffen hat begonnen.
announce-ended = Das Treffen ist beendet.
announce-hand = { $name } hat die Hand gehoben.
announce-skipped = Die Moderation hat deinen Beitrag übersprungen.
announce-more-minutes = { $minutes ->
    [one] Eine Minute mehr.
   *[other] { $minutes } Minuten mehr.
}
announce-more-seconds = { $seconds } Sekunden mehr.
announce-time-up = Deine Zeit ist um; bitte komm zum Schluss.
announce-phase-overtime = Die Phase ist über der Zeit.
announce-note = Eine Notiz von { $name }.
announce-paused = Das Treffen ist pausiert.
announce-resumed = Das Treffen geht weiter.
announce-case-ended = Der Fall ist beendet.
announce-you-facilitate = Du moderierst jetzt.
announce-you-facilitate-absent = Du moderierst jetzt: Die Moderation war abwesend.
announce-facilitates = { $name } moderiert jetzt.
announce-facilitates-absent = { $name } moderiert jetzt, weil { $previous } abwesend war.

## Turns kept through a dropped connection, the turn bar's connection state, the presenter's response (issue 20)
do-presenter-response-presenter = Antworte auf das Gehörte: was dich berührt hat, was du mitnimmst. Die anderen hören zu.
do-presenter-response-member = { $presenter } antwortet auf das, was die Gruppe gesagt hat; hör zu, ohne zu antworten.
turn-kept-you = Du warst nicht verbunden, als du dran warst: Du sprichst am Ende dieser Runde.
turn-kept-member = { $name } war nicht verbunden, als sie:er dran war, und spricht am Ende dieser Runde.
turn-lost-you = Du warst auch beim zweiten Mal nicht verbunden: Die Runde geht ohne dich weiter.
turn-lost-member = { $name } war auch beim zweiten Mal nicht verbunden und wurde übersprungen.
turn-added-you = Du bist während der Runde dazugekommen: Du sprichst an ihrem Ende.
turn-added-member = { $name } ist während der Runde dazugekommen und spricht an ihrem Ende.
now-offline = Offline: verbinde neu. Deine Schaltflächen gehen wieder, sobald die Verbindung steht.
now-stalled = Die Verbindung hängt: warte auf den Server. Deine Schaltflächen gehen wieder, sobald er antwortet.
connection-stalled = Verbindung hängt — warte auf den Server
speaker-member-away = { $name } hat das Wort, ist aber nicht verbunden: Die Verbindung ist abgebrochen.
alert-offer = Ein Ton und eine Vibration, wenn du dran bist – fürs Handy in der Hand?
alert-offer-yes = Hinweise einschalten
alert-offer-no = Nein, danke
guide-hands-up-confirm = { $count ->
    [one] Eine Hand ist noch gehoben. Trotzdem weitergehen?
   *[other] { $count } Hände sind noch gehoben. Trotzdem weitergehen?
}
start-links-once = Diese Links werden nur jetzt gezeigt. Kopiere alle oder lade sie in eine Datei, die du aufbewahrst, bevor du die Seite verlässt.
start-copy-all = Alle Links kopieren
start-download = Links herunterladen
start-copied-all = Alle Links kopiert.
start-copy-failed = Dieser Browser lässt die Seite nicht kopieren: Lade die Links stattdessen herunter.
start-downloaded = Die Links sind in deinen Downloads.
start-links-file = Rondo-Links — { $group }.txt
error-field-time_zone = Diese Zeitzone kennen wir nicht: Schreibe sie als Region und Stadt, etwa Europe/Berlin.
error-field-rrule = Das ist keine Regel für wiederkehrende Treffen: Wähle eine unter „Wiederholung“ oder schreibe eine wie FREQ=MONTHLY;BYDAY=1TU.
error-field-start = Das erste Treffen braucht ein Datum und eine Uhrzeit, die es in der Zeitzone der Gruppe gibt (keine, die bei der Zeitumstellung ausfällt oder doppelt vorkommt).
error-field-duration_min = Ein Treffen dauert 1 bis 1440 Minuten.
error-field-review_on = Das Überprüfungsdatum muss heute oder später liegen, höchstens zehn Jahre voraus.
error-field-due = Das Fälligkeitsdatum muss heute oder später liegen, höchstens zehn Jahre voraus.
limit-left = { $left ->
    [one] Noch ein Zeichen von { $max }.
   *[other] Noch { $left } Zeichen von { $max }.
}
limit-cut = Der Text war länger als { $max } Zeichen: Nur die ersten { $max } wurden übernommen.
## The member's record of supervision
summary-attendance = Anwesenheit
attendance-role-facilitator = Moderation
attendance-role-presenter = Fallgeber:in
attendance-role-member = Mitglied
attendance-role-guest = Gast
attendance-list = Anwesenheit beim Treffen vom { $when }
attendance-minutes = { $minutes } Min.
attendance-confirmed = bestätigt am { $date }
attendance-unconfirmed = noch nicht bestätigt
attendance-countersigned = Gegengezeichnet von { $name } am { $date }; die Anwesenheit ist festgeschrieben.
attendance-convener = der Gruppenverwaltung
attendance-not-countersigned = Noch nicht gegengezeichnet.
attendance-confirm = Meine Anwesenheit bestätigen
attendance-countersign = Anwesenheit gegenzeichnen
attendance-of = des Treffens vom { $when }
reflection-write = Meine Reflexion schreiben
reflection-edit = Meine Reflexion
reflection-private = Deine Reflexion gehört dir allein: Niemand sonst in der Gruppe sieht sie, und sie steht nicht in der Bescheinigung.
reflection-prompts = Leitfragen
prompt-set-none = Keine Leitfragen
prompt-set-nmc = NMC (die Themen des Code)
prompt-set-swe = Social Work England
prompt-set-bacp = BACP
prompt-set-skj = SKJ (die drei Dimensionen)
prompt-nmc-people = Menschen an erster Stelle: Was bedeutete das für die Menschen in meiner Obhut?
prompt-nmc-practise = Wirksam arbeiten: Was habe ich gelernt, und was mache ich künftig anders?
prompt-nmc-safety = Sicherheit wahren: Ging es um Risiken oder Sicherheit?
prompt-nmc-trust = Professionalität und Vertrauen: Wie hängt das mit dem Code zusammen?
prompt-swe-learnt = Was ich gelernt habe
prompt-swe-impact = Was das für meine Praxis bedeutet
prompt-swe-peer = Was ich von einer Kollegin oder einem Kollegen gelernt habe
prompt-bacp-brought = Was ich eingebracht habe oder andere einbrachten
prompt-bacp-took = Was ich mitnehme
prompt-bacp-clients = Was ich mit Klient:innen anders machen werde
prompt-skj-acting = Mein Handeln: was ich tat und warum (methodisch)
prompt-skj-person = Ich als Fachkraft: Haltung, Werte und Gefühle
prompt-skj-context = Der Kontext: meine Organisation, die Zusammenarbeit und die Regeln
reflection-label = Reflexion
reflection-save = Meine Reflexion speichern
reflection-saved = Gespeichert am { $date }.
supervision-gap = Die Gruppe hat sich seit dem { $date } nicht getroffen ({ $days } Tage), länger als ihr Kontrakt erlaubt: Bitte die Leitung darauf hinweisen.
log-title = Mein Nachweis der Kollegialen Beratung
log-explained = Die Treffen, an denen du teilgenommen hast, wie der Server sie gemessen hat, mit der nach der Regel der Gruppe angerechneten Zeit: für deine Berufskammer oder dein Register. Die Bescheinigung enthält keine Fallinhalte, Notizen oder Reflexionen.
log-from = Von
log-to = Bis
log-show = Anzeigen
log-csv = CSV herunterladen
log-pdf = Bescheinigung herunterladen (PDF)
log-target = Mein Monatsziel (Minuten)
log-target-save = Ziel speichern
log-col-date = Datum
log-col-time = Beginn–Ende
log-col-minutes = Minuten
log-col-credited = Angerechnet
log-col-role = Rolle
log-col-confirmed = Bestätigt
log-col-countersigned = Gegengezeichnet
log-months = Monate
log-no = nein
log-target-met = Ziel erreicht
log-target-missed = unter dem Ziel
log-unavailable = Der Nachweis konnte nicht angezeigt werden; bitte den Zeitraum prüfen.
log-print = Meinen Nachweis drucken
log-printed-for = Nachweis der Kollegialen Beratung von { $name }, { $group }: { $from } bis { $to } (Zeiten in { $zone })
log-summary = { $count ->
    [one] Ein Treffen, { $minutes } Minuten angerechnet.
   *[other] { $count } Treffen, { $minutes } Minuten angerechnet.
}
console-max-gap = Längster Abstand zwischen Treffen (Tage; leer für keinen)
console-record-title = Nachweis der Kollegialen Beratung
console-credit-rule = Wie die Nachweise der Mitglieder Zeit anrechnen
console-credit-attended = Die Zeit, die jedes Mitglied anwesend war
console-credit-shared = Geteilt unter den Anwesenden, wie BACP Gruppensupervision zählt
console-credit-done = Die Anrechnungsregel ist gespeichert.
console-attendance-title = Anwesenheit zum Gegenzeichnen
console-attendance-line = Treffen vom { $when }: { $confirmed } von { $present } bestätigt.
console-countersign-waits = Gegenzeichnen ist möglich, sobald alle Anwesenden bestätigt haben, oder 14 Tage nach dem Treffen.
console-countersign-done = Die Anwesenheit beim Treffen vom { $when } ist gegengezeichnet.
console-countersign-failed = Die Anwesenheit konnte nicht gegengezeichnet werden.
log-table-region =
    .aria-label = Die Treffen des Zeitraums
control-credit-rule = Die Nachweise rechnen an
credit-attended = die anwesende Zeit
credit-shared = einen Anteil, wie BACP Gruppensupervision zählt
# Beyond the video call: room display, guests, briefs, phones and print
offline-banner = Sie sind offline. Rondo verbindet sich von selbst wieder, sobald das Netz zurück ist.
display-title = { $group } — Raumbildschirm
display-speaking = Spricht
display-next = Als Nächstes
display-hands = Meldungen
display-presenter = Fallgeber/in: { $name }
display-retired = Dieser Raumbildschirm wurde abgemeldet. Bitten Sie um einen neuen Link, um das Treffen hier zu zeigen.
propose-brief = Schriftlicher Hintergrund (nur Sie sehen ihn, bis Sie ihn teilen)
console-room-title = Raumbildschirm und Gäste
room-title = Raumbildschirm und Gäste
room-show = Auf einem Raumbildschirm zeigen
room-retire = Raumbildschirm abmelden
room-show-titles = Falltitel auf dem Bildschirm zeigen
room-link = Link für den Raumbildschirm
room-shown = Öffnen Sie diesen Link auf dem Bildschirm im Raum. Frühere Bildschirm-Links gelten nicht mehr.
room-retired = Der Raumbildschirm wurde abgemeldet.
guest-name = Name des Gastes
guest-invite = Gast für dieses Treffen einladen
guest-invited = { $name } ist für ein Treffen eingeladen. Senden Sie diesen Link; er gilt nur bis zum Ende des Treffens.
guest-link = Link für { $name }
roster-guest = Gast
brief-shared = Hintergrund (geteilt)
brief-unshared = Ihr Hintergrund (nur Sie sehen ihn)
brief-edit = Hintergrund bearbeiten
brief-add = Hintergrund hinzufügen
brief-prompt = Der schriftliche Hintergrund, den die anderen vor dem Treffen lesen:
brief-share = Hintergrund teilen
notify-turn = Sie sind dran in Rondo
notify-turn-body = Sie haben jetzt das Wort.
notify-started = Das Treffen hat begonnen
notify-started-body = Ihre Kollegiale Beratung hat begonnen.
unsaved-end-confirm = Es gibt noch nicht gespeicherten Text (eine Notiz oder das Protokoll). Das Treffen trotzdem beenden?
print-page = Drucken
