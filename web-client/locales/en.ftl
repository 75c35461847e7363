# Rondo's web client, in English: every text the page shows or says.
# German and Dutch have the same messages with the same placeholders
# (protocol/tests/catalogues.rs checks). Terms: GLOSSARY.md.

## The page's fixed text (index.html, by data-l10n-id)

skip-link = Skip to the meeting
start-title = Create a supervision group
start-name = Group name
start-members = Members, one name per line, in rotation order
start-agreement = Group agreement
start-create = Create group
start-convener-title = Your convener link
start-convener-keep = Keep this link: it manages the group. With it you add and remove members, give a member a new link, publish a new version of the agreement and set the schedule.
start-open-console = Open the convener console
start-links-title = Member links
start-links-share = Send each member their own link. Each link is a key: share it with that member only.
console-title = Managing the group
console-members-title = Members
console-col-name = Name
console-col-now = Now
console-col-accepted = Agreement accepted
console-col-link = Link
console-add-name = New member's name
console-add = Add member
console-language = Language of the group's records and calendars
console-agreement-title = Agreement
console-review-due = The annual review of the agreement is due: agree a new version with the group and publish it here.
console-new-version = New version
console-review-on = Review on
console-publish = Publish new version
console-history = History
console-schedule-title = Schedule
console-repeats = Repeats
preset-keep = Keep the rule below
preset-weekly = Every week
preset-fortnightly = Every two weeks
preset-first-tuesday = Monthly, first Tuesday
preset-second-wednesday = Monthly, second Wednesday
preset-last-thursday = Monthly, last Thursday
preset-bimonthly = Every two months, first Tuesday
console-rrule = Rule (RFC 5545 RRULE)
console-first-meeting = First meeting (local time)
console-zone = Time zone
console-minutes = Minutes
console-save-schedule = Save schedule
console-remove-schedule = Remove schedule
console-next-meetings = Next meetings
agreement-title = Our group agreement
agreement-accept = Accept agreement
raise-hand = Raise hand
lower-hand = Lower hand
turn-done = Done
turn-pass = Pass
summary-close = Close the summary
case-title = Meeting
record-kind-label = Kind
record-kind-area = Area covered
record-kind-discussion = Discussion point
record-kind-decision = Decision
record-kind-disagreement = Disagreement
record-kind-action = Action
quick-record-text = Text for the record
quick-record-submit = Record it
silent-notice = You are the presenter: listen without replying in this phase.
next-notice = You're next.
order-title = Still to speak
hands-title = Hands raised
contribution-label = Your written contribution (hidden until the phase ends)
contribution-submit = Hand in
more-controls = More facilitator controls
control-case = Case
control-method = Method
control-start-case = Start case
control-add = Add
extend-30 = 30 s
extend-60 = 1 min
extend-120 = 2 min
extend-300 = 5 min
control-extend = Extend
control-floor-to = Floor to
control-give-floor = Give floor
control-round = Round
round-check-in = check-in
round-check-out = check-out
control-turn = Turn
turn-60 = 1 min
turn-120 = 2 min
turn-180 = 3 min
control-run-round = Run round
control-perspective-for = Perspective for
control-assign-perspective = Assign perspective
control-role-to = Role to
control-hand-over = Hand over
shortcuts-title = Keyboard shortcuts and alerts
shortcut-hand = raise or lower your hand
shortcut-done = done with your turn. With a modifier, so they never clash with a screen reader's keys.
shortcuts-on = Use these shortcuts
alert-on = A sound and a vibration when it is my turn
next-title = Next meeting
review-due = The annual review of our agreement is due.
calendar-feed = Subscribe in my calendar
calendar-series = Download the dates (.ics)
roster-title = Members
queue-title = Case queue
propose-title = Title
propose-question = Your question for the group
propose-minutes = Minutes
propose-urgent = Urgent
propose-submit = Propose case
notes-title = My notes
notes-explained = Private notes are yours alone. A note to the presenter stays yours until you send it; then that presenter reads it too.
note-kind = Kind
note-private = Private note
note-presenter = Note to the presenter
note-new = New note
note-label = Note
note-send = Send to the presenter
record-title = Record
record-text = Text
record-owner = Owner
record-due = Due
record-tags = Tags
record-add = Add to record
record-cancel = Cancel editing
open-actions-title = Open actions from earlier meetings
export-record = Download record (Markdown)
export-notes = Download my notes (Markdown)
past-title = Past meetings
language-label = Language
now-region =
    .aria-label = Now
controls-region =
    .aria-label = Your turn
stepper-region =
    .aria-label = Phases
quick-record-region =
    .aria-label = Add to the record
quick-record-input =
    .placeholder = For the record…
guide-region =
    .aria-label = Facilitating
meeting-steps-region =
    .aria-label = The meeting
perspective-input =
    .placeholder = as the client
    .aria-label = Perspective

## The case as everyone follows it

title-your-turn = ● Your turn — Rondo
title-next = Next: you — Rondo
title-group = Rondo — { $group }
status-no-meeting = No meeting is open.
status-lobby = Meeting open, not started. Facilitator: { $facilitator }.
status-paused = Paused: the clock is stopped.
status-case = { $template } — presented by { $presenter }. Facilitator: { $facilitator }.
status-round = { $round }. Facilitator: { $facilitator }.
status-running = Meeting running. Facilitator: { $facilitator }.
speaker-you = It is your turn.
speaker-member = { $name } is speaking.
speaker-silence = Silence: time to reflect.
speaker-written = Everyone writes; the texts are shown together when the phase ends.
speaker-open = Open discussion: raise your hand to speak.
now-no-meeting = No meeting open
now-paused = Paused
now-case = { $phase } — { $presenter }'s case
now-lobby = Not started yet
now-between = Between cases
handed-in = Handed in: { $names }
handed-in-nobody = Nobody has handed in yet.
revealed-title = Written contributions: { $phase }
do-lobby-facilitator = Start the meeting when everyone is here.
do-lobby = Waiting for the facilitator to start the meeting.
do-paused = Paused: the clock is stopped until the facilitator resumes.
do-round = { $round }: in turn, say briefly how you arrive; nobody replies.
do-between-facilitator = Start the next case, or run a check-in or check-out round.
do-between = Waiting for the facilitator to start the next case.
do-presenter-presenter = Present your case and the question you want help with; the others listen.
do-presenter-member = Listen to { $presenter }; questions come next.
do-round-silent-presenter = Listen without replying; you answer in the response phase.
do-round-silent-member = In your turn, give your contribution; { $presenter } listens without replying.
do-round-presenter = Answer each question briefly; do not start solving yet.
do-round-member = In your turn, ask one clarifying question; { $presenter } answers briefly.
do-open-silent-presenter = Listen: the group reflects without you for now.
do-open-silent-member = Raise your hand to speak; the facilitator gives the floor. { $presenter } listens.
do-open-presenter = Raise your hand to speak; the facilitator gives the floor.
do-open-member = Raise your hand to speak; the facilitator gives the floor.
do-silence-presenter = Silence: reflect on what you heard before anyone speaks.
do-silence-member = Silence: reflect on what you heard before anyone speaks.
do-written-presenter = The others write; their texts appear together when the phase ends.
do-written-member = Write your contribution; nobody sees it until the phase ends.
phase-kind-presenter = The presenter has the floor.
phase-kind-round = A round: each member in turn.
phase-kind-open = Open: raise your hand to speak.
phase-kind-silence = Silence.
phase-kind-written = Written contributions.
phase-kind-silent = The presenter listens in silence.

## Names the server sends in English: built-in templates, their phases, rounds

someone = someone
this-case = this case
round-default = round
template-sgs = Structured Group Supervision
template-incident = Incident method
template-balint = Balint
template-open = Open discussion
template-peers = PEERS (individual)
template-tietze = Kollegiale Beratung (Tietze)
template-roddel = Roddel (gossip) method
phase-request-for-help = request for help
phase-questions = questions
phase-feedback = feedback
phase-pause = pause
phase-response = response
phase-discussion = discussion
phase-incident = incident
phase-clarifying-questions = clarifying questions
phase-analysis = analysis
phase-advice = advice
phase-reflection = reflection
phase-evaluation = evaluation
phase-presentation = presentation
phase-group-reflection = group reflection
phase-presenter-returns = presenter returns
phase-open-discussion = open discussion
phase-open = open
phase-paraprofessional-development = paraprofessional development
phase-lived-experience = lived experience
phase-education = education
phase-responsibilities = responsibilities
phase-support = support
phase-casting = casting
phase-spontaneous-account = spontaneous account
phase-key-question = key question
phase-choice-of-method = choice of method
phase-consultation = consultation
phase-closing = closing
phase-question = question
phase-exploring-questions = exploring questions
phase-gossip-round = gossip round

## The facilitator's guide

guide-open = Open meeting
guide-open-hint-you = You will facilitate: next in rotation.
guide-open-hint = { $name } will facilitate: next in rotation.
guide-start = Start meeting
guide-start-hint = When everyone is here.
guide-resume = Resume
guide-resume-hint = The clock starts again where it stopped.
guide-next-phase = Next: { $phase }
guide-finish-case = Finish the case
guide-next-phase-hint = { $count ->
    [one] Ends this { $phase } round for the one still to speak.
   *[other] Ends this { $phase } round for { $count } still to speak.
}
guide-next-phase-confirm = End the { $phase } round before everyone has spoken?
guide-end-round = End { $round }
guide-start-case = Start { $presenter }'s case
guide-start-case-hint = { $title } — { $template }.
guide-end-meeting = End meeting
guide-end-meeting-hint = No case is waiting.
guide-end-meeting-confirm = End the meeting for everyone? A case still running goes back to the queue.
guide-step-check-in = Check-in
guide-step-cases = Cases
guide-step-check-out = Check-out
guide-step-close = Close
guide-pause = Pause
guide-add-minute = Add 1 min
guide-skip = Skip { $name }
guide-give-floor = Give the floor to { $name }
guide-end-case = End case
guide-end-case-confirm = End { $presenter }'s case now? It counts as presented.
guide-check-in = Check-in round
guide-check-out = Check-out round

## Controls and the clock

floor-hand-raised = { $name } (hand raised)
clock-paused = PAUSED
clock-overtime = { $seconds ->
    [one] Overtime one second
   *[other] Overtime { $seconds } seconds
}
clock-left = { $seconds ->
    [one] One second left
   *[other] { $seconds } seconds left
}

## Around the meetings: the next one, past ones, calendars

next-meeting = { $when }.
next-meeting-moved = { $when } (moved).
next-cancelled = Cancelled: { $dates }.
next-none = No meeting is scheduled yet.
facilitating-now-you = Facilitating now: you.
facilitating-now = Facilitating now: { $name }.
facilitating-next-you = Facilitating next: you — the role goes round the group in turn.
facilitating-next = Facilitating next: { $name } — the role goes round the group in turn.
past-meeting = { $when } — facilitated by { $name }
past-record = Record
past-record-hidden = of { $when } (Markdown)
past-json = JSON
past-json-hidden = record of { $when }
past-notes = My notes
past-notes-hidden = of { $when }
past-none = No meeting has ended yet.
export-unavailable = The export is not available.
calendar-unavailable = The calendar feed could not be made.
calendar-explained = Add this address to your calendar as a subscription. It is yours alone; asking again makes a new one and stops this one.
calendar-address = Calendar address

## Notes

note-label-private = Private
note-label-from = From { $name }
note-label-draft = Draft to { $name }
note-label-to = To { $name }
note-label-sent = To { $name } (sent)
note-edit = Edit
note-delete = Delete
note-kept = Kept here; saved as soon as a meeting opens.
note-no-case = A note to the presenter is for a case that is running.
note-not-saved = Not saved.
note-not-saved-yet = Not saved yet
note-saved = Saved
note-saved-announced = Note saved.
note-to = To: { $name } — { $title }. A draft: { $name } reads it once you send it.
note-send-to = Send to { $name }
note-sent = Sent to { $name }.

## The case queue

queue-case = { $name }, { $minutes } min
queue-urgent = urgent
queue-now = now
queue-withdraw = Withdraw
queue-up = move { $title } up
queue-down = move { $title } down

## The record

record-item-owner = owner { $name }
record-item-due = due { $date }
record-item-done = done
record-edit = Edit
record-mark-done = Mark done
record-save = Save changes
tag-management = management
tag-development = development
tag-support = support
tag-engagement = engagement
tag-reflection = reflection
tag-paraprofessional = paraprofessional
tag-experience = experience
tag-education = education
tag-responsibility = responsibility

## Members

roster-here = here
roster-away = away
roster-facilitator = facilitator
roster-presenter = presenter
roster-accepted = accepted the agreement
roster-not-accepted = has not accepted the agreement yet
roster-spoke = spoke { $time }

## The summary at the end of a case or a meeting

summary-under-a-minute = under a minute
summary-minutes = { $minutes } min
summary-case = { $presenter }'s case: summary
summary-meeting = The meeting: summary
summary-cases = Cases
summary-actions = Actions
summary-no-owner = no owner
summary-owner-due = { $owner }, by { $date }
summary-decisions = Decisions
summary-disagreements = Disagreements
summary-areas = Areas and discussion
summary-speaking = Time each member spoke
summary-nothing = Nothing was recorded.
summary-download-record = Download the record
summary-download-notes = Download my notes

## The convener's console

copy = Copy
copied = Copied
language-en = English
language-de = Deutsch
language-nl = Nederlands
agreement-version = Version { $version }
agreement-review = to be reviewed on { $date }
console-link-invalid = This convener link does not work (any more).
console-title-group = { $group }: managing the group
console-accepted = accepted version { $version } on { $date }
console-accepted-again = accepted version { $version } on { $date } (must accept again)
console-new-link = New link
console-for = for { $name }
console-new-link-of = { $name }'s new link
console-new-link-done = { $name } has a new link; the old one no longer works.
console-remove = Remove
console-remove-confirm = Remove { $name } from the group? Their link stops working at once.
console-removed = { $name } was removed.
console-here = here now
console-send-only = { $label }: send it to them only.
console-in-force-later = (in force from the end of the open meeting; version { $version } until then)
console-published = published { $date }
console-schedule = { $rrule } from { $start } ({ $zone }), { $minutes } minutes.
console-no-schedule = No schedule yet.
console-cancelled = cancelled
console-moved = moved
console-cancel = Cancel
console-the-meeting-of = the meeting of { $date }
console-cancel-done = The meeting of { $date } is cancelled.
console-new-time = New time for the meeting of { $date }
console-move = Move
console-move-needs-time = Choose the new date and time first.
console-move-done = The meeting of { $date } is moved.
console-undo = Undo
console-the-change-to = the change to { $date }
console-undo-done = The meeting of { $date } is back as planned.
console-language-done = The group's language is changed.
console-retention = Months to keep what meetings said (empty: keep it all)
console-retention-save = Save retention
console-retention-done = The group's retention is changed.
console-erase-confirm = Also erase { $name }? Their notes and reflections are deleted and they are named "former member"; their attendance stays.
console-erased = The former member was erased.
console-add-needs-name = Give the new member's name.
console-link-of = { $name }'s link
console-add-done = The member was added.
console-agreement-needs-text = The agreement needs a text.
console-publish-done = A new version is published: every member is asked to accept it.
console-schedule-done = The schedule is saved; members see the next meetings.
console-remove-schedule-confirm = Remove the schedule?
console-remove-schedule-done = The schedule is removed.

## Errors, by the code the server answers with

error-bad_request = That was not understood.
error-unauthorized = This link is not valid.
error-forbidden = Your role does not allow that.
error-not_your_turn = It is not your turn.
error-invalid_state = That is not possible at this point of the meeting.
error-not_found = That no longer exists.
error-conflict = That was changed meanwhile; look again and retry.
error-too_large = That is too long.
error-rate_limited = Too many requests; try again in a moment.
error-internal = Something went wrong on the server; nothing was changed.
error-agreement_required = Please accept the group agreement first.

## The start page, the agreement, the connection

default-agreement =
    Confidentiality: what is said about clients and colleagues stays in the group. Cases are presented without names or details that identify anyone.
    Respect: one person speaks at a time; we listen, we do not interrupt, and the presenter is silent while feedback is given.
    Recording: only the agreed record (areas, actions, decisions, disagreements) is kept; notes are private to whoever writes them.
    Review: we review this agreement together once a year.
start-convener-link = Convener link
start-link-for = Link for { $name }
agreement-newer = A new version of the agreement was published. It applies from the end of this meeting; please read and accept it.
connection-online = Connected
connection-offline = Offline — reconnecting
connection-offline-waiting = { $count ->
    [one] Offline — reconnecting; one action will be sent when back
   *[other] Offline — reconnecting; { $count } actions will be sent when back
}
connection-closed = This link no longer works. Ask your convener for a new one.

## The page opened without a link, with several kept
chooser-title = Your groups
chooser-intro = This browser keeps these links. Which one do you want to open?
chooser-member = { $group }, as a member
chooser-convener = { $group }, the convener's console
chooser-unnamed = A group not opened here yet
chooser-create = Create a new group

## Said to screen readers (the live region): what changed, nothing else

announce-your-turn = It's your turn.
announce-speaking = { $name } is speaking.
announce-next = You're next.
announce-phase = { $phase }.
announce-phase-silent = { $phase }. You are the presenter: please listen without replying.
announce-started = The meeting has started.
announce-ended = The meeting has ended.
announce-hand = { $name } raised a hand.
announce-skipped = The facilitator moved on from your turn.
announce-more-minutes = { $minutes ->
    [one] One more minute.
   *[other] { $minutes } more minutes.
}
announce-more-seconds = { $seconds } more seconds.
announce-time-up = Your time is up; please finish.
announce-phase-overtime = The phase is over time.
announce-note = A note from { $name }.
announce-paused = The meeting is paused.
announce-resumed = The meeting resumed.
announce-case-ended = The case has ended.
announce-you-facilitate = You are now the facilitator.
announce-you-facilitate-absent = You are now the facilitator: the facilitator was away.
announce-facilitates = { $name } facilitates now.
announce-facilitates-absent = { $name } facilitates now because { $previous } was away.

## Turns kept through a dropped connection, the turn bar's connection state, the presenter's response (issue 20)
do-presenter-response-presenter = Respond to what you heard: what struck you, what you take with you. The others listen.
do-presenter-response-member = { $presenter } responds to what the group said; listen without replying.
turn-kept-you = Your turn came while you were away: you speak at the end of this round.
turn-kept-member = { $name } was away when their turn came: they speak at the end of this round.
turn-lost-you = Your turn came again while you were away: this round goes on without you.
turn-lost-member = { $name } was still away when their kept turn came, and was skipped.
turn-added-you = You came during the round: your turn is at its end.
turn-added-member = { $name } came during the round and speaks at its end.
now-offline = Offline: reconnecting. Your buttons work again once connected.
now-stalled = The connection has stalled: waiting for the server. Your buttons work again once it answers.
connection-stalled = Connection stalled — waiting for the server
speaker-member-away = { $name } holds the floor but is away: their connection dropped.
alert-offer = A sound and a vibration when your turn comes, for a phone in your hand?
alert-offer-yes = Turn alerts on
alert-offer-no = No, thanks
guide-hands-up-confirm = { $count ->
    [one] One hand is still raised. Move on anyway?
   *[other] { $count } hands are still raised. Move on anyway?
}
start-links-once = These links are shown only now. Copy them all, or download them to a file you keep, before you leave this page.
start-copy-all = Copy all links
start-download = Download the links
start-copied-all = All links copied.
start-copy-failed = This browser did not let the page copy: download the links instead.
start-downloaded = The links are in your downloads.
start-links-file = Rondo links — { $group }.txt
error-field-time_zone = That time zone is not one we know: write it as region and city, such as Europe/Amsterdam.
error-field-rrule = That is not a rule for repeating meetings: choose one under "Repeats", or write one such as FREQ=MONTHLY;BYDAY=1TU.
error-field-start = The first meeting needs a date and a time that exist in the group's time zone (not one the clocks skip or repeat).
error-field-duration_min = A meeting lasts from 1 to 1440 minutes.
error-field-review_on = The review date must be today or later, and within ten years.
error-field-due = The due date must be today or later, and within ten years.
limit-left = { $left ->
    [one] One character left of { $max }.
   *[other] { $left } characters left of { $max }.
}
limit-cut = The text was longer than { $max } characters: only the first { $max } were kept.
## The member's record of supervision
summary-attendance = Attendance
attendance-role-facilitator = facilitator
attendance-role-presenter = presenter
attendance-role-member = member
attendance-role-guest = guest
attendance-list = Attendance of the meeting of { $when }
attendance-minutes = { $minutes } min
attendance-confirmed = confirmed on { $date }
attendance-unconfirmed = not yet confirmed
attendance-countersigned = Countersigned by { $name } on { $date }; the attendance is locked.
attendance-convener = the convener
attendance-not-countersigned = Not countersigned yet.
attendance-confirm = Confirm my attendance
attendance-countersign = Countersign the attendance
attendance-of = of the meeting of { $when }
reflection-write = Write my reflection
reflection-edit = My reflection
reflection-private = Your reflection is yours alone: nobody else in the group sees it, and it is not in the certificate.
reflection-prompts = Prompts
prompt-set-none = No prompts
prompt-set-nmc = NMC (the Code's themes)
prompt-set-swe = Social Work England
prompt-set-bacp = BACP
prompt-set-skj = SKJ (the three dimensions)
prompt-nmc-people = Prioritise people: what did this mean for the people in my care?
prompt-nmc-practise = Practise effectively: what did I learn, and what will I do differently?
prompt-nmc-safety = Preserve safety: did anything touch on risk or safety?
prompt-nmc-trust = Promote professionalism and trust: how does this relate to the Code?
prompt-swe-learnt = What I learnt
prompt-swe-impact = The impact on my practice
prompt-swe-peer = What I learnt from a peer
prompt-bacp-brought = What I brought, or what others brought
prompt-bacp-took = What I took from it
prompt-bacp-clients = What I will do differently with clients
prompt-skj-acting = My actions: what I did and why (methodical)
prompt-skj-person = Myself as a professional: my attitude, values and feelings
prompt-skj-context = The context: my organisation, the people I work with and the rules
reflection-label = Reflection
reflection-save = Save my reflection
reflection-saved = Saved on { $date }.
supervision-gap = The group has not met since { $date } ({ $days } days), longer than its agreement allows: refer this to the line manager.
log-title = My supervision log
log-explained = The meetings you attended, as the server measured them, with the time credited under the group's rule: to show your registration body. The certificate holds no case content, notes or reflections.
log-from = From
log-to = To
log-show = Show
log-csv = Download CSV
log-pdf = Download certificate (PDF)
log-target = My monthly target (minutes)
log-target-save = Save target
log-col-date = Date
log-col-time = Start–end
log-col-minutes = Minutes
log-col-credited = Credited
log-col-role = Role
log-col-confirmed = Confirmed
log-col-countersigned = Countersigned
log-months = Months
log-no = no
log-target-met = target met
log-target-missed = below target
log-unavailable = The log could not be shown; check the period.
log-print = Print my log
log-printed-for = Supervision log of { $name }, { $group }: { $from } to { $to } (times in { $zone })
log-summary = { $count ->
    [one] One meeting, { $minutes } minutes credited.
   *[other] { $count } meetings, { $minutes } minutes credited.
}
console-max-gap = Longest gap between meetings (days; empty for none)
console-record-title = Record of supervision
console-credit-rule = How members' logs credit time
console-credit-attended = The time each member was present
console-credit-shared = Shared among those present, as BACP counts group supervision
console-credit-done = The credit rule is saved.
console-attendance-title = Attendance to countersign
console-attendance-line = Meeting of { $when }: { $confirmed } of { $present } confirmed.
console-countersign-waits = Countersigning waits until everyone present confirmed, or 14 days after the meeting.
console-countersign-done = The attendance of the meeting of { $when } is countersigned.
console-countersign-failed = The attendance could not be countersigned.
log-table-region =
    .aria-label = The meetings of the period
control-credit-rule = Members' logs credit
credit-attended = the time present
credit-shared = a share, as BACP counts group supervision
# Beyond the video call: room display, guests, briefs, phones and print
offline-banner = You are offline. Rondo reconnects by itself when the network is back.
display-title = { $group } — room screen
display-speaking = Speaking
display-next = Next
display-hands = Hands raised
display-presenter = Presenter: { $name }
display-retired = This room screen was retired. Ask for a new link to show the meeting here.
propose-brief = Written background (only you see it until you share it)
console-room-title = Room screen and guests
room-title = Room screen and guests
room-show = Show on a room screen
room-retire = Retire the room screen
room-show-titles = Show case titles on the screen
room-link = Room screen link
room-shown = Open this link on the room's screen. Any earlier screen link stopped working.
room-retired = The room screen was retired.
guest-name = Guest's name
guest-invite = Invite a guest for this meeting
guest-invited = { $name } is invited for one meeting. Send them this link; it stops working when the meeting ends.
guest-link = Link for { $name }
roster-guest = guest
brief-shared = Brief (shared)
brief-unshared = Your brief (only you see it)
brief-edit = Edit the brief
brief-add = Add a brief
brief-prompt = The written background for the others to read before the meeting:
brief-share = Share the brief
notify-turn = Your turn in Rondo
notify-turn-body = It is your turn to speak.
notify-started = The meeting has started
notify-started-body = Your peer supervision meeting has started.
unsaved-end-confirm = You have text that is not saved yet (a note or the record). End the meeting anyway?
print-page = Print
