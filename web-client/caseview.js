// The case as everyone follows it: the phase, who speaks, who is next,
// written contributions, and one line saying what to do in one's role.

import { $, el, show, replace } from './dom.js';
import { model, isFacilitator, current, TEMPLATE_NAMES } from './session.js';
import { nameOf } from './model.js';

/// The tab's title tells a member in another tab whose turn it is.
export function renderTitle() {
  const r = current();
  const me = model.me.member_id;
  const mine = r && r.turn && r.turn.member === me;
  const next = r && !mine && r.order && r.order[0] === me;
  document.title = mine ? '● Your turn — Rondo' : next ? 'Next: you — Rondo' : `Rondo — ${model.group.name}`;
}

export function renderCase() {
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
  replace($('stepper'), (c ? c.phases.map((p, i) => {
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
  replace($('order'), order.map((id) => {
    const perspective = c && c.perspectives[id];
    return el('li', nameOf(model, id) + (perspective ? ` (${perspective})` : ''));
  }));
  show('next-notice', order[0] === model.me.member_id && !mine);
  replace($('hands'), (meeting ? meeting.hands.map((id) => el('li', nameOf(model, id))) : []));
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
