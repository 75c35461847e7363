// The room display (`/#d=…`): a screen across the room that follows the
// meeting on its own — the phase, a clock readable from four metres, who
// speaks, who is next, the hands and the presenter. It has no controls and
// sends nothing but what the connection needs; the server gives it no
// confidential content, so nothing here could show any.

import { Connection } from './connection.js';
import { apply, fromWelcome, nameOf } from './model.js';
import { $, el, replace, show } from './dom.js';
import { phaseName, roundName } from './session.js';
import { t, capitalized, useLanguage } from './i18n.js';

let model = null;
let connection = null;
let showTitles = false;

function run() {
  const meeting = model && model.meeting;
  return meeting && (meeting.case || meeting.round);
}

function render() {
  if (!model) return;
  const meeting = model.meeting;
  const c = meeting && meeting.case;
  const r = run();
  $('display-group').textContent = model.group.name;
  $('display-phase').textContent = !meeting ? t('now-no-meeting')
    : meeting.status === 'paused' ? t('now-paused')
    : c ? capitalized(phaseName(c.template, c.phase.name))
    : meeting.round ? capitalized(roundName(meeting.round.label))
    : meeting.status === 'lobby' ? t('now-lobby') : t('now-between');
  const active = c && model.queue.find((x) => x.case_id === c.case_id);
  $('display-case').textContent = c
    ? t('display-presenter', { name: nameOf(model, c.presenter) }) + (showTitles && active && active.title ? ` — ${active.title}` : '')
    : '';
  const turn = r && r.turn;
  $('display-speaker').textContent = turn ? nameOf(model, turn.member) : '';
  show('display-speaker-box', Boolean(turn));
  const order = r ? r.order : [];
  $('display-next').textContent = order.length ? nameOf(model, order[0]) : '';
  show('display-next-box', order.length > 0);
  const hands = meeting ? meeting.hands : [];
  replace($('display-hands'), hands.map((id) => el('li', nameOf(model, id))));
  show('display-hands-box', hands.length > 0);
  tick();
}

/// The clock: the turn's deadline, else the phase's, corrected for the
/// offset from the server's clock.
function tick() {
  const r = run();
  const c = model && model.meeting && model.meeting.case;
  const holder = r && r.turn && r.turn.deadline ? r.turn : c && c.phase && c.phase.deadline ? c.phase : null;
  const clock = $('display-clock');
  if (!holder || model.meeting.status === 'paused') {
    clock.textContent = model && model.meeting && model.meeting.status === 'paused' ? t('clock-paused') : '';
    clock.classList.remove('overtime');
    return;
  }
  const remainingMs = holder.deadline - connection.serverNow();
  const seconds = Math.ceil(Math.abs(remainingMs) / 1000);
  clock.textContent = `${remainingMs < 0 ? '+' : ''}${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  clock.classList.toggle('overtime', remainingMs < 0 || holder.overtime);
}

export async function startDisplay(token) {
  document.body.classList.add('room-display');
  show('display-view', true);
  // A display's token carries its group's id after a dot: the route.
  connection = new Connection(token, token.split('.')[1] || null, {
    onWelcome: async (welcome) => {
      model = fromWelcome(welcome);
      showTitles = Boolean(welcome.show_titles);
      // The screen speaks the group's language, whoever set it up.
      await useLanguage(welcome.group.language);
      document.title = t('display-title', { group: welcome.group.name });
      render();
    },
    onEvent: (event) => { apply(model, event); render(); },
    onReply: () => {},
    onStatus: (status) => { $('display-status').textContent = status.online ? '' : t('connection-offline'); },
    onClosedForGood: () => {
      // Retired: the link is dead, and the screen says so instead of
      // trying again.
      localStorage.removeItem('rondo.display');
      model = null;
      show('display-live', false);
      $('display-status').textContent = t('display-retired');
    },
  });
  connection.start();
  setInterval(() => { if (model) tick(); }, 250);
}
