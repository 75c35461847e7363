# Rondo's exports en agendateksten, in het Nederlands (woordenlijst: GLOSSARY.md).
record-title = { $group } — verslag van de bijeenkomst
record-opened = Geopend: { $at }
record-ended = Afgesloten: { $at }
record-facilitator = Gespreksleider: { $name }
record-meeting = Bijeenkomst: { $id }
record-cases = Casussen
record-presented-by = { $title } (casusinbrenger: { $presenter })
record-areas = Besproken onderwerpen
record-discussion = Bespreking
record-decisions = Besluiten
record-actions = Afspraken
record-disagreements = Afwijkende meningen
record-due = uiterlijk { $date }
record-speaking = Spreektijd
record-member = Deelnemer
record-time = Tijd
notes-title = { $group } — aantekeningen van { $member }
notes-meeting = Bijeenkomst van { $at }. Vertrouwelijk.
notes-private = Privé-aantekening
notes-to-presenter = Aan de casusinbrenger, { $presenter }, van { $author }
notes-to-presenter-unknown = Aan de casusinbrenger
notes-case = Casus: { $title }
calendar-description = Intervisiebijeenkomst. Open Rondo via je eigen link.

# Reminders in a member's own calendar feed
calendar-reminder = Binnenkort intervisie.
calendar-you-facilitate = Jij begeleidt deze bijeenkomst.
calendar-your-case-queued = Jouw casus staat voor deze bijeenkomst op de agenda.
