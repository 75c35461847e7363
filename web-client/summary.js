// What a case or a meeting came to, shown when it ends.

import { $, el, button, show } from './dom.js';
import { model } from './session.js';
import { nameOf } from './model.js';
import { t } from './i18n.js';
import { downloadRecord, downloadNotes } from './lobby.js';
import { attendanceView } from './supervision.js';

const durationOf = (ms) => { const m = Math.round(ms / 60000); return m < 1 ? t('summary-under-a-minute') : t('summary-minutes', { minutes: m }); };

/// The summary at the end of a case or a meeting, with its downloads.
export function renderSummary() {
  const s = model.summary;
  show('summary', Boolean(s));
  if (!s) return;
  const title = s.kind === 'case' ? t('summary-case', { presenter: nameOf(model, s.presenter) }) : t('summary-meeting');
  $('summary-title').textContent = title;
  const body = [];
  const list = (heading, entries) => {
    if (!entries.length) return;
    body.push(el('h3', heading));
    const ul = el('ul');
    entries.forEach((text) => ul.append(el('li', text)));
    body.push(ul);
  };
  list(t('summary-cases'), s.cases.map((c) => `${c.title} — ${nameOf(model, c.presenter)}`));
  list(t('summary-actions'), s.actions.map((a) => {
    const owner = a.owner ? nameOf(model, a.owner) : t('summary-no-owner');
    return `${a.text} — ${a.due ? t('summary-owner-due', { owner, date: a.due }) : owner}`;
  }));
  list(t('summary-decisions'), s.decisions.map((d) => d.text));
  list(t('summary-disagreements'), s.disagreements.map((d) => d.text));
  list(t('summary-areas'), s.areas.map((d) => d.text));
  list(t('summary-speaking'), s.speaking.map(([id, ms]) => `${nameOf(model, id)}: ${durationOf(ms)}`));
  if (body.length === 0) body.push(el('p', t('summary-nothing'), 'muted'));
  const ended = s.kind === 'meeting' && model.pastMeetings.find((m) => m.meeting_id === s.meetingId);
  if (ended && ended.attendance && ended.attendance.length) body.push(el('h3', t('summary-attendance')), attendanceView(ended, 'summary'));
  $('summary-body').replaceChildren(...body);
  $('summary-downloads').replaceChildren(
    button(t('summary-download-record'), () => downloadRecord(s.meetingId, 'md'), 'small'),
    button(t('summary-download-notes'), () => downloadNotes(s.meetingId), 'small secondary'),
  );
}

export function wireSummary(render) {
  $('summary-close').addEventListener('click', () => { model.summary = null; render(); $('main').focus(); });
}
