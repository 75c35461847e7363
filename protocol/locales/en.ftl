# Rondo's exports and calendar texts, in English.
record-title = { $group } — meeting record
record-opened = Opened: { $at }
record-ended = Ended: { $at }
record-facilitator = Facilitator: { $name }
record-meeting = Meeting: { $id }
record-cases = Cases
record-presented-by = { $title } (presented by { $presenter })
record-areas = Areas covered
record-discussion = Discussion
record-decisions = Decisions
record-actions = Actions
record-disagreements = Disagreements
record-due = due { $date }
record-speaking = Speaking time
record-member = Member
record-time = Time
notes-title = { $group } — notes of { $member }
notes-meeting = Meeting of { $at }. Confidential.
notes-private = Private note
notes-to-presenter = To the presenter, { $presenter }, from { $author }
notes-to-presenter-unknown = To the presenter
notes-case = Case: { $title }
calendar-description = Peer supervision meeting. Open Rondo from your own link.

# Reminders in a member's own calendar feed
calendar-reminder = Peer supervision meeting soon.
calendar-you-facilitate = You facilitate this meeting.
calendar-your-case-queued = Your case is queued for this meeting.
