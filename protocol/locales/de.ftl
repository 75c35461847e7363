# Rondos Exporte und Kalendertexte, auf Deutsch (Glossar: GLOSSARY.md).
record-title = { $group } — Protokoll der Sitzung
record-opened = Eröffnet: { $at }
record-ended = Beendet: { $at }
record-facilitator = Moderation: { $name }
record-meeting = Sitzung: { $id }
record-cases = Fälle
record-presented-by = { $title } (Fallgeber:in: { $presenter })
record-areas = Besprochene Themen
record-discussion = Diskussion
record-decisions = Beschlüsse
record-actions = Vereinbarte Schritte
record-disagreements = Abweichende Meinungen
record-due = bis { $date }
record-speaking = Redezeit
record-member = Mitglied
record-time = Zeit
notes-title = { $group } — Notizen von { $member }
notes-meeting = Sitzung vom { $at }. Vertraulich.
notes-private = Private Notiz
notes-to-presenter = An die Fallgeber:in { $presenter }, von { $author }
notes-to-presenter-unknown = An die Fallgeber:in
notes-case = Fall: { $title }
calendar-description = Treffen der Kollegialen Beratung. Öffnen Sie Rondo über Ihren eigenen Link.

# Reminders in a member's own calendar feed
calendar-reminder = Bald ist Kollegiale Beratung.
calendar-you-facilitate = Sie moderieren dieses Treffen.
calendar-your-case-queued = Ihr Fall steht für dieses Treffen an.
