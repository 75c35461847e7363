// The member's record of supervision: each ended meeting's attendance as
// the server measured it, to confirm and (the facilitator) countersign; a
// private reflection per meeting, with the prompts of the member's
// professional body; the supervision gap; and "My supervision log" with its
// period and its downloads.

import { $, el, button, labelled, replace } from './dom.js';
import { model, connection } from './session.js';
import { nameOf } from './model.js';
import { t, dateFormat } from './i18n.js';
import { download } from './lobby.js';

const DAY_MS = 86400000;
/// As the server: countersigning waits for every confirmation, or this long.
const COUNTERSIGN_AFTER_MS = 14 * DAY_MS;
const REFLECTION_MAX = 10000;
const PROMPTS_KEY = 'rondo.reflection-prompts';

// What the member is writing, by meeting, and which editors are open: the
// lists are redrawn on every event, the text being typed is not lost.
const drafts = new Map();
const opened = new Set();

/// Each professional body's prompts, by their messages.
const PROMPT_SETS = {
  none: [],
  nmc: ['prompt-nmc-people', 'prompt-nmc-practise', 'prompt-nmc-safety', 'prompt-nmc-trust'],
  swe: ['prompt-swe-learnt', 'prompt-swe-impact', 'prompt-swe-peer'],
  bacp: ['prompt-bacp-brought', 'prompt-bacp-took', 'prompt-bacp-clients'],
  skj: ['prompt-skj-acting', 'prompt-skj-person', 'prompt-skj-context'],
};

const minutes = (seconds) => Math.floor(seconds / 60);
const day = (at) => dateFormat({ dateStyle: 'medium' }).format(new Date(at));
const mine = (meeting) => (meeting.attendance || []).find((a) => a.member === model.me.member_id);

/// Whether the facilitator may countersign now.
export function countersignable(meeting, now = Date.now()) {
  if (meeting.countersigned || !meeting.attendance || !meeting.attendance.length) return false;
  return meeting.attendance.every((a) => a.confirmed_at) || now >= meeting.ended_at + COUNTERSIGN_AFTER_MS;
}

function roleText(role) { return t(`attendance-role-${role}`); }

/// A meeting's attendance, with the member's own actions on it; `place`
/// keeps the ids of the summary's copy apart from the past meetings' one.
export function attendanceView(meeting, place = 'past') {
  const wrap = el('div', null, 'attendance');
  if (!meeting.attendance || !meeting.attendance.length) return wrap;
  const when = day(meeting.started_at || meeting.opened_at);
  const list = el('ul', null, 'attendance-list');
  list.setAttribute('aria-label', t('attendance-list', { when }));
  for (const a of meeting.attendance) {
    const confirmed = a.confirmed_at ? t('attendance-confirmed', { date: day(a.confirmed_at) }) : t('attendance-unconfirmed');
    list.append(el('li', `${nameOf(model, a.member)} — ${t('attendance-minutes', { minutes: minutes(a.present_s) })}, ${roleText(a.role)}; ${confirmed}`));
  }
  wrap.append(list);
  const signed = meeting.countersigned;
  wrap.append(el('p', signed
    ? t('attendance-countersigned', { name: signed.by === 'convener' ? t('attendance-convener') : nameOf(model, signed.by), date: day(signed.at) })
    : t('attendance-not-countersigned'), 'muted'));
  const actions = el('div', null, 'row');
  const own = mine(meeting);
  if (own && !own.confirmed_at && !signed) {
    actions.append(labelled(t('attendance-confirm'), t('attendance-of', { when }), () => connection.send('attendance.confirm', { meeting_id: meeting.meeting_id }), 'small'));
  }
  if (meeting.facilitator === model.me.member_id && countersignable(meeting)) {
    actions.append(labelled(t('attendance-countersign'), t('attendance-of', { when }), () => connection.send('attendance.countersign', { meeting_id: meeting.meeting_id }), 'small secondary'));
  }
  if (actions.childElementCount) wrap.append(actions);
  if (own) wrap.append(reflectionEditor(meeting, place));
  return wrap;
}

/// The member's private reflection on a meeting, with their body's prompts.
function reflectionEditor(meeting, place) {
  const id = `reflection-${place}-${meeting.meeting_id}`;
  const details = el('details', null, 'reflection');
  details.open = opened.has(id);
  details.addEventListener('toggle', () => { if (details.open) opened.add(id); else opened.delete(id); });
  const saved = meeting.reflection;
  details.append(el('summary', saved ? t('reflection-edit') : t('reflection-write')));
  details.append(el('p', t('reflection-private'), 'muted'));
  const setLabel = el('label', t('reflection-prompts'));
  setLabel.htmlFor = `${id}-set`;
  const select = el('select');
  select.id = `${id}-set`;
  for (const set of Object.keys(PROMPT_SETS)) {
    const option = el('option', t(`prompt-set-${set}`));
    option.value = set;
    select.append(option);
  }
  select.value = localStorage.getItem(PROMPTS_KEY) || 'none';
  const prompts = el('ul', null, 'prompts');
  const showPrompts = () => prompts.replaceChildren(...PROMPT_SETS[select.value].map((p) => el('li', t(p))));
  select.addEventListener('change', () => { localStorage.setItem(PROMPTS_KEY, select.value); showPrompts(); });
  showPrompts();
  const textLabel = el('label', t('reflection-label'));
  textLabel.htmlFor = id;
  const text = el('textarea');
  text.id = id;
  text.rows = 5;
  text.maxLength = REFLECTION_MAX;
  text.value = drafts.has(meeting.meeting_id) ? drafts.get(meeting.meeting_id) : saved ? saved.text : '';
  text.addEventListener('input', () => drafts.set(meeting.meeting_id, text.value));
  const state = el('p', saved ? t('reflection-saved', { date: day(saved.updated_at) }) : '', 'muted');
  state.setAttribute('role', 'status');
  const save = button(t('reflection-save'), () => {
    connection.send('reflection.save', { meeting_id: meeting.meeting_id, text: text.value });
    drafts.delete(meeting.meeting_id);
  }, 'small');
  details.append(setLabel, select, prompts, textLabel, text, save, state);
  return details;
}

/// The lobby's and summary's note that the group has gone too long
/// without meeting.
export function renderGap() {
  const gap = model.group.supervision_gap;
  $('supervision-gap').hidden = !gap;
  if (gap) $('supervision-gap').textContent = t('supervision-gap', { date: day(`${gap.since}T12:00:00Z`), days: gap.days });
}

// ----- My supervision log -----

const pad = (n) => String(n).padStart(2, '0');
const isoDay = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

function period() {
  return `from=${encodeURIComponent($('log-from').value)}&to=${encodeURIComponent($('log-to').value)}`;
}

// The log last shown: redrawn with the page, so it follows a change of
// language (and prints in the group's).
let shownLog = null;

async function showLog() {
  const response = await fetch(`/api/log.json?${period()}&g=${encodeURIComponent(model.group.group_id)}`, { headers: { Authorization: `Bearer ${connection.token}` } });
  const result = await response.json();
  if (!response.ok) { shownLog = null; $('log-results').hidden = true; $('log-status').textContent = t('log-unavailable'); return; }
  shownLog = result;
  renderLog();
}

/// The shown log: its meetings, months and, on paper, whose and which period it is.
export function renderLog() {
  const log = shownLog;
  if (!log) return;
  const date = (iso) => day(`${iso}T12:00:00Z`);
  $('log-printed-for').textContent = t('log-printed-for', { name: log.member.name, group: log.group.name, from: date(log.from), to: date(log.to), zone: log.time_zone });
  $('log-status').textContent = t('log-summary', { count: log.meetings.length, minutes: minutes(log.total_credited_s) });
  const rows = log.meetings.map((m) => {
    const row = el('tr');
    const signed = m.countersigned ? `${m.countersigned.by_name}, ${day(m.countersigned.at)}` : t('log-no');
    for (const cell of [date(m.date), `${m.start}–${m.end}`, String(minutes(m.present_s)), String(minutes(m.credited_s)), roleText(m.role),
      m.confirmed_at ? day(m.confirmed_at) : t('log-no'), signed]) row.append(el('td', cell));
    return row;
  });
  replace($('log-meetings'), rows);
  replace($('log-months'), log.months.map((m) => {
    const met = m.meets_target === null ? '' : m.meets_target ? t('log-target-met') : t('log-target-missed');
    const item = el('li', `${m.month}: ${t('attendance-minutes', { minutes: minutes(m.credited_s) })} ${met}`.trim());
    if (m.meets_target === false) item.className = 'below-target';
    return item;
  }));
  $('log-results').hidden = false;
}

/// The group's credit rule, in the facilitator's controls.
export function renderCreditRule() {
  if (document.activeElement !== $('credit-rule')) $('credit-rule').value = model.group.settings.credit_rule || 'attended';
}

export function renderLogSettings() {
  const target = model.mySettings.monthly_target_min;
  if (document.activeElement !== $('log-target')) $('log-target').value = target == null ? '' : String(target);
}

export function wireSupervision() {
  const today = new Date();
  $('log-to').value = isoDay(today);
  $('log-from').value = isoDay(new Date(today.getFullYear() - 1, today.getMonth(), today.getDate() + 1));
  $('log-form').addEventListener('submit', (event) => { event.preventDefault(); showLog(); });
  $('log-csv').addEventListener('click', () => download(`/api/log.csv?${period()}`, `rondo-supervision-log-${$('log-from').value}-${$('log-to').value}.csv`));
  $('log-pdf').addEventListener('click', () => download(`/api/log.pdf?${period()}`, `rondo-supervision-log-${$('log-from').value}-${$('log-to').value}.pdf`));
  $('credit-rule').addEventListener('change', () => connection.send('settings.update', { settings: { credit_rule: $('credit-rule').value } }));
  $('log-target-save').addEventListener('click', () => {
    const value = $('log-target').value.trim();
    connection.send('member.settings', { settings: { monthly_target_min: value === '' ? null : Number(value) } });
  });
}
