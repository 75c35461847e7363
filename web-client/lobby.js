// Between meetings and around them: the next meeting in the member's own
// time, the calendar feed, and past meetings with their downloads.

import { $, el, labelled, replace } from './dom.js';
import { model, connection } from './session.js';
import { nameOf } from './model.js';
import { linkField } from './console.js';
import { t, dateFormat } from './i18n.js';
import { attendanceView } from './supervision.js';

/// A meeting's start in the member's own time zone and the page's
/// language; the year only when it is not this one.
const meetingTime = {
  format: (date) => dateFormat({
    weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit',
    ...(date.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }),
  }).format(date),
};

/// The next meeting in the member's own time, and whether the review is due.
export function renderNext() {
  const upcoming = (model.group.next_meetings || []).filter((m) => m.status !== 'cancelled');
  const cancelled = (model.group.next_meetings || []).filter((m) => m.status === 'cancelled');
  const next = upcoming[0];
  $('next-meeting').textContent = next
    ? t(next.status === 'moved' ? 'next-meeting-moved' : 'next-meeting', { when: meetingTime.format(new Date(next.start)) })
      + (cancelled.length ? ` ${t('next-cancelled', { dates: cancelled.map((m) => meetingTime.format(new Date(m.start))).join(', ') })}` : '')
    : t('next-none');
  const facilitator = model.meeting ? model.meeting.facilitator : model.group.next_facilitator;
  const mine = facilitator === model.me.member_id;
  const when = model.meeting ? 'now' : 'next';
  $('next-facilitator').textContent = mine ? t(`facilitating-${when}-you`) : t(`facilitating-${when}`, { name: nameOf(model, facilitator) });
  $('review-due').hidden = !model.group.agreement.review_due;
  $('calendar-series').hidden = !model.group.schedule;
}

/// The local date a meeting opened, for file names (`…-2026-11-30.md`).
function meetingDate(meetingId) {
  const known = model.meeting && model.meeting.meeting_id === meetingId ? model.meeting
    : model.pastMeetings.find((m) => m.meeting_id === meetingId);
  const at = new Date(known ? known.opened_at : Date.now());
  const pad = (n) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

export function downloadRecord(meetingId, format) {
  return download(`/api/record/${meetingId}.${format}`, `rondo-record-${meetingDate(meetingId)}.${format}`);
}

export function downloadNotes(meetingId) {
  return download(`/api/notes/${meetingId}.md`, `rondo-my-notes-${meetingDate(meetingId)}.md`);
}


/// Ended meetings, newest first, with their records and this member's notes.
export function renderPast() {
  replace($('past-meetings'), model.pastMeetings.map((m) => {
    const item = el('li');
    const when = dateFormat({ dateStyle: 'long' }).format(new Date(m.opened_at));
    item.append(el('span', `${t('past-meeting', { when, name: nameOf(model, m.facilitator) })} `));
    item.append(
      labelled(t('past-record'), t('past-record-hidden', { when }), () => downloadRecord(m.meeting_id, 'md'), 'small secondary'),
      labelled(t('past-json'), t('past-json-hidden', { when }), () => downloadRecord(m.meeting_id, 'json'), 'small secondary'),
      labelled(t('past-notes'), t('past-notes-hidden', { when }), () => downloadNotes(m.meeting_id), 'small secondary'),
      attendanceView(m),
    );
    return item;
  }));
  if (!model.pastMeetings.length) $('past-meetings').replaceChildren(el('li', t('past-none'), 'muted'));
}

/// A request about this member's group, with the group as the balancer's
/// routing key (`?g=`), as the websocket has it.
function routed(path) {
  return `${path}${path.includes('?') ? '&' : '?'}g=${encodeURIComponent(model.group.group_id)}`;
}

export async function download(path, filename) {
  const response = await fetch(routed(path), { headers: { Authorization: `Bearer ${connection.token}` } });
  if (!response.ok) { $('error').textContent = t('export-unavailable'); return; }
  const url = URL.createObjectURL(await response.blob());
  const a = el('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

export function wireLobby() {
  $('calendar-feed').addEventListener('click', async () => {
    const response = await fetch(routed('/api/calendar'), { method: 'POST', headers: { Authorization: `Bearer ${connection.token}` } });
    if (!response.ok) { $('error').textContent = t('calendar-unavailable'); return; }
    const { url } = await response.json();
    $('calendar-link').replaceChildren(
      el('p', t('calendar-explained'), 'muted'),
      linkField(t('calendar-address'), url),
    );
  });
  $('calendar-series').addEventListener('click', () => download(`/api/groups/${model.group.group_id}/schedule.ics`, 'rondo-meetings.ics'));
  $('export-record').addEventListener('click', () => downloadRecord(model.lastMeetingId, 'md'));
  $('export-notes').addEventListener('click', () => downloadNotes(model.lastMeetingId));
}
