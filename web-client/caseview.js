// The case as everyone follows it: the phase, who speaks, who is next,
// written contributions, and one line saying what to do in one's role.

import { $, el, show, replace } from './dom.js';
import { model, isFacilitator, current, templateName, phaseName, roundName } from './session.js';
import { nameOf } from './model.js';
import { t, capitalized } from './i18n.js';

/// The tab's title tells a member in another tab whose turn it is.
export function renderTitle() {
  const r = current();
  const me = model.me.member_id;
  const mine = r && r.turn && r.turn.member === me;
  const next = r && !mine && r.order && r.order[0] === me;
  document.title = mine ? t('title-your-turn') : next ? t('title-next') : t('title-group', { group: model.group.name });
}

export function renderCase() {
  const meeting = model.meeting;
  const c = meeting && meeting.case;
  const r = current();
  const facilitator = meeting && nameOf(model, meeting.facilitator);
  const statusText = !meeting ? t('status-no-meeting')
    : meeting.status === 'lobby' ? t('status-lobby', { facilitator })
    : meeting.status === 'paused' ? t('status-paused')
    : c ? t('status-case', { template: templateName(c.template), presenter: nameOf(model, c.presenter), facilitator })
    : meeting.round ? t('status-round', { round: capitalized(roundName(meeting.round.label)), facilitator })
    : t('status-running', { facilitator });
  $('meeting-status').textContent = statusText;
  replace($('stepper'), (c ? c.phases.map((p, i) => {
    const item = el('li', phaseName(c.template, p.name), i === c.phase_index ? 'current' : i < c.phase_index ? 'past' : '');
    if (i === c.phase_index) item.setAttribute('aria-current', 'step');
    return item;
  }) : []));
  const turn = r && r.turn;
  const mine = turn && turn.member === model.me.member_id;
  const phase = c && c.phase;
  // A speaker whose connection dropped holds the floor still (rule 3 keeps
  // turns, not connections): the facilitator sees that they are away.
  const away = turn && !mine && isFacilitator() && !present(turn.member);
  $('speaker').textContent = turn ? (mine ? t('speaker-you') : t(away ? 'speaker-member-away' : 'speaker-member', { name: nameOf(model, turn.member) }))
    : phase && phase.kind !== 'presenter' && phase.kind !== 'round' ? t(`speaker-${phase.kind}`) : '';
  const silent = c && c.presenter === model.me.member_id && phase && phase.presenter_silent;
  show('silent-notice', Boolean(silent));
  $('phase-note').textContent = phase ? phaseNote(phase) : '';
  $('instruction').textContent = instruction(meeting, c);
  $('now-phase').textContent = !meeting ? t('now-no-meeting')
    : meeting.status === 'paused' ? t('now-paused')
    : c && c.phase ? t('now-case', { phase: capitalized(phaseName(c.template, c.phase.name)), presenter: nameOf(model, c.presenter) })
    : meeting.round ? capitalized(roundName(meeting.round.label))
    : meeting.status === 'lobby' ? t('now-lobby') : t('now-between');
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
  if (writing) $('submitted').textContent = c.submitted.length ? t('handed-in', { names: c.submitted.map((id) => nameOf(model, id)).join(', ') }) : t('handed-in-nobody');
  $('revealed').replaceChildren(...(c ? c.revealed.map((rev) => {
    const box = el('div', null, 'revealed');
    box.append(el('h3', t('revealed-title', { phase: phaseName(c.template, c.phases[rev.phase_index].name) })));
    const list = el('ul');
    rev.contributions.forEach((x) => { const li = el('li'); li.append(el('strong', `${nameOf(model, x.member)}: `), el('span', x.text)); list.append(li); });
    box.append(list);
    return box;
  }) : []));
}

function present(memberId) {
  const member = model.group.members.find((m) => m.member_id === memberId);
  return !member || member.present;
}

/// What to do now, in one line, for this member's role in this phase.
function instruction(meeting, c) {
  if (!meeting) return t('status-no-meeting');
  if (meeting.status === 'lobby') return t(isFacilitator() ? 'do-lobby-facilitator' : 'do-lobby');
  if (meeting.status === 'paused') return t('do-paused');
  if (meeting.round && !c) return t('do-round', { round: capitalized(roundName(meeting.round.label)) });
  if (!c) return t(isFacilitator() ? 'do-between-facilitator' : 'do-between');
  // Between `case.started` and its `phase.started` the case has no phase yet.
  const phase = c.phase;
  if (!phase) return '';
  const presenter = nameOf(model, c.presenter);
  const role = c.presenter === model.me.member_id ? 'presenter' : 'member';
  const silent = phase.presenter_silent && (phase.kind === 'round' || phase.kind === 'open') ? '-silent' : '';
  return t(`do-${phase.kind}${silent}${respondsPart(c)}-${role}`, { presenter });
}

/// A presenter phase after the group has spoken (SGS's response, Balint's
/// "presenter returns", the incident method's reflection) is the presenter
/// answering what they heard, not presenting: it has its own words.
function respondsPart(c) {
  if (c.phase.kind !== 'presenter') return '';
  const before = c.phases.slice(0, c.phase_index);
  return before.some((p) => p.kind !== 'presenter') ? '-response' : '';
}

function phaseNote(phase) {
  return t(`phase-kind-${phase.kind}`) + (phase.presenter_silent ? ` ${t('phase-kind-silent')}` : '');
}
