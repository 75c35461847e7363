// Rondo's web client: the page beside the video call.
// Every text a member typed is shown with textContent, never as HTML.

import { Connection } from './connection.js';
import { apply, fromWelcome, nameOf } from './model.js';
import { linkField, startConsole } from './console.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'rondo.token';
const CONVENER_KEY = 'rondo.convener';
const BUILTIN_TEMPLATES = ['sgs', 'incident', 'balint', 'open', 'peers'];
const TEMPLATE_NAMES = { sgs: 'Structured Group Supervision', incident: 'Incident method', balint: 'Balint', open: 'Open discussion', peers: 'PEERS (individual)' };
const DEFAULT_AGREEMENT = [
  'Confidentiality: what is said about clients and colleagues stays in the group. Cases are presented without names or details that identify anyone.',
  'Respect: one person speaks at a time; we listen, we do not interrupt, and the presenter is silent while feedback is given.',
  'Recording: only the agreed record (areas, actions, decisions, disagreements) is kept; notes are private to whoever writes them.',
  'Review: we review this agreement together once a year.',
].join('\n');

let model = null;
let connection = null;
let currentNoteId = null;
let noteTimer = null;
let lastAnnouncement = '';
let lastStatus = '';
// The note editor: `edited` (changes not yet sent), `sending` (one save in
// flight; a new note's id comes with its note.saved), `saved` (acknowledged).
const noteEditor = { state: 'saved', pending: null };
// Commands whose answers are the page's own business (autosaves): their
// acks must not clear an error the member has not read yet.
const quiet = new Set();
let pendingRecord = null;
// The record item being edited, if any.
let editingItem = null;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function button(label, onClick, className) {
  const b = el('button', label, className);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function announce(text) {
  if (!text || text === lastAnnouncement) return;
  lastAnnouncement = text;
  $('announcer').textContent = text;
}

function show(id, visible) { $(id).hidden = !visible; }

function fillSelect(select, options, keep = true) {
  const previous = select.value;
  select.replaceChildren(...options.map(([value, label]) => { const o = el('option', label); o.value = value; return o; }));
  if (keep && options.some(([v]) => v === previous)) select.value = previous;
}

// ----- start page: create a group -----

function startPage() {
  show('start-view', true);
  $('create-agreement').value = DEFAULT_AGREEMENT;
  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    // One group per submit, however often the button is pressed.
    const submit = $('create-form').querySelector('button[type=submit]');
    if (submit.disabled) return;
    submit.disabled = true;
    $('create-error').textContent = '';
    const members = $('create-members').value.split('\n').map((s) => s.trim()).filter(Boolean).map((name) => ({ name }));
    const body = { name: $('create-name').value.trim(), members, agreement: $('create-agreement').value };
    const response = await fetch('/api/groups', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const result = await response.json();
    if (!response.ok) {
      $('create-error').textContent = result.message || 'The group could not be created.';
      submit.disabled = false;
      return;
    }
    $('convener-link').replaceChildren(linkField('Convener link', result.convener_link));
    $('open-console').href = result.convener_link;
    $('open-console').addEventListener('click', () => { setTimeout(() => location.reload(), 0); });
    $('links').replaceChildren(...result.members.map((m) => {
      const item = el('li');
      const link = el('input');
      link.readOnly = true;
      link.value = m.link;
      link.setAttribute('aria-label', `Link for ${m.name}`);
      const copy = button(`Copy link for ${m.name}`, async () => {
        try { await navigator.clipboard.writeText(m.link); copy.textContent = 'Copied'; } catch { link.select(); }
      });
      item.append(el('strong', m.name), link, copy);
      return item;
    }));
    show('create-result', true);
  });
}

// ----- rendering -----

function isFacilitator() { return model.meeting && model.meeting.facilitator === model.me.member_id; }
function current() { return model.meeting && (model.meeting.case || model.meeting.round); }

function render() {
  if (!model) return;
  const me = model.group.members.find((m) => m.member_id === model.me.member_id);
  $('group-name').textContent = `— ${model.group.name}`;
  const agreement = model.group.agreement;
  // Required: nothing else until accepted. Newer but not yet in force (it
  // was published during this meeting): asked beside the meeting.
  const required = model.agreementRequired;
  const newer = me && (me.agreement_version || 0) < agreement.version;
  show('agreement-view', required || newer);
  show('meeting-view', !required);
  $('agreement-ask').hidden = required || !newer;
  $('agreement-ask').textContent = newer && !required
    ? `A new version of the agreement was published. It applies from the end of this meeting; please read and accept it.` : '';
  $('agreement-version').textContent = `Version ${agreement.version}` + (agreement.review_on ? `, to be reviewed on ${agreement.review_on}` : '');
  $('agreement-text').replaceChildren(...agreement.text.split('\n').map((line) => el('p', line)));
  renderNext();
  renderPast();
  renderSummary();
  renderNoteEditor();
  renderTitle();
  keepFocus();
  renderCase();
  renderControls();
  renderRoster();
  renderQueue();
  renderNotes();
  renderRecord();
  tick();
}

/// The tab's title tells a member in another tab whose turn it is.
function renderTitle() {
  const r = current();
  const me = model.me.member_id;
  const mine = r && r.turn && r.turn.member === me;
  const next = r && !mine && r.order && r.order[0] === me;
  document.title = mine ? '● Your turn — Rondo' : next ? 'Next: you — Rondo' : `Rondo — ${model.group.name}`;
}

const sameYear = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
const otherYear = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
/// A meeting's start in the member's own time zone; the year only when it is not this one.
const meetingTime = { format: (date) => (date.getFullYear() === new Date().getFullYear() ? sameYear : otherYear).format(date) };

/// The next meeting in the member's own time, and whether the review is due.
function renderNext() {
  const upcoming = (model.group.next_meetings || []).filter((m) => m.status !== 'cancelled');
  const cancelled = (model.group.next_meetings || []).filter((m) => m.status === 'cancelled');
  const next = upcoming[0];
  $('next-meeting').textContent = next
    ? `${meetingTime.format(new Date(next.start))}${next.status === 'moved' ? ' (moved)' : ''}.`
      + (cancelled.length ? ` Cancelled: ${cancelled.map((m) => meetingTime.format(new Date(m.start))).join(', ')}.` : '')
    : 'No meeting is scheduled yet.';
  $('review-due').hidden = !model.group.agreement.review_due;
  $('calendar-series').hidden = !model.group.schedule;
}

function renderCase() {
  const meeting = model.meeting;
  const c = meeting && meeting.case;
  const r = current();
  const statusText = !meeting ? 'No meeting is open.'
    : meeting.status === 'lobby' ? `Meeting open, not started. Facilitator: ${nameOf(model, meeting.facilitator)}.`
    : meeting.status === 'paused' ? 'Paused: the clock is stopped.'
    : c ? `${TEMPLATE_NAMES[c.template] || c.template} — presented by ${nameOf(model, c.presenter)}. Facilitator: ${nameOf(model, meeting.facilitator)}.`
    : meeting.round ? `${meeting.round.label || 'Round'}. Facilitator: ${nameOf(model, meeting.facilitator)}.`
    : `Meeting running. Facilitator: ${nameOf(model, meeting.facilitator)}.`;
  $('meeting-status').textContent = statusText;
  $('stepper').replaceChildren(...(c ? c.phases.map((p, i) => {
    const item = el('li', p.name, i === c.phase_index ? 'current' : i < c.phase_index ? 'past' : '');
    if (i === c.phase_index) item.setAttribute('aria-current', 'step');
    return item;
  }) : []));
  const turn = r && r.turn;
  const mine = turn && turn.member === model.me.member_id;
  const phase = c && c.phase;
  $('speaker').textContent = turn ? (mine ? 'It is your turn.' : `${nameOf(model, turn.member)} is speaking.`)
    : phase && phase.kind === 'silence' ? 'Silence: time to reflect.'
    : phase && phase.kind === 'written' ? 'Everyone writes; the texts are shown together when the phase ends.'
    : phase && phase.kind === 'open' ? 'Open discussion: raise your hand to speak.' : '';
  const silent = c && c.presenter === model.me.member_id && phase && phase.presenter_silent;
  show('silent-notice', Boolean(silent));
  $('phase-note').textContent = phase ? phaseNote(phase) : '';
  $('instruction').textContent = instruction(meeting, c, r);
  $('now-phase').textContent = !meeting ? 'No meeting open'
    : meeting.status === 'paused' ? 'Paused'
    : c ? `${c.phase.name[0].toUpperCase()}${c.phase.name.slice(1)} — ${nameOf(model, c.presenter)}'s case`
    : meeting.round ? (meeting.round.label || 'Round')
    : meeting.status === 'lobby' ? 'Not started yet' : 'Between cases';
  const order = r ? r.order : [];
  show('order-box', order.length > 0);
  show('hands-box', Boolean(phase && phase.kind === 'open'));
  $('order').replaceChildren(...order.map((id) => {
    const perspective = c && c.perspectives[id];
    return el('li', nameOf(model, id) + (perspective ? ` (${perspective})` : ''));
  }));
  show('next-notice', order[0] === model.me.member_id && !mine);
  $('hands').replaceChildren(...(meeting ? meeting.hands.map((id) => el('li', nameOf(model, id))) : []));
  const writing = phase && phase.kind === 'written' && c.presenter !== model.me.member_id;
  show('written-box', Boolean(writing));
  if (writing) $('submitted').textContent = c.submitted.length ? `Handed in: ${c.submitted.map((id) => nameOf(model, id)).join(', ')}` : 'Nobody has handed in yet.';
  $('revealed').replaceChildren(...(c ? c.revealed.map((rev) => {
    const box = el('div', null, 'revealed');
    box.append(el('h3', `Written contributions: ${c.phases[rev.phase_index].name}`));
    const list = el('ul');
    rev.contributions.forEach((x) => { const li = el('li'); li.append(el('strong', `${nameOf(model, x.member)}: `), el('span', x.text)); list.append(li); });
    box.append(list);
    return box;
  }) : []));
}

/// What to do now, in one line, for this member's role in this phase.
function instruction(meeting, c, r) {
  if (!meeting) return 'No meeting is open.';
  if (meeting.status === 'lobby') return isFacilitator() ? 'Start the meeting when everyone is here.' : 'Waiting for the facilitator to start the meeting.';
  if (meeting.status === 'paused') return 'Paused: the clock is stopped until the facilitator resumes.';
  const me = model.me.member_id;
  if (meeting.round && !c) return `${meeting.round.label || 'A round'}: in turn, say briefly how you arrive; nobody replies.`;
  if (!c) return isFacilitator() ? 'Start the next case, or run a check-in or check-out round.' : 'Waiting for the facilitator to start the next case.';
  const presenter = nameOf(model, c.presenter);
  const presenting = c.presenter === me;
  const phase = c.phase;
  switch (phase.kind) {
    case 'presenter':
      return presenting ? 'Present your case and the question you want help with; the others listen.' : `Listen to ${presenter}; questions come next.`;
    case 'round':
      if (phase.presenter_silent) {
        return presenting ? 'Listen without replying; you answer in the response phase.' : `In your turn, give your ${phase.name}; ${presenter} listens without replying.`;
      }
      return presenting ? 'Answer each question briefly; do not start solving yet.' : `In your turn, ask one clarifying question; ${presenter} answers briefly.`;
    case 'open':
      if (phase.presenter_silent && presenting) return 'Listen: the group reflects without you for now.';
      return 'Raise your hand to speak; the facilitator gives the floor.';
    case 'silence':
      return 'Silence: reflect on what you heard before anyone speaks.';
    case 'written':
      return presenting ? 'The others write; their texts appear together when the phase ends.' : 'Write your contribution; nobody sees it until the phase ends.';
    default:
      return '';
  }
}

function phaseNote(phase) {
  const kinds = { presenter: 'The presenter has the floor.', round: 'A round: each member in turn.', open: 'Open: raise your hand to speak.', silence: 'Silence.', written: 'Written contributions.' };
  return kinds[phase.kind] + (phase.presenter_silent ? ' The presenter listens in silence.' : '');
}

function minutes(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function renderControls() {
  const meeting = model.meeting;
  const running = meeting && meeting.status === 'running';
  const r = current();
  const c = meeting && meeting.case;
  const phase = c && c.phase;
  const me = model.me.member_id;
  const inHands = meeting && meeting.hands.includes(me);
  const openPhase = running && phase && phase.kind === 'open';
  show('raise-hand', openPhase && !inHands);
  show('lower-hand', Boolean(meeting && inHands));
  const holding = running && r && r.turn && r.turn.member === me;
  // Only what this member can do now: Done while they hold the floor, Pass
  // for their turn in a round.
  show('done', Boolean(holding));
  show('pass', Boolean(holding && r.order !== undefined && (c ? c.phase.kind === 'round' : true)));
  const f = isFacilitator();
  renderGuide();
  show('facilitator-controls', f && running);
  if (!f || !running) return;
  const queued = model.queue.filter((x) => x.status === 'queued');
  // The first case of the queue, unless the facilitator chose another.
  fillSelect($('case-select'), queued.map((x) => [x.case_id, `${x.title} (${nameOf(model, x.presenter)})`]), Boolean($('case-select').dataset.chosen));
  const templates = BUILTIN_TEMPLATES.concat(model.group.settings.templates.map((t) => t.name));
  fillSelect($('template-select'), templates.map((t) => [t, TEMPLATE_NAMES[t] || t]));
  if (!$('template-select').dataset.chosen) $('template-select').value = model.group.settings.default_template;
  // What cannot be used now is not shown.
  $('start-case').closest('.row').hidden = Boolean(r) || queued.length === 0;
  $('extend').closest('.row').hidden = !r;
  $('run-round').closest('.row').hidden = Boolean(r);
  const others = model.group.members.map((m) => [m.member_id, m.name]);
  const hands = meeting.hands.map((id) => [id, `${nameOf(model, id)} (hand raised)`]);
  fillSelect($('floor-select'), hands.concat(others.filter(([id]) => !meeting.hands.includes(id))), false);
  $('give-floor').closest('.row').hidden = !openPhase;
  fillSelect($('perspective-member'), others);
  $('assign-perspective').closest('.row').hidden = !c;
  fillSelect($('handover-select'), others.filter(([id]) => id !== me));
}

/// One action a facilitator takes next, named for what it does.
function mainAction() {
  const meeting = model.meeting;
  const next = model.group.next_facilitator;
  if (!meeting) {
    const who = next === model.me.member_id ? 'you' : nameOf(model, next);
    return { label: 'Open meeting', hint: `${who[0].toUpperCase()}${who.slice(1)} will facilitate: next in rotation.`, run: () => connection.send('meeting.open') };
  }
  if (!isFacilitator()) return null;
  if (meeting.status === 'lobby') return { label: 'Start meeting', hint: 'When everyone is here.', run: () => connection.send('meeting.start') };
  if (meeting.status === 'paused') return { label: 'Resume', hint: 'The clock starts again where it stopped.', run: () => connection.send('meeting.resume') };
  const c = meeting.case;
  if (c) {
    const following = c.phases[c.phase_index + 1];
    const waiting = c.order.length > 0 && c.phase.kind === 'round';
    return {
      label: following ? `Next: ${following.name}` : 'Finish the case',
      hint: waiting ? `Ends this ${c.phase.name} round for ${c.order.length} still to speak.` : '',
      run: () => { if (!waiting || confirm(`End the ${c.phase.name} round before everyone has spoken?`)) connection.send('phase.next'); },
    };
  }
  if (meeting.round) {
    const label = meeting.round.label || 'round';
    return { label: `End ${label}`, hint: '', run: () => connection.send('phase.next') };
  }
  const first = model.queue.find((x) => x.status === 'queued');
  if (first) {
    const template = $('template-select').dataset.chosen ? $('template-select').value : model.group.settings.default_template;
    return {
      label: `Start ${nameOf(model, first.presenter)}'s case`,
      hint: `${first.title} — ${TEMPLATE_NAMES[template] || template}.`,
      run: () => connection.send('case.start', { case_id: first.case_id, template }),
    };
  }
  return { label: 'End meeting', hint: 'No case is waiting.', run: endMeeting };
}

function endMeeting() {
  if (confirm('End the meeting for everyone? A case still running goes back to the queue.')) connection.send('meeting.end');
}

/// Where the meeting is: check-in, cases, check-out, close.
function meetingStage(meeting) {
  if (!meeting || meeting.status === 'lobby') return -1;
  const label = meeting.round && (meeting.round.label || '').toLowerCase();
  if (label && label.includes('out')) return 2;
  if (meeting.case || (meeting.presented && meeting.presented.length)) return 1;
  return 0;
}

/// The facilitator's guide: the meeting's steps, the main action, and the
/// few other controls that apply now (the rest one step away, in "More").
function renderGuide() {
  const meeting = model.meeting;
  const f = isFacilitator();
  const main = mainAction();
  show('guide', Boolean(main));
  if (!main) return;
  const stage = meetingStage(meeting);
  $('meeting-steps').replaceChildren(...['Check-in', 'Cases', 'Check-out', 'Close'].map((name, i) => {
    const item = el('li', name, i === stage ? 'current' : '');
    if (i === stage) item.setAttribute('aria-current', 'step');
    return item;
  }));
  show('meeting-steps', Boolean(meeting && meeting.status !== 'lobby'));
  $('main-action').textContent = main.label;
  $('main-hint').textContent = main.hint;
  const quick = [];
  const add = (label, run, className = 'small secondary') => quick.push(button(label, run, className));
  if (f && meeting && meeting.status === 'running') {
    const r = current();
    const c = meeting.case;
    add('Pause', () => connection.send('meeting.pause'));
    const timed = r && ((r.turn && r.turn.deadline) || (c && c.phase.deadline));
    if (timed) add('Add 1 min', () => connection.send(r.turn && r.turn.deadline ? 'turn.extend' : 'phase.extend', { seconds: 60 }));
    if (r && r.turn && r.turn.member !== model.me.member_id) add(`Skip ${nameOf(model, r.turn.member)}`, () => connection.send('turn.skip'));
    if (c && c.phase.kind === 'open' && meeting.hands.length) {
      add(`Give the floor to ${nameOf(model, meeting.hands[0])}`, () => connection.send('floor.give', { member: meeting.hands[0] }));
    }
    if (c) add('End case', () => { if (confirm(`End ${nameOf(model, c.presenter)}'s case now? It counts as presented.`)) connection.send('case.end'); });
    if (!r) {
      add('Check-in round', () => connection.send('round.start', { turn_s: 120, label: 'check-in' }));
      add('Check-out round', () => connection.send('round.start', { turn_s: 120, label: 'check-out' }));
      if (main.label !== 'End meeting') add('End meeting', endMeeting, 'small danger');
    } else {
      add('End meeting', endMeeting, 'small danger');
    }
  }
  $('quick-controls').replaceChildren(...quick);
}

function renderRoster() {
  const meeting = model.meeting;
  $('roster').replaceChildren(...model.group.members.map((m) => {
    const item = el('li', null, m.present ? 'present' : 'away');
    item.append(el('span', m.name, 'name'));
    const tags = [];
    tags.push(m.present ? 'here' : 'away');
    if (meeting && meeting.facilitator === m.member_id) tags.push('facilitator');
    if (meeting && meeting.case && meeting.case.presenter === m.member_id) tags.push('presenter');
    const perspective = meeting && meeting.case && meeting.case.perspectives[m.member_id];
    if (perspective) tags.push(perspective);
    tags.push(m.agreement_accepted ? 'accepted the agreement' : 'has not accepted the agreement yet');
    if (meeting && meeting.speaking_ms[m.member_id]) tags.push(`spoke ${minutes(meeting.speaking_ms[m.member_id])}`);
    item.append(el('span', ` — ${tags.join(', ')}`, 'muted'));
    return item;
  }));
}

function renderQueue() {
  $('queue').replaceChildren(...model.queue.map((x) => {
    const item = el('li');
    item.append(el('strong', x.title), el('span', ` — ${nameOf(model, x.presenter)}, ${x.minutes} min${x.urgent ? ', urgent' : ''}${x.status === 'active' ? ', now' : ''}`, 'muted'));
    if (x.question) item.append(el('p', x.question, 'question'));
    if (x.presenter === model.me.member_id && x.status === 'queued') {
      item.append(button('Withdraw', () => connection.send('case.withdraw', { case_id: x.case_id })));
    }
    if (isFacilitator() && x.status === 'queued') {
      const arrow = (symbol, words, by) => {
        const b = button(symbol, () => moveCase(x.case_id, by), 'small secondary');
        b.append(el('span', ` ${words}`, 'visually-hidden'));
        return b;
      };
      item.append(arrow('↑', `move ${x.title} up`, -1), arrow('↓', `move ${x.title} down`, 1));
      // Dragging a case onto another puts it in that one's place.
      item.draggable = true;
      item.addEventListener('dragstart', (e) => { e.dataTransfer.setData('text/plain', x.case_id); });
      item.addEventListener('dragover', (e) => { e.preventDefault(); item.classList.add('drop-target'); });
      item.addEventListener('dragleave', () => item.classList.remove('drop-target'));
      item.addEventListener('drop', (e) => {
        e.preventDefault();
        item.classList.remove('drop-target');
        dropCase(e.dataTransfer.getData('text/plain'), x.case_id);
      });
    }
    return item;
  }));
}

function dropCase(moved, onto) {
  const order = model.queue.filter((x) => x.status === 'queued').map((x) => x.case_id);
  const from = order.indexOf(moved);
  const to = order.indexOf(onto);
  if (from < 0 || to < 0 || from === to) return;
  order.splice(to, 0, order.splice(from, 1)[0]);
  connection.send('case.reorder', { order });
}

function moveCase(caseId, by) {
  const order = model.queue.filter((x) => x.status === 'queued').map((x) => x.case_id);
  const i = order.indexOf(caseId);
  const j = i + by;
  if (i < 0 || j < 0 || j >= order.length) return;
  [order[i], order[j]] = [order[j], order[i]];
  connection.send('case.reorder', { order });
}

function renderNotes() {
  $('notes').replaceChildren(...model.notes.map((n) => {
    const item = el('li');
    const mine = n.author === model.me.member_id;
    const label = n.visibility === 'private' ? 'Private'
      : !mine ? `From ${nameOf(model, n.author)}`
      : n.draft ? `Draft to ${nameOf(model, n.presenter)}` : `To ${nameOf(model, n.presenter)}${n.sent ? ' (sent)' : ''}`;
    item.append(el('strong', `${label}: `), el('span', n.text));
    if (mine) {
      if (!n.sent) {
        item.append(button('Edit', () => {
          currentNoteId = n.note_id;
          Object.assign(noteEditor, { state: 'saved', pending: null, text: n.text });
          $('note-text').value = n.text;
          $('note-visibility').value = n.visibility;
          renderNoteEditor();
          $('note-text').focus();
        }, 'small'));
      }
      item.append(button('Delete', () => connection.send('note.delete', { note_id: n.note_id }), 'small'));
    }
    return item;
  }));
}

function recordItem(x, inMeeting) {
  const item = el('li', null, x.done ? 'done' : '');
  const details = [x.kind];
  if (x.owner) details.push(`owner ${nameOf(model, x.owner)}`);
  if (x.due) details.push(`due ${x.due}`);
  if (x.tags && x.tags.length) details.push(x.tags.join(', '));
  if (x.done) details.push('done');
  item.append(el('span', x.text), el('span', ` (${details.join('; ')})`, 'muted'));
  const me = model.me.member_id;
  const mayMark = x.author === me || x.owner === me || isFacilitator();
  if (inMeeting && (x.author === me || isFacilitator())) item.append(button('Edit', () => editItem(x), 'small secondary'));
  if (x.kind === 'action' && !x.done && mayMark) item.append(button('Mark done', () => connection.send('record.done', { item_id: x.item_id }), 'small'));
  if (!inMeeting) item.dataset.earlier = 'true';
  return item;
}

function editItem(x) {
  editingItem = x.item_id;
  $('record-kind').value = x.kind;
  $('record-kind').disabled = true;
  $('record-text').value = x.text;
  $('action-fields').hidden = x.kind !== 'action';
  if (x.owner) $('record-owner').value = x.owner;
  $('record-due').value = x.due || '';
  for (const option of $('record-tags').options) option.selected = (x.tags || []).includes(option.value);
  $('record-submit').textContent = 'Save changes';
  $('record-cancel').hidden = false;
  $('record-text').focus();
}

/// The record form back to adding, empty (tags too).
function stopEditing() {
  editingItem = null;
  $('record-form').reset();
  $('record-kind').disabled = false;
  $('action-fields').hidden = true;
  $('record-submit').textContent = 'Add to record';
  $('record-cancel').hidden = true;
}

const durationOf = (ms) => { const m = Math.round(ms / 60000); return m < 1 ? 'under a minute' : `${m} min`; };

/// The summary at the end of a case or a meeting, with its downloads.
function renderSummary() {
  const s = model.summary;
  show('summary', Boolean(s));
  if (!s) return;
  const title = s.kind === 'case' ? `${nameOf(model, s.presenter)}'s case: summary` : 'The meeting: summary';
  $('summary-title').textContent = title;
  const body = [];
  const list = (heading, entries) => {
    if (!entries.length) return;
    body.push(el('h3', heading));
    const ul = el('ul');
    entries.forEach((text) => ul.append(el('li', text)));
    body.push(ul);
  };
  list('Cases', s.cases.map((c) => `${c.title} — ${nameOf(model, c.presenter)}`));
  list('Actions', s.actions.map((a) => `${a.text} — ${a.owner ? nameOf(model, a.owner) : 'no owner'}${a.due ? `, by ${a.due}` : ''}`));
  list('Decisions', s.decisions.map((d) => d.text));
  list('Disagreements', s.disagreements.map((d) => d.text));
  list('Areas and discussion', s.areas.map((d) => d.text));
  list('Time each member spoke', s.speaking.map(([id, ms]) => `${nameOf(model, id)}: ${durationOf(ms)}`));
  if (body.length === 0) body.push(el('p', 'Nothing was recorded.', 'muted'));
  $('summary-body').replaceChildren(...body);
  $('summary-downloads').replaceChildren(
    button('Download the record', () => downloadRecord(s.meetingId, 'md'), 'small'),
    button('Download my notes', () => downloadNotes(s.meetingId), 'small secondary'),
  );
}

function renderRecord() {
  const meeting = model.meeting;
  $('record').replaceChildren(...(meeting ? meeting.record.map((x) => recordItem(x, true)) : []));
  $('open-actions').replaceChildren(...model.openActions.map((x) => recordItem(x, false)));
  fillSelect($('record-owner'), model.group.members.map((m) => [m.member_id, m.name]));
  $('action-fields').hidden = $('record-kind').value !== 'action';
  // This meeting's downloads while it is open; ended ones are under Past meetings.
  $('export-record').hidden = !model.meeting;
  $('export-notes').hidden = !model.meeting;
}

// ----- the clock -----

function tick() {
  if (!model || !connection) return;
  const r = current();
  const c = model.meeting && model.meeting.case;
  const holder = r && r.turn && r.turn.deadline ? r.turn : c && c.phase && c.phase.deadline ? c.phase : null;
  const countdown = $('countdown');
  const paused = model.meeting && model.meeting.status === 'paused';
  // Paused is said where the time is: the clock stands still.
  countdown.classList.toggle('paused', Boolean(paused));
  if (paused) {
    countdown.textContent = 'PAUSED';
    countdown.setAttribute('aria-label', 'Paused');
  }
  $('countdown').closest('.clock').hidden = !holder && !paused;
  if (!holder && !paused) {
    countdown.textContent = '--:--';
    countdown.classList.remove('overtime');
    $('progress-fill').style.width = '0%';
    return;
  }
  if (!holder) return;
  const now = paused ? model.meeting.paused_at : connection.serverNow();
  const remainingMs = holder.deadline - now;
  const over = remainingMs < 0;
  const seconds = Math.ceil(Math.abs(remainingMs) / 1000);
  if (!paused) {
    countdown.textContent = `${over ? '+' : ''}${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    countdown.setAttribute('aria-label', over ? `Overtime ${seconds} seconds` : `${seconds} seconds left`);
  }
  countdown.classList.toggle('overtime', over || holder.overtime);
  const phaseDef = c ? c.phases[c.phase_index] : null;
  const totalS = r.turn && r.turn.deadline ? (phaseDef && phaseDef.kind !== 'presenter' ? phaseDef.turn_s : phaseDef && phaseDef.duration_s) || (r.turn_s) : phaseDef && phaseDef.duration_s;
  const fraction = totalS ? Math.max(0, Math.min(1, remainingMs / (totalS * 1000))) : 0;
  $('progress-fill').style.width = `${Math.round(fraction * 100)}%`;
}

// ----- events and announcements -----

/// A short tone and a vibration, when the member asked for them (off by
/// default): for a turn that comes while they look at the video call.
function alertTurn() {
  if (!$('alert-on').checked) return;
  if (navigator.vibrate) navigator.vibrate([120, 60, 120]);
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 660;
    volume.gain.value = 0.08;
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch { /* no audio here: the title and the announcement still tell */ }
}

/// After an action the control may be gone (it was replaced by the next
/// step's): focus goes to the next sensible place, never to the page's start.
let interacted = false;
for (const kind of ['pointerdown', 'keydown']) document.addEventListener(kind, () => { interacted = true; }, { capture: true });

function keepFocus() {
  if (!interacted) return; // the page never takes focus on its own
  const active = document.activeElement;
  if (active && active !== document.body && active.offsetParent) return;
  const candidates = ['main-action', 'done', 'raise-hand', 'accept-agreement', 'propose-title'];
  const target = candidates.map((id) => $(id)).find((e) => e && e.offsetParent);
  (target || $('main')).focus();
}

function onEvent(event) {
  const previousFacilitator = model.meeting && model.meeting.facilitator;
  apply(model, event);
  const meeting = model.meeting;
  const me = model.me.member_id;
  if (event.type === 'turn.started') {
    // The phase was said when it started: a turn says only who speaks.
    announce(event.member === me ? "It's your turn." : `${nameOf(model, event.member)} is speaking.`);
    if (event.member === me) alertTurn();
    const r = current();
    if (r && r.order[0] === me && event.member !== me) setTimeout(() => announce("You're next."), 1500);
  } else if (event.type === 'phase.started') {
    const silent = meeting.case.presenter === me && event.phase.presenter_silent;
    announce(`${event.phase.name}.${silent ? ' You are the presenter: please listen without replying.' : ''}`);
  } else if (event.type === 'meeting.started') announce('The meeting has started.');
  else if (event.type === 'meeting.ended') announce('The meeting has ended.');
  else if (event.type === 'hand.raised' && isFacilitator() && event.member !== me) announce(`${nameOf(model, event.member)} raised a hand.`);
  else if (event.type === 'turn.ended' && event.reason === 'skipped' && event.member === me) announce('The facilitator moved on from your turn.');
  else if (event.type === 'timer.extended') announce(`${event.seconds >= 60 ? `${Math.round(event.seconds / 60)} more minute${event.seconds >= 120 ? 's' : ''}` : `${event.seconds} more seconds`}.`);
  else if (event.type === 'turn.overtime' && event.member === me) announce('Your time is up; please finish.');
  else if (event.type === 'phase.overtime') announce('The phase is over time.');
  else if (event.type === 'note.saved' && event.note.author !== me && event.note.sent) announce(`A note from ${nameOf(model, event.note.author)}.`);
  else if (event.type === 'meeting.paused') announce('The meeting is paused.');
  else if (event.type === 'meeting.resumed') announce('The meeting resumed.');
  else if (event.type === 'case.ended') announce('The case has ended.');
  else if (event.type === 'facilitator.changed') {
    const why = event.reason === 'absent' ? ` because ${nameOf(model, previousFacilitator)} was away` : '';
    if (event.facilitator === me) announce(`You are now the facilitator${event.reason === 'absent' ? ': the facilitator was away' : ''}.`);
    else if (event.reason !== 'opened') announce(`${nameOf(model, event.facilitator)} facilitates now${why}.`);
  }
  if (event.type === 'meeting.opened' && noteEditor.state === 'edited') saveNote();
  if (event.type === 'meeting.opened') model.summary = null;
  render();
  // The summary takes focus only from a control that went away (the
  // facilitator's button), never from someone typing.
  const lost = document.activeElement === document.body || !document.activeElement.offsetParent;
  if ((event.type === 'meeting.ended' || event.type === 'case.ended') && model.summary && lost) $('summary').focus();
}

function onReply(reply) {
  const own = !quiet.delete(reply.re);
  if (reply.type === 'error') $('error').textContent = reply.message;
  else if (own) $('error').textContent = '';
  if (reply.re && reply.re === pendingRecord) {
    pendingRecord = null;
    // The form is emptied (tags too) once the item is in; on an error its text stays.
    if (reply.type === 'ack') stopEditing();
  }
}

function onStatus(status) {
  // Said only when it changes: being connected is not news after every click.
  const text = status.online ? 'Connected'
    : `Offline — reconnecting${status.waiting ? `; ${status.waiting} action(s) will be sent when back` : ''}`;
  if (text === lastStatus) return;
  lastStatus = text;
  $('connection').textContent = text;
  $('connection').classList.toggle('offline', !status.online);
}

// ----- wiring the static controls -----

function wire() {
  const send = (type, fields) => () => connection.send(type, fields);
  $('accept-agreement').addEventListener('click', () => connection.send('agreement.accept', { version: model.group.agreement.version }));
  $('raise-hand').addEventListener('click', send('hand.raise'));
  $('lower-hand').addEventListener('click', send('hand.lower'));
  $('done').addEventListener('click', send('turn.done'));
  $('pass').addEventListener('click', send('turn.pass'));
  $('main-action').addEventListener('click', () => {
    const main = mainAction();
    if (main) main.run();
  });
  $('template-select').addEventListener('change', () => { $('template-select').dataset.chosen = 'yes'; });
  $('case-select').addEventListener('change', () => { $('case-select').dataset.chosen = 'yes'; });
  $('start-case').addEventListener('click', () => {
    connection.send('case.start', { case_id: $('case-select').value, template: $('template-select').value });
    delete $('case-select').dataset.chosen;
  });
  $('extend').addEventListener('click', () => {
    const r = current();
    const type = r && r.turn && r.turn.deadline ? 'turn.extend' : 'phase.extend';
    connection.send(type, { seconds: Number($('extend-seconds').value) });
  });
  $('give-floor').addEventListener('click', () => connection.send('floor.give', { member: $('floor-select').value }));
  $('run-round').addEventListener('click', () => connection.send('round.start', { turn_s: Number($('round-turn').value), label: $('round-label').value }));
  $('assign-perspective').addEventListener('click', () => {
    const text = $('perspective-text').value.trim();
    connection.send('perspective.assign', { member: $('perspective-member').value, perspective: text || null });
  });
  $('hand-over').addEventListener('click', () => connection.send('facilitator.handover', { member: $('handover-select').value }));
  $('submit-contribution').addEventListener('click', () => {
    const text = $('contribution').value.trim();
    if (text) connection.send('contribution.submit', { text });
  });
  $('propose-form').addEventListener('submit', (event) => {
    event.preventDefault();
    connection.send('case.propose', {
      title: $('propose-title').value.trim(), question: $('propose-question').value.trim(),
      minutes: Number($('propose-minutes').value) || 30, urgent: $('propose-urgent').checked,
    });
    $('propose-form').reset();
  });
  $('record-cancel').addEventListener('click', () => { stopEditing(); $('record-text').focus(); });
  $('summary-close').addEventListener('click', () => { model.summary = null; render(); $('main').focus(); });
  $('record-kind').addEventListener('change', () => { $('action-fields').hidden = $('record-kind').value !== 'action'; });
  $('record-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const kind = $('record-kind').value;
    const fields = { kind, text: $('record-text').value.trim() };
    const tags = [...$('record-tags').selectedOptions].map((o) => o.value);
    if (tags.length) fields.tags = tags;
    if (kind === 'action') {
      fields.owner = $('record-owner').value;
      if ($('record-due').value) fields.due = $('record-due').value;
    }
    if (editingItem) {
      const edit = { item_id: editingItem, text: fields.text, tags: fields.tags || [] };
      if (kind === 'action') { edit.owner = fields.owner; if (fields.due) edit.due = fields.due; }
      pendingRecord = connection.send('record.edit', edit);
      return;
    }
    const running = model.meeting && model.meeting.case;
    if (running) fields.case_id = running.case_id;
    pendingRecord = connection.send('record.add', fields);
  });
  $('new-note').addEventListener('click', () => { resetNoteEditor(); $('note-text').focus(); });
  $('note-visibility').addEventListener('change', renderNoteEditor);
  $('note-text').addEventListener('input', () => {
    clearTimeout(noteTimer);
    if (noteEditor.state === 'saved') noteEditor.state = 'edited';
    $('note-state').textContent = 'Not saved yet';
    noteTimer = setTimeout(saveNote, 800);
  });
  $('send-note').addEventListener('click', () => {
    const c = noteCase();
    if (!currentNoteId || !c) return;
    connection.send('note.send', { note_id: currentNoteId });
    announce(`Sent to ${nameOf(model, c.presenter)}.`);
    resetNoteEditor();
    $('note-text').focus();
  });
  $('calendar-feed').addEventListener('click', async () => {
    const response = await fetch('/api/calendar', { method: 'POST', headers: { Authorization: `Bearer ${connection.token}` } });
    if (!response.ok) { $('error').textContent = 'The calendar feed could not be made.'; return; }
    const { url } = await response.json();
    $('calendar-link').replaceChildren(
      el('p', 'Add this address to your calendar as a subscription. It is yours alone; asking again makes a new one and stops this one.', 'muted'),
      linkField('Calendar address', url),
    );
  });
  $('calendar-series').addEventListener('click', () => download(`/api/groups/${model.group.group_id}/schedule.ics`, 'rondo-meetings.ics'));
  $('export-record').addEventListener('click', () => downloadRecord(model.lastMeetingId, 'md'));
  $('export-notes').addEventListener('click', () => downloadNotes(model.lastMeetingId));
  const ALERT_KEY = 'rondo.alert';
  $('alert-on').checked = localStorage.getItem(ALERT_KEY) === 'on';
  $('alert-on').addEventListener('change', () => localStorage.setItem(ALERT_KEY, $('alert-on').checked ? 'on' : 'off'));
  const SHORTCUTS_KEY = 'rondo.shortcuts';
  $('shortcuts-on').checked = localStorage.getItem(SHORTCUTS_KEY) !== 'off';
  $('shortcuts-on').addEventListener('change', () => localStorage.setItem(SHORTCUTS_KEY, $('shortcuts-on').checked ? 'on' : 'off'));
  document.addEventListener('keydown', (event) => {
    // Alt+Shift: screen readers' single-key commands stay theirs.
    if (!$('shortcuts-on').checked || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || !model) return;
    const key = event.key.toLowerCase();
    if (key === 'h') {
      const target = !$('lower-hand').hidden ? $('lower-hand') : $('raise-hand');
      if (!target.hidden) target.click();
    } else if (key === 'd' && !$('done').hidden) $('done').click();
  });
  setInterval(tick, 250);
}

/// The running case a note to the presenter goes to, if any.
function noteCase() {
  const c = model.meeting && model.meeting.case;
  return c && c.presenter !== model.me.member_id ? c : null;
}

/// Saves the note being written: one save at a time; a note to the
/// presenter as a draft, theirs only once sent.
function saveNote() {
  const text = $('note-text').value;
  const toPresenter = $('note-visibility').value === 'presenter';
  if (!text.trim()) return;
  if (!model.meeting) { $('note-state').textContent = 'Kept here; saved as soon as a meeting opens.'; return; }
  if (toPresenter && !noteCase()) { $('note-state').textContent = 'A note to the presenter is for a case that is running.'; return; }
  if (noteEditor.state === 'sending') return; // saved again when the answer comes
  const fields = { visibility: $('note-visibility').value, text };
  if (toPresenter) fields.draft = true;
  if (currentNoteId) fields.note_id = currentNoteId;
  const id = connection.send('note.save', fields);
  quiet.add(id);
  Object.assign(noteEditor, { state: 'sending', pending: id, text });
}

/// The answer to the note's save: a new note learns its id; text typed
/// meanwhile is saved next.
function noteSaved(reply) {
  noteEditor.pending = null;
  if (reply.type !== 'ack') { noteEditor.state = 'edited'; $('note-state').textContent = 'Not saved.'; return; }
  const first = !currentNoteId;
  if (first) {
    const mine = model.notes.filter((n) => n.author === model.me.member_id && n.text === noteEditor.text);
    if (mine.length) currentNoteId = mine[mine.length - 1].note_id;
  }
  if ($('note-text').value !== noteEditor.text) { noteEditor.state = 'edited'; saveNote(); return; }
  noteEditor.state = 'saved';
  $('note-state').textContent = 'Saved';
  if (first) announce('Note saved.');
  renderNoteEditor();
}

function resetNoteEditor() {
  currentNoteId = null;
  Object.assign(noteEditor, { state: 'saved', pending: null, text: '' });
  $('note-text').value = '';
  $('note-state').textContent = '';
  renderNoteEditor();
}

/// Whom the note goes to, and the Send button for a draft to the presenter.
function renderNoteEditor() {
  const toPresenter = $('note-visibility').value === 'presenter';
  const c = model && model.meeting && noteCase();
  $('note-to').hidden = !toPresenter;
  $('note-to').textContent = !toPresenter ? ''
    : c ? `To: ${nameOf(model, c.presenter)} — ${caseTitle(c.case_id)}. A draft: ${nameOf(model, c.presenter)} reads it once you send it.`
      : 'A note to the presenter is for a case that is running.';
  const note = currentNoteId && model && model.notes.find((n) => n.note_id === currentNoteId);
  $('send-note').hidden = !(note && note.draft);
  if (c) $('send-note').textContent = `Send to ${nameOf(model, c.presenter)}`;
  // A note keeps its kind: start a new note to write another kind.
  $('note-visibility').disabled = Boolean(currentNoteId);
}

function caseTitle(caseId) {
  const found = model.queue.find((x) => x.case_id === caseId);
  return found ? found.title : 'this case';
}

/// The local date a meeting opened, for file names (`…-2026-11-30.md`).
function meetingDate(meetingId) {
  const known = model.meeting && model.meeting.meeting_id === meetingId ? model.meeting
    : model.pastMeetings.find((m) => m.meeting_id === meetingId);
  const at = new Date(known ? known.opened_at : Date.now());
  const pad = (n) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

function downloadRecord(meetingId, format) {
  return download(`/api/record/${meetingId}.${format}`, `rondo-record-${meetingDate(meetingId)}.${format}`);
}

function downloadNotes(meetingId) {
  return download(`/api/notes/${meetingId}.md`, `rondo-my-notes-${meetingDate(meetingId)}.md`);
}

const pastDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/// Ended meetings, newest first, with their records and this member's notes.
function renderPast() {
  $('past-meetings').replaceChildren(...model.pastMeetings.map((m) => {
    const item = el('li');
    const when = pastDate.format(new Date(m.opened_at));
    item.append(el('span', `${when} — facilitated by ${nameOf(model, m.facilitator)} `));
    const label = (visible, hidden, onClick) => {
      const b = button(visible, onClick, 'small secondary');
      b.append(el('span', ` ${hidden}`, 'visually-hidden'));
      return b;
    };
    item.append(
      label('Record', `of ${when} (Markdown)`, () => downloadRecord(m.meeting_id, 'md')),
      label('JSON', `record of ${when}`, () => downloadRecord(m.meeting_id, 'json')),
      label('My notes', `of ${when}`, () => downloadNotes(m.meeting_id)),
    );
    return item;
  }));
  if (!model.pastMeetings.length) $('past-meetings').replaceChildren(el('li', 'No meeting has ended yet.', 'muted'));
}

async function download(path, filename) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${connection.token}` } });
  if (!response.ok) { $('error').textContent = 'The export is not available.'; return; }
  const url = URL.createObjectURL(await response.blob());
  const a = el('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function main() {
  const hash = new URLSearchParams(location.hash.slice(1));
  // A link's key leaves the address bar at once, and is kept for this tab.
  if (hash.get('t')) {
    sessionStorage.setItem(TOKEN_KEY, hash.get('t'));
    sessionStorage.removeItem(CONVENER_KEY);
  } else if (hash.get('c')) {
    sessionStorage.setItem(CONVENER_KEY, hash.get('c'));
    sessionStorage.removeItem(TOKEN_KEY);
  }
  if (hash.get('t') || hash.get('c')) history.replaceState(null, '', location.pathname);
  const convener = sessionStorage.getItem(CONVENER_KEY);
  if (convener) { startConsole(convener); return; }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) { startPage(); return; }
  wire();
  connection = new Connection(token, {
    onWelcome: (welcome) => {
      model = fromWelcome(welcome);
      // A note this member had open: keep editing the same one after a reconnect.
      const noteIds = model.notes.map((n) => n.note_id);
      if (currentNoteId && !noteIds.includes(currentNoteId)) currentNoteId = null;
      render();
    },
    onEvent,
    onReply: (reply) => {
      onReply(reply);
      if (reply.re && reply.re === noteEditor.pending) noteSaved(reply);
    },
    onStatus,
    onClosedForGood: () => {
      sessionStorage.removeItem(TOKEN_KEY);
      $('connection').textContent = 'This link no longer works. Ask your convener for a new one.';
    },
  });
  onStatus({ online: false, waiting: 0 });
  connection.start();
}

// A member's or convener's link pasted into an open Rondo tab changes only
// the fragment: start again with it.
window.addEventListener('hashchange', () => {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('t') || hash.get('c')) location.reload();
});

main();
