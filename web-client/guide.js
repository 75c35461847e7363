// The facilitator's guide: where the meeting is, the one thing to do next,
// and the few other controls that apply now.

import { $, el, button, show, replace } from './dom.js';
import { model, connection, isFacilitator, current, TEMPLATE_NAMES } from './session.js';
import { nameOf } from './model.js';

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
export function renderGuide() {
  const meeting = model.meeting;
  const f = isFacilitator();
  const main = mainAction();
  show('guide', Boolean(main));
  if (!main) return;
  const stage = meetingStage(meeting);
  replace($('meeting-steps'), ['Check-in', 'Cases', 'Check-out', 'Close'].map((name, i) => {
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
  replace($('quick-controls'), quick);
}

export function wireGuide() {
  $('main-action').addEventListener('click', () => {
    const main = mainAction();
    if (main) main.run();
  });
}
