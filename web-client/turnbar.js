// The sticky bar's own news, where a member looks: whether the page is
// offline or stalled (and then the controls that cannot work are disabled),
// "You're next", a turn kept or lost while the member was away (rule 3),
// and, at a member's first turn, the offer of a sound and a vibration.

import { $, announce } from './dom.js';
import { model, isFacilitator, current } from './session.js';
import { nameOf } from './model.js';
import { t } from './i18n.js';

const ALERT_KEY = 'rondo.alert';

let connectionState = { online: false, stalled: false };
// The last thing rule 3 did that this member should hear of:
// { kind: 'kept' | 'lost' | 'added', member }.
let turnNews = null;
// The member whose turn just ended as absent: an `order.updated` right after
// it is their move to the end, any other one a member added.
let lastAbsent = null;

/// The connection's state, as the connection reports it.
export function setConnectionState(status) {
  connectionState = status;
}

/// Notes what rule 3 did, from the events that say it, and tells the member
/// it concerns and the facilitator.
export function noteTurnEvent(event) {
  if (event.type === 'turn.ended' && event.reason === 'absent') {
    // Moved to the end if an `order.updated` follows; lost if not.
    turnNews = { kind: 'lost', member: event.member };
    lastAbsent = event.member;
    return;
  }
  if (event.type === 'order.updated') {
    const last = event.order[event.order.length - 1];
    turnNews = { kind: last === lastAbsent ? 'kept' : 'added', member: last };
    lastAbsent = null;
    tell();
    return;
  }
  if (lastAbsent) tell(); // no move followed: that turn is gone
  lastAbsent = null;
  if (event.type === 'turn.started' && turnNews && turnNews.member === event.member) turnNews = null;
  if (['phase.started', 'case.ended', 'round.ended', 'meeting.ended'].includes(event.type)) turnNews = null;
}

function tell() {
  const text = newsText();
  if (text) announce(text);
}

function newsText() {
  if (!turnNews) return '';
  const mine = turnNews.member === model.me.member_id;
  if (!mine && !isFacilitator()) return '';
  const name = nameOf(model, turnNews.member);
  return mine ? t(`turn-${turnNews.kind}-you`) : t(`turn-${turnNews.kind}-member`, { name });
}

/// Renders the bar's notice and disables what cannot work while offline.
export function renderTurnBar() {
  const notice = $('now-notice');
  const offline = !connectionState.online || connectionState.stalled;
  const r = current();
  const me = model && model.me.member_id;
  const next = r && r.order[0] === me && !(r.turn && r.turn.member === me);
  const text = !connectionState.online ? t('now-offline')
    : connectionState.stalled ? t('now-stalled')
    : [newsText(), next ? t('next-notice') : ''].filter(Boolean).join(' ');
  notice.textContent = text;
  notice.hidden = !text;
  notice.classList.toggle('offline', offline);
  // Offered once, when the member is next or speaks for the first time,
  // until they answer: the setting itself sits under "Keyboard shortcuts
  // and alerts", which a phone user never opens.
  const mine = r && r.turn && r.turn.member === me;
  $('alert-offer').hidden = !(next || mine) || localStorage.getItem(ALERT_KEY) !== null;
  // A command sent now would wait for the connection, and land on a meeting
  // that may have moved on: the controls say so by being unavailable.
  for (const control of document.querySelectorAll('#now .controls button, #main-action, #quick-controls button')) {
    control.disabled = offline;
  }
}

/// The alert offer's two answers, each kept as the alert setting.
export function wireTurnBar() {
  const answer = (on) => () => {
    $('alert-on').checked = on;
    $('alert-on').dispatchEvent(new Event('change'));
    $('alert-offer').hidden = true;
    // Focus stays in the bar, on the member's own controls.
    const done = $('done');
    (done.offsetParent ? done : $('now')).focus({ preventScroll: true });
  };
  $('alert-offer-yes').addEventListener('click', answer(true));
  $('alert-offer-no').addEventListener('click', answer(false));
}
