// The convener's console: the group between meetings. Everything here goes
// through the same HTTP API a third-party tool would use.

import { $, el, button as plainButton, labelled } from './dom.js';

function button(label, onClick, className = 'small') {
  return plainButton(label, onClick, className);
}

const LANGUAGES = { en: 'English', de: 'Deutsch', nl: 'Nederlands' };
/// Meetings in the group's own zone: the convener plans in it.
const inZone = (zone) => new Intl.DateTimeFormat(undefined, {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: 'short',
});
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/// A link field with a Copy button, as the start page shows members' links.
export function linkField(label, link) {
  const wrap = el('div', null, 'link-field');
  const input = el('input');
  input.readOnly = true;
  input.value = link;
  input.setAttribute('aria-label', label);
  const copy = button(`Copy ${label.charAt(0).toLowerCase()}${label.slice(1)}`, async () => {
    try { await navigator.clipboard.writeText(link); copy.textContent = 'Copied'; } catch { input.select(); }
  });
  wrap.append(input, copy);
  return wrap;
}

export function startConsole(token) {
  $('console-view').hidden = false;
  const api = async (method, path, body) => {
    const response = await fetch(`/api/groups/${groupId}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const result = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(result && result.message ? result.message : `The server answered ${response.status}.`);
    return result;
  };
  // The convener's link carries the token alone: the console learns the
  // group's id from the server (GET /api/convener).
  let groupId = '';
  const say = (text, isError = false) => {
    $('console-status').textContent = text;
    $('console-status').className = isError ? 'error' : 'muted';
  };
  const act = (work, done) => async (event) => {
    if (event) event.preventDefault();
    try { await work(); say(done); await refresh(); } catch (error) { say(error.message, true); }
  };

  async function refresh() {
    if (!groupId) {
      const response = await fetch('/api/convener', { headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error('This convener link does not work (any more).');
      groupId = (await response.json()).group_id;
    }
    render(await api('GET', ''));
  }

  function render(view) {
    $('group-name').textContent = `— ${view.name}`;
    $('console-title').textContent = `${view.name}: managing the group`;
    $('console-language').value = view.language;
    renderMembers(view);
    renderAgreement(view);
    renderSchedule(view);
  }

  function renderMembers(view) {
    const inForce = view.agreement.in_force;
    $('console-members').replaceChildren(...view.members.map((m) => {
      const row = el('tr');
      const accepted = m.agreement_version
        ? `accepted version ${m.agreement_version} on ${dateOnly.format(new Date(m.accepted_at))}` + (m.agreement_version < inForce ? ' (must accept again)' : '')
        : 'has not accepted the agreement yet';
      const actions = el('td');
      actions.append(
        labelled('New link', `for ${m.name}`, act(async () => {
          const issued = await api('POST', `/members/${m.member_id}/token`);
          showLink(`${m.name}'s new link`, issued.link);
        }, `${m.name} has a new link; the old one no longer works.`)),
        labelled('Remove', m.name, async () => {
          if (!confirm(`Remove ${m.name} from the group? Their link stops working at once.`)) return;
          await act(() => api('DELETE', `/members/${m.member_id}`), `${m.name} was removed.`)();
        }, 'small danger'),
      );
      row.append(el('th', m.name), el('td', m.present ? 'here now' : 'away'), el('td', accepted), actions);
      row.querySelector('th').scope = 'row';
      return row;
    }));
  }

  function showLink(label, link) {
    $('console-link').replaceChildren(el('p', `${label}: send it to them only.`), linkField(label, link));
    $('console-link').hidden = false;
  }

  function renderAgreement(view) {
    const a = view.agreement;
    $('console-agreement-version').textContent = `Version ${a.version}` + (a.review_on ? `, to be reviewed on ${a.review_on}` : '') + (a.in_force !== a.version ? ` (in force from the end of the open meeting; version ${a.in_force} until then)` : '');
    $('console-review-due').hidden = !a.review_due;
    $('console-agreement-text').replaceChildren(...a.text.split('\n').map((line) => el('p', line)));
    if (!$('agreement-new-text').value) $('agreement-new-text').value = a.text;
    $('console-agreements').replaceChildren(...view.agreements.slice().reverse().map((v) => el('li',
      `Version ${v.version}` + (v.published_at ? `, published ${dateOnly.format(new Date(v.published_at))}` : '') + (v.review_on ? `, review on ${v.review_on}` : ''))));
  }

  function renderSchedule(view) {
    const s = view.schedule;
    $('console-schedule-summary').textContent = s
      ? `${s.rrule} from ${s.start.replace('T', ' ')} (${s.time_zone}), ${s.duration_min} minutes.`
      : 'No schedule yet.';
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
      const status = m.status === 'cancelled' ? ' — cancelled' : m.status === 'moved' ? ' — moved' : '';
      item.append(el('span', `${when}${status}`));
      if (m.status === 'planned') {
        const controls = el('div', null, 'row');
        controls.append(labelled('Cancel', `the meeting of ${m.date}`, act(() => api('PUT', `/schedule/${m.date}`, { cancelled: true }), `The meeting of ${m.date} is cancelled.`), 'small secondary'));
        const move = el('input');
        move.type = 'datetime-local';
        move.setAttribute('aria-label', `New time for the meeting of ${m.date}`);
        controls.append(move, labelled('Move', `the meeting of ${m.date}`, act(() => {
          if (!move.value) throw new Error('Choose the new date and time first.');
          return api('PUT', `/schedule/${m.date}`, { start: move.value.slice(0, 16) });
        }, `The meeting of ${m.date} is moved.`), 'small secondary'));
        item.append(controls);
      } else {
        item.append(labelled('Undo', `the change to ${m.date}`, act(() => api('PUT', `/schedule/${m.date}`, {}), `The meeting of ${m.date} is back as planned.`), 'small secondary'));
      }
      return item;
    }));
  }

  $('console-language').replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => { const o = el('option', name); o.value = code; return o; }));
  $('console-language').addEventListener('change', act(() => api('PUT', '/language', { language: $('console-language').value }), 'The group\'s language is changed.'));
  $('console-add-form').addEventListener('submit', act(async () => {
    const name = $('console-add-name').value.trim();
    if (!name) throw new Error('Give the new member\'s name.');
    const added = await api('POST', '/members', { name });
    $('console-add-form').reset();
    showLink(`${name}'s link`, added.link);
  }, 'The member was added.'));
  $('console-agreement-form').addEventListener('submit', act(async () => {
    const text = $('agreement-new-text').value.trim();
    if (!text) throw new Error('The agreement needs a text.');
    const review = $('agreement-review').value;
    await api('PUT', '/agreement', review ? { text, review_on: review } : { text });
  }, 'A new version is published: every member is asked to accept it.'));
  $('schedule-zone').value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Amsterdam';
  $('console-schedule-form').addEventListener('submit', act(() => api('PUT', '/schedule', {
    rrule: $('schedule-rrule').value.trim(),
    start: $('schedule-start').value.slice(0, 16),
    time_zone: $('schedule-zone').value.trim(),
    duration_min: Number($('schedule-duration').value),
  }), 'The schedule is saved; members see the next meetings.'));
  $('schedule-clear').addEventListener('click', async () => {
    if (!confirm('Remove the schedule?')) return;
    await act(() => api('PUT', '/schedule', null), 'The schedule is removed.')();
  });
  $('schedule-preset').addEventListener('change', () => {
    if ($('schedule-preset').value) $('schedule-rrule').value = $('schedule-preset').value;
  });

  refresh().catch((error) => say(error.message, true));
}
