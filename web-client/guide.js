// The facilitator's guide: where the meeting is, the one thing to do next,
// and the few other controls that apply now.

import { endDespiteUnsaved } from './unsaved.js';
import { $, el, button, show, replace } from './dom.js';
import { model, connection, isFacilitator, current, templateName, phaseName, roundName } from './session.js';
import { nameOf } from './model.js';
import { t } from './i18n.js';

/// One action a facilitator takes next, named for what it does.
function mainAction() {
  const meeting = model.meeting;
  const next = model.group.next_facilitator;
  if (!meeting) {
    const hint = next === model.me.member_id ? t('guide-open-hint-you') : t('guide-open-hint', { name: nameOf(model, next) });
    return { label: t('guide-open'), hint, run: () => connection.send('meeting.open') };
  }
  if (!isFacilitator()) return null;
  if (meeting.status === 'lobby') return { label: t('guide-start'), hint: t('guide-start-hint'), run: () => connection.send('meeting.start') };
  if (meeting.status === 'paused') return { label: t('guide-resume'), hint: t('guide-resume-hint'), run: () => connection.send('meeting.resume') };
  const c = meeting.case;
  // Between `case.started` and its first `phase.started` there is no phase
  // to act on yet.
  if (c && !c.phase) return null;
  if (c) {
    const following = c.phases[c.phase_index + 1];
    const waiting = c.order.length > 0 && c.phase.kind === 'round';
    const phase = phaseName(c.template, c.phase.name);
    // Hands still up are people waiting to speak, as a round's order is:
    // moving on past them asks first, as "End case" does.
    const hands = c.phase.kind === 'open' ? meeting.hands.length : 0;
    const sure = () => (waiting ? confirm(t('guide-next-phase-confirm', { phase }))
      : hands ? confirm(t('guide-hands-up-confirm', { count: hands })) : true);
    return {
      label: following ? t('guide-next-phase', { phase: phaseName(c.template, following.name) }) : t('guide-finish-case'),
      hint: waiting ? t('guide-next-phase-hint', { phase, count: c.order.length }) : '',
      run: () => { if (sure()) connection.send('phase.next'); },
    };
  }
  if (meeting.round) {
    return { label: t('guide-end-round', { round: roundName(meeting.round.label) }), hint: '', run: () => connection.send('phase.next') };
  }
  const first = model.queue.find((x) => x.status === 'queued');
  if (first) {
    const template = $('template-select').dataset.chosen ? $('template-select').value : model.group.settings.default_template;
    return {
      label: t('guide-start-case', { presenter: nameOf(model, first.presenter) }),
      hint: t('guide-start-case-hint', { title: first.title, template: templateName(template) }),
      run: () => connection.send('case.start', { case_id: first.case_id, template }),
    };
  }
  return { label: t('guide-end-meeting'), hint: t('guide-end-meeting-hint'), run: endMeeting, ends: true };
}

function endMeeting() {
  if (!endDespiteUnsaved()) return;
  if (confirm(t('guide-end-meeting-confirm'))) connection.send('meeting.end');
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
  replace($('meeting-steps'), ['check-in', 'cases', 'check-out', 'close'].map((step, i) => {
    const item = el('li', t(`guide-step-${step}`), i === stage ? 'current' : '');
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
    add(t('guide-pause'), () => connection.send('meeting.pause'));
    const timed = r && ((r.turn && r.turn.deadline) || (c && c.phase.deadline));
    if (timed) add(t('guide-add-minute'), () => connection.send(r.turn && r.turn.deadline ? 'turn.extend' : 'phase.extend', { seconds: 60 }));
    if (r && r.turn && r.turn.member !== model.me.member_id) add(t('guide-skip', { name: nameOf(model, r.turn.member) }), () => connection.send('turn.skip'));
    if (c && c.phase.kind === 'open' && meeting.hands.length) {
      add(t('guide-give-floor', { name: nameOf(model, meeting.hands[0]) }), () => connection.send('floor.give', { member: meeting.hands[0] }));
    }
    if (c) add(t('guide-end-case'), () => { if (confirm(t('guide-end-case-confirm', { presenter: nameOf(model, c.presenter) }))) connection.send('case.end'); });
    if (!r) {
      add(t('guide-check-in'), () => connection.send('round.start', { turn_s: 120, label: 'check-in' }));
      add(t('guide-check-out'), () => connection.send('round.start', { turn_s: 120, label: 'check-out' }));
      if (!main.ends) add(t('guide-end-meeting'), endMeeting, 'small danger');
    } else {
      add(t('guide-end-meeting'), endMeeting, 'small danger');
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
