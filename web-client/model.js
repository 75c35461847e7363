// The meeting as this member knows it: the welcome snapshot, kept current by
// applying each event in order.

import { t } from './i18n.js';

export function fromWelcome(welcome) {
  return {
    me: welcome.me,
    group: welcome.group,
    seq: welcome.seq,
    queue: welcome.queue,
    meeting: welcome.meeting,
    openActions: welcome.open_actions,
    notes: welcome.notes,
    lastMeetingId: welcome.meeting ? welcome.meeting.meeting_id : null,
    agreementRequired: welcome.agreement_required,
    pastMeetings: welcome.past_meetings || [],
    mySettings: welcome.my_settings || { monthly_target_min: null },
  };
}

/// What a case or a meeting came to: its cases, actions with owners and
/// dates, decisions and disagreements, and who spoke how long.
function summarize(model, items, cases, speakingMs, about) {
  const of = (kind) => items.filter((i) => i.kind === kind);
  return {
    ...about,
    cases: cases.map((c) => ({ title: c.title, presenter: c.presenter })),
    actions: of('action'),
    decisions: of('decision'),
    disagreements: of('disagreement'),
    areas: of('area').concat(of('discussion')),
    speaking: speakingMs ? Object.entries(speakingMs).sort((a, b) => b[1] - a[1]) : [],
  };
}

const member = (model, id) => model.group.members.find((m) => m.member_id === id);

export function nameOf(model, id) {
  const found = member(model, id);
  return found ? found.name : t('someone');
}

function run(model) {
  const meeting = model.meeting;
  if (!meeting) return null;
  return meeting.case || meeting.round;
}

function shift(holder, ms) {
  if (holder && typeof holder.deadline === 'number') holder.deadline += ms;
}

const reducers = {
  // Whether a member has accepted the version in force, and the newest, is
  // the server's to say.
  'agreement.accepted': (m, e) => {
    const x = member(m, e.member);
    if (!x) return;
    x.agreement_version = e.version;
    x.accepted_at = e.at;
    x.agreement_accepted = e.agreement_accepted;
    x.accepted_latest = e.accepted_latest;
  },
  // A new version, or one come into force at a meeting's end.
  'agreement.updated': (m, e) => {
    m.group.agreement = e.agreement;
    m.group.members.forEach((x) => {
      x.agreement_accepted = e.accepted.includes(x.member_id);
      x.accepted_latest = e.accepted_latest.includes(x.member_id);
    });
  },
  'group.updated': (m, e) => { m.group.language = e.language; },
  // Cut off by the meeting's end: back at the head of the queue (rule 13).
  'case.continued': (m, e) => {
    m.queue = [e.case, ...m.queue.filter((x) => x.case_id !== e.case.case_id)];
    if (m.meeting) m.meeting.presented = m.meeting.presented.filter((x) => x.case_id !== e.case.case_id);
  },
  'schedule.updated': (m, e) => { m.group.schedule = e.schedule; m.group.next_meetings = e.next_meetings; },
  'member.added': (m, e) => { m.group.members.push(e.member); m.group.rotation.push(e.member.member_id); },
  'member.removed': (m, e) => {
    m.group.members = m.group.members.filter((x) => x.member_id !== e.member);
    m.group.rotation = m.group.rotation.filter((x) => x !== e.member);
  },
  'member.presence': (m, e) => { const x = member(m, e.member); if (x) x.present = e.present; },
  'meeting.opened': (m, e) => { m.meeting = e.meeting; m.lastMeetingId = e.meeting.meeting_id; m.notes = []; },
  'meeting.started': (m, e) => { m.meeting.status = 'running'; m.meeting.started_at = e.started_at; },
  'meeting.paused': (m, e) => { m.meeting.status = 'paused'; m.meeting.paused_at = e.paused_at; },
  'meeting.resumed': (m, e) => {
    m.meeting.status = 'running';
    m.meeting.paused_at = null;
    const r = run(m);
    if (r) { shift(r.turn, e.paused_ms); shift(r.phase, e.paused_ms); }
  },
  'meeting.ended': (m, e) => {
    m.summary = summarize(m, m.meeting.record, m.meeting.presented, e.speaking_ms, {
      kind: 'meeting', meetingId: m.meeting.meeting_id, openedAt: m.meeting.opened_at, endedAt: e.at,
    });
    m.pastMeetings.unshift({
      meeting_id: m.meeting.meeting_id, opened_at: m.meeting.opened_at, ended_at: e.at, facilitator: m.meeting.facilitator,
      started_at: e.started_at, attendance: e.attendance || [], countersigned: null,
    });
    // Who facilitates next is the server's to say (guests never do).
    if (e.next_facilitator) m.group.next_facilitator = e.next_facilitator;
    m.meeting = null;
  },
  'facilitator.changed': (m, e) => { if (m.meeting) m.meeting.facilitator = e.facilitator; },
  // The server says where the case stands (urgent ones go first).
  'case.proposed': (m, e) => { m.queue.splice(e.position, 0, e.case); },
  'case.withdrawn': (m, e) => { m.queue = m.queue.filter((c) => c.case_id !== e.case_id); },
  // Briefs: edited cases, a brief shared with the group, and the
  // presenter's own unshared draft.
  'case.edited': (m, e) => {
    const i = m.queue.findIndex((c) => c.case_id === e.case.case_id);
    if (i >= 0) m.queue[i] = { ...e.case, brief: e.case.brief || m.queue[i].brief };
  },
  'case.shared': (m, e) => {
    const c = m.queue.find((x) => x.case_id === e.case_id);
    if (c) Object.assign(c, { brief: e.brief, brief_shared: true });
  },
  'case.brief': (m, e) => {
    const c = m.queue.find((x) => x.case_id === e.case_id);
    if (c) c.brief = e.brief;
  },
  'queue.reordered': (m, e) => {
    const active = m.queue.filter((c) => c.status === 'active');
    const queued = e.order.map((id) => m.queue.find((c) => c.case_id === id)).filter(Boolean);
    m.queue = active.concat(queued);
  },
  'case.started': (m, e) => {
    const c = m.queue.find((x) => x.case_id === e.case_id);
    if (c) c.status = 'active';
    m.meeting.case = {
      case_id: e.case_id, presenter: e.presenter, template: e.template, phases: e.phases,
      phase_index: 0, phase: null, turn: null, order: [], cycle: 1, perspectives: {}, submitted: [], revealed: [],
    };
  },
  'phase.started': (m, e) => {
    const c = m.meeting.case;
    Object.assign(c, { phase_index: e.phase_index, phase: e.phase, order: e.order.slice(), turn: null, submitted: [], my_contribution: null });
    m.meeting.hands = [];
  },
  'phase.overtime': (m) => { if (m.meeting.case && m.meeting.case.phase) m.meeting.case.phase.overtime = true; },
  'phase.ended': (m) => { m.meeting.hands = []; },
  'turn.started': (m, e) => {
    const r = run(m);
    if (!r) return;
    r.turn = { member: e.member, deadline: e.deadline, overtime: false };
    const i = r.order.indexOf(e.member);
    if (i >= 0) r.order.splice(i, 1);
    m.meeting.hands = m.meeting.hands.filter((x) => x !== e.member);
  },
  'turn.overtime': (m) => { const r = run(m); if (r && r.turn) r.turn.overtime = true; },
  'turn.ended': (m, e) => {
    const r = run(m);
    if (r) {
      if (r.turn && r.turn.member === e.member) r.turn = null;
      r.order = r.order.filter((x) => x !== e.member);
    }
    m.meeting.speaking_ms[e.member] = (m.meeting.speaking_ms[e.member] || 0) + e.spoke_ms;
  },
  'timer.extended': (m, e) => {
    const r = run(m);
    if (!r) return;
    const target = e.target === 'turn' ? r.turn : r.phase;
    if (target) { target.deadline = e.deadline; target.overtime = false; }
  },
  'hand.raised': (m, e) => { if (!m.meeting.hands.includes(e.member)) m.meeting.hands.push(e.member); },
  'hand.lowered': (m, e) => { m.meeting.hands = m.meeting.hands.filter((x) => x !== e.member); },
  'note.saved': (m, e) => {
    const i = m.notes.findIndex((n) => n.note_id === e.note.note_id);
    if (i >= 0) m.notes[i] = e.note; else m.notes.push(e.note);
  },
  'note.deleted': (m, e) => { m.notes = m.notes.filter((n) => n.note_id !== e.note_id); },
  'record.added': (m, e) => { m.meeting.record.push(e.item); },
  'record.edited': (m, e) => {
    const i = m.meeting.record.findIndex((x) => x.item_id === e.item.item_id);
    if (i >= 0) m.meeting.record[i] = e.item;
  },
  'record.done': (m, e) => {
    const done = (x) => { if (x.item_id === e.item_id) Object.assign(x, { done: true, may_mark_done: [] }); };
    if (m.meeting) m.meeting.record.forEach(done);
    m.openActions = m.openActions.filter((x) => x.item_id !== e.item_id);
  },
  // Who may edit or mark an item done is the server's to say.
  'record.rights': (m, e) => {
    const items = (m.meeting ? m.meeting.record : []).concat(m.openActions);
    items.forEach((x) => { if (e.items[x.item_id]) Object.assign(x, e.items[x.item_id]); });
  },
  // The actions still open after a meeting, as the server carries them on.
  'actions.carried': (m, e) => { m.openActions = e.actions; },
  'contribution.received': (m, e) => { const c = m.meeting.case; if (c && !c.submitted.includes(e.member)) c.submitted.push(e.member); },
  'contributions.revealed': (m, e) => { const c = m.meeting.case; if (c) c.revealed.push({ phase_index: e.phase_index, to: e.to, contributions: e.contributions }); },
  'perspective.assigned': (m, e) => {
    const c = m.meeting.case;
    if (!c) return;
    if (e.perspective) c.perspectives[e.member] = e.perspective; else delete c.perspectives[e.member];
  },
  'round.started': (m, e) => { m.meeting.round = { label: e.label, turn_s: e.turn_s, turn: null, order: e.order.slice() }; },
  'round.ended': (m) => { m.meeting.round = null; },
  'case.ended': (m, e) => {
    const c = m.queue.find((x) => x.case_id === e.case_id);
    if (c) m.meeting.presented.push({ ...c, status: 'done' });
    if (c && e.reason !== 'meeting_ended') {
      const items = m.meeting.record.filter((i) => i.case_id === c.case_id);
      m.summary = summarize(m, items, [c], null, { kind: 'case', meetingId: m.meeting.meeting_id, presenter: c.presenter });
    }
    m.queue = m.queue.filter((x) => x.case_id !== e.case_id);
    m.meeting.case = null;
    m.meeting.hands = [];
  },
  'settings.updated': (m, e) => { m.group.settings = e.settings; },
  'order.updated': (m, e) => { const r = run(m); if (r) r.order = e.order.slice(); },
  // The member's record of supervision.
  'attendance.confirmed': (m, e) => {
    const meeting = m.pastMeetings.find((x) => x.meeting_id === e.meeting_id);
    const entry = meeting && (meeting.attendance || []).find((a) => a.member === e.member);
    if (entry) entry.confirmed_at = e.at;
  },
  'attendance.countersigned': (m, e) => {
    const meeting = m.pastMeetings.find((x) => x.meeting_id === e.meeting_id);
    if (meeting) meeting.countersigned = { by: e.by, at: e.at };
  },
  // Past the group's retention: what those meetings said is gone, their
  // attendance stays (a resume across it gets a fresh welcome anyway).
  'content.expired': (m, e) => {
    m.pastMeetings.filter((x) => e.meetings.includes(x.meeting_id)).forEach((x) => { delete x.reflection; });
  },
  'reflection.saved': (m, e) => {
    const meeting = m.pastMeetings.find((x) => x.meeting_id === e.reflection.meeting_id);
    if (meeting) meeting.reflection = e.reflection;
  },
  'member.settings_updated': (m, e) => { m.mySettings = e.settings; },
};

export function apply(model, event) {
  const reducer = reducers[event.type];
  if (reducer) reducer(model, event);
  model.seq = event.seq;
}
