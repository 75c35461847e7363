// Beyond the video call, for whoever runs the meeting (the convener in the
// console, the facilitator on their page): show the meeting on a room
// screen, retire that screen, and invite a guest for one meeting.

import { el, button } from './dom.js';
import { linkField } from './console.js';
import { t, showError, ServerError } from './i18n.js';

/// The controls, working through `api(method, path, body)` — the group's
/// HTTP API with the caller's own token.
export function roomControls(api) {
  const box = el('div', null, 'room-controls');
  const result = el('div');
  const status = el('p', '', 'muted');
  status.setAttribute('role', 'status');
  const fail = (error) => { showError(status, error); status.className = 'error'; };
  const titles = el('input');
  titles.type = 'checkbox';
  titles.id = `room-titles-${Math.random().toString(36).slice(2)}`;
  const titlesLabel = el('label', null, 'check');
  titlesLabel.append(titles, el('span', ` ${t('room-show-titles')}`));
  const showScreen = button(t('room-show'), async () => {
    try {
      const shown = await api('POST', '/display', { show_titles: titles.checked });
      result.replaceChildren(linkField(t('room-link'), shown.link));
      status.className = 'muted';
      status.textContent = t('room-shown');
    } catch (error) { fail(error); }
  }, 'small');
  const retire = button(t('room-retire'), async () => {
    try {
      await api('DELETE', '/display');
      result.replaceChildren();
      status.className = 'muted';
      status.textContent = t('room-retired');
    } catch (error) { fail(error); }
  }, 'small secondary');
  const form = el('form', null, 'row');
  const nameId = `guest-name-${Math.random().toString(36).slice(2)}`;
  const label = el('label', t('guest-name'));
  label.htmlFor = nameId;
  const name = el('input');
  name.id = nameId;
  name.maxLength = 80;
  name.autocomplete = 'off';
  const invite = el('button', t('guest-invite'));
  invite.type = 'submit';
  form.append(label, name, invite);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!name.value.trim()) return;
    try {
      const guest = await api('POST', '/guests', { name: name.value.trim() });
      result.replaceChildren(el('p', t('guest-invited', { name: name.value.trim() })), linkField(t('guest-link', { name: name.value.trim() }), guest.link));
      name.value = '';
      status.textContent = '';
    } catch (error) { fail(error); }
  });
  const screenRow = el('div', null, 'row');
  screenRow.append(titlesLabel, showScreen, retire);
  box.append(el('h3', t('room-title'), 'small'), screenRow, form, status, result);
  return box;
}

/// The group's API with a member's token, as the facilitator's page uses it.
export function memberApi(token, groupId) {
  return async (method, path, body) => {
    const response = await fetch(`/api/groups/${groupId}${path}?g=${groupId}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const result = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ServerError(result && result.code, result && result.message);
    return result;
  };
}
