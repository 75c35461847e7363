// The convener's console: the group between meetings. Everything here goes
// through the same HTTP API a third-party tool would use.

import { $, el, labelled, replace } from './dom.js';
import { t, dateFormat, showError, ServerError, LANGUAGES, versionText } from './i18n.js';
import { renderConsoleRecord, maxGapDays } from './console-record.js';

const PRESENCE_REFRESH_MS = 15000;
import { roomControls } from './room.js';

/// Meetings in the group's own zone: the convener plans in it.
const inZone = (zone) => dateFormat({
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: 'short',
});
const dateOnly = (at) => dateFormat({ dateStyle: 'medium' }).format(new Date(at));

/// A link field with a Copy button, as the start page shows members' links.
export function linkField(label, link) {
  const wrap = el('div', null, 'link-field');
  const input = el('input');
  input.readOnly = true;
  input.value = link;
  input.setAttribute('aria-label', label);
  const copy = labelled(t('copy'), label, async () => {
    try { await navigator.clipboard.writeText(link); copy.firstChild.textContent = t('copied'); } catch { input.select(); }
  }, 'small');
  wrap.append(input, copy);
  return wrap;
}

/// The console for a convener's token. `groupId` is the group's id when
/// this browser already knows it (else the server is asked); `kept` hears
/// the group's id and name, so the browser files the link under its group,
/// and `closed` hears that the link no longer works (a convener's new link
/// replaced it).
export function startConsole(token, groupId, { kept, closed }) {
  $('console-view').hidden = false;
  const api = async (method, path, body) => {
    // `?g=`: a balancer sends the console to the node that serves the group.
    const response = await fetch(`/api/groups/${groupId}${path}?g=${groupId}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (response.status === 401) closed();
    const text = await response.text();
    const result = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ServerError(result && result.code, result && result.message);
    return result;
  };
  // The convener's link carries the token alone: the console learns the
  // group's id from the server (GET /api/convener) the first time.
  const say = (text) => {
    $('console-status').textContent = text;
    $('console-status').className = 'muted';
  };
  const fail = (error) => {
    showError($('console-status'), error);
    $('console-status').className = 'error';
  };
  const act = (work, done) => async (event) => {
    if (event) event.preventDefault();
    try { await work(); say(done); await refresh(); } catch (error) { fail(error); }
  };

  async function refresh() {
    if (!groupId) {
      const response = await fetch('/api/convener', { headers: { Authorization: `Bearer ${token}` } });
      if (response.status === 401) closed();
      if (!response.ok) throw new Error(t('console-link-invalid'));
      groupId = (await response.json()).group_id;
    }
    const view = await api('GET', '');
    kept(view.group_id, view.name);
    render(view);
  }

  function render(view) {
    $('group-name').textContent = `— ${view.name}`;
    $('console-title').textContent = t('console-title-group', { group: view.name });
    $('console-language').value = view.language;
    $('console-retention').value = view.retention_months ?? '';
    renderMembers(view);
    renderAgreement(view);
    renderSchedule(view);
    renderConsoleRecord(view, token, api, act);
    if (!$('console-room-slot').firstChild) $('console-room-slot').append(roomControls(api));
  }

  function renderMembers(view) {
    // Keyed by text, so a refresh keeps the focus on the button it was on.
    replace($('console-members'), view.members.map((m) => {
      const row = el('tr');
      // Whether they accepted the version in force is the server's to say.
      const accepted = !m.agreement_version ? t('roster-not-accepted')
        : t(m.agreement_accepted ? 'console-accepted' : 'console-accepted-again', { version: m.agreement_version, date: dateOnly(m.accepted_at) });
      const actions = el('td');
      actions.append(
        labelled(t('console-new-link'), t('console-for', { name: m.name }), act(async () => {
          const issued = await api('POST', `/members/${m.member_id}/token`);
          showLink(t('console-new-link-of', { name: m.name }), issued.link);
        }, t('console-new-link-done', { name: m.name })), 'small'),
        labelled(t('console-remove'), m.name, async () => {
          if (!confirm(t('console-remove-confirm', { name: m.name }))) return;
          await act(() => api('DELETE', `/members/${m.member_id}`), t('console-removed', { name: m.name }))();
          // Erasure is offered once, while the console still knows who it is.
          if (!confirm(t('console-erase-confirm', { name: m.name }))) return;
          await act(() => api('POST', `/members/${m.member_id}/erase`), t('console-erased'))();
        }, 'small danger'),
      );
      row.append(el('th', m.name), el('td', t(m.present ? 'console-here' : 'roster-away')), el('td', accepted), actions);
      row.querySelector('th').scope = 'row';
      return row;
    }));
  }

  function showLink(label, link) {
    $('console-link').replaceChildren(el('p', t('console-send-only', { label })), linkField(label, link));
    $('console-link').hidden = false;
    // It appears at the top of the page: brought into view, its Copy button focused.
    $('console-link').scrollIntoView({ block: 'center' });
    $('console-link').querySelector('button').focus({ preventScroll: true });
  }

  function renderAgreement(view) {
    const a = view.agreement;
    $('console-agreement-version').textContent = versionText(a)
      + (a.in_force !== a.version ? ` ${t('console-in-force-later', { version: a.in_force })}` : '');
    $('console-review-due').hidden = !a.review_due;
    $('console-agreement-text').replaceChildren(...a.text.split('\n').map((line) => el('p', line)));
    if (!$('agreement-new-text').value) $('agreement-new-text').value = a.text;
    $('console-agreements').replaceChildren(...view.agreements.slice().reverse().map((v) => el('li',
      [t('agreement-version', { version: v.version }), v.published_at && t('console-published', { date: dateOnly(v.published_at) }), v.review_on && t('agreement-review', { date: v.review_on })]
        .filter(Boolean).join(', '))));
  }

  function renderSchedule(view) {
    const s = view.schedule;
    $('console-schedule-summary').textContent = s
      ? t('console-schedule', { rrule: s.rrule, start: s.start.replace('T', ' '), zone: s.time_zone, minutes: s.duration_min })
      : t('console-no-schedule');
    if (s && !$('schedule-start').value) {
      $('schedule-rrule').value = s.rrule;
      $('schedule-start').value = s.start;
      $('schedule-zone').value = s.time_zone;
      $('schedule-duration').value = s.duration_min;
    }
    const dateTime = s ? inZone(s.time_zone) : null;
    $('console-occurrences').replaceChildren(...view.next_meetings.map((m) => {
      const item = el('li');
      const when = dateTime.format(new Date(m.start));
      const status = m.status === 'planned' ? '' : ` — ${t(`console-${m.status}`)}`;
      item.append(el('span', `${when}${status}`));
      const date = { date: m.date };
      if (m.status === 'planned') {
        const controls = el('div', null, 'row');
        controls.append(labelled(t('console-cancel'), t('console-the-meeting-of', date), act(() => api('PUT', `/schedule/${m.date}`, { cancelled: true }), t('console-cancel-done', date)), 'small secondary'));
        const move = el('input');
        move.type = 'datetime-local';
        move.setAttribute('aria-label', t('console-new-time', date));
        controls.append(move, labelled(t('console-move'), t('console-the-meeting-of', date), act(() => {
          if (!move.value) throw new Error(t('console-move-needs-time'));
          return api('PUT', `/schedule/${m.date}`, { start: move.value.slice(0, 16) });
        }, t('console-move-done', date)), 'small secondary'));
        item.append(controls);
      } else {
        item.append(labelled(t('console-undo'), t('console-the-change-to', date), act(() => api('PUT', `/schedule/${m.date}`, {}), t('console-undo-done', date)), 'small secondary'));
      }
      return item;
    }));
  }

  $('console-language').replaceChildren(...LANGUAGES.map((code) => { const o = el('option', t(`language-${code}`)); o.value = code; o.lang = code; return o; }));
  $('console-language').addEventListener('change', act(() => api('PUT', '/language', { language: $('console-language').value }), t('console-language-done')));
  $('console-retention-form').addEventListener('submit', act(() => {
    const months = $('console-retention').value.trim();
    return api('PUT', '/retention', { retention_months: months ? Number(months) : null });
  }, t('console-retention-done')));
  $('console-add-form').addEventListener('submit', act(async () => {
    const name = $('console-add-name').value.trim();
    if (!name) throw new Error(t('console-add-needs-name'));
    const added = await api('POST', '/members', { name });
    $('console-add-form').reset();
    showLink(t('console-link-of', { name }), added.link);
  }, t('console-add-done')));
  $('console-agreement-form').addEventListener('submit', act(async () => {
    const text = $('agreement-new-text').value.trim();
    if (!text) throw new Error(t('console-agreement-needs-text'));
    const review = $('agreement-review').value;
    await api('PUT', '/agreement', { text, ...(review ? { review_on: review } : {}), max_gap_days: maxGapDays() });
  }, t('console-publish-done')));
  $('schedule-zone').value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Amsterdam';
  $('console-schedule-form').addEventListener('submit', act(() => api('PUT', '/schedule', {
    rrule: $('schedule-rrule').value.trim(),
    start: $('schedule-start').value.slice(0, 16),
    time_zone: $('schedule-zone').value.trim(),
    duration_min: Number($('schedule-duration').value),
  }), t('console-schedule-done')));
  $('schedule-clear').addEventListener('click', async () => {
    if (!confirm(t('console-remove-schedule-confirm'))) return;
    await act(() => api('PUT', '/schedule', null), t('console-remove-schedule-done'))();
  });
  $('schedule-preset').addEventListener('change', () => {
    if ($('schedule-preset').value) $('schedule-rrule').value = $('schedule-preset').value;
  });

  // A form the browser refused (a field it checks itself) says so at the
  // field: an earlier error no longer stands beside it.
  for (const form of document.querySelectorAll('#console-view form')) form.addEventListener('invalid', () => say(''), true);
  refresh().catch(fail);
  // Who is here changes as members come and go: the page asks again now
  // and then while it is in view.
  setInterval(() => { if (!document.hidden) refresh().catch(fail); }, PRESENCE_REFRESH_MS);
  // Switching the page's language redraws the console in it.
  return () => refresh().catch(fail);
}
