// The record beside the meeting: adding, editing, marking actions done.

import { $, el, button, fillSelect, replace } from './dom.js';
import { model, connection } from './session.js';
import { nameOf } from './model.js';
import { t } from './i18n.js';

let pendingRecord = null;
// The record item being edited, if any.
let editingItem = null;

/// The answer to an add or an edit: the form empties once the item is in;
/// on an error its text stays.
export function recordReplied(reply) {
  if (quickReplied(reply)) return;
  if (!reply.re || reply.re !== pendingRecord) return;
  pendingRecord = null;
  if (reply.type === 'ack') stopEditing();
}

function recordItem(x, inMeeting) {
  const item = el('li', null, x.done ? 'done' : '');
  const details = [t(`record-kind-${x.kind}`)];
  if (x.owner) details.push(t('record-item-owner', { name: nameOf(model, x.owner) }));
  if (x.due) details.push(t('record-item-due', { date: x.due }));
  if (x.tags && x.tags.length) details.push(x.tags.map((tag) => t(`tag-${tag}`)).join(', '));
  if (x.done) details.push(t('record-item-done'));
  item.append(el('span', x.text), el('span', ` (${details.join('; ')})`, 'muted'));
  const me = model.me.member_id;
  if (x.may_edit.includes(me)) item.append(button(t('record-edit'), () => editItem(x), 'small secondary'));
  if (x.may_mark_done.includes(me)) item.append(button(t('record-mark-done'), () => connection.send('record.done', { item_id: x.item_id }), 'small'));
  if (!inMeeting) item.dataset.earlier = 'true';
  return item;
}

function editItem(x) {
  editingItem = x.item_id;
  $('record-kind').value = x.kind;
  $('record-kind').disabled = true;
  $('record-text').value = x.text;
  $('action-fields').hidden = x.kind !== 'action';
  if (x.owner) $('record-owner').value = x.owner;
  $('record-due').value = x.due || '';
  for (const option of $('record-tags').options) option.selected = (x.tags || []).includes(option.value);
  $('record-submit').textContent = t('record-save');
  $('record-cancel').hidden = false;
  $('record-text').focus();
}

/// The record form back to adding, empty (tags too).
function stopEditing() {
  editingItem = null;
  $('record-form').reset();
  $('record-kind').disabled = false;
  $('action-fields').hidden = true;
  $('record-submit').textContent = t('record-add');
  $('record-cancel').hidden = true;
}

export function renderRecord() {
  $('quick-record').hidden = !model.meeting || model.meeting.status === 'lobby';
  // The record belongs to an open meeting: no form that can only fail.
  $('record-form').hidden = !model.meeting;
  const meeting = model.meeting;
  replace($('record'), (meeting ? meeting.record.map((x) => recordItem(x, true)) : []));
  replace($('open-actions'), model.openActions.map((x) => recordItem(x, false)));
  fillSelect($('record-owner'), model.group.members.map((m) => [m.member_id, m.name]));
  $('action-fields').hidden = $('record-kind').value !== 'action';
  // This meeting's downloads while it is open; ended ones are under Past meetings.
  $('export-record').hidden = !model.meeting;
  $('export-notes').hidden = !model.meeting;
}

/// The compact form beside the clock: one line for the record, for the
/// running case; actions with owners and dates are in the record's own form.
function wireQuickRecord() {
  $('quick-record').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('quick-record-text').value.trim();
    if (!text) return;
    const fields = { kind: $('quick-record-kind').value, text };
    const running = model.meeting && model.meeting.case;
    if (running) fields.case_id = running.case_id;
    quickPending = connection.send('record.add', fields);
  });
}

let quickPending = null;

/// The quick form empties once its item is in.
function quickReplied(reply) {
  if (!reply.re || reply.re !== quickPending) return false;
  quickPending = null;
  if (reply.type === 'ack') $('quick-record').reset();
  return true;
}

export function wireRecord() {
  wireQuickRecord();
  $('record-cancel').addEventListener('click', () => { stopEditing(); $('record-text').focus(); });
  $('record-kind').addEventListener('change', () => { $('action-fields').hidden = $('record-kind').value !== 'action'; });
  $('record-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const kind = $('record-kind').value;
    const fields = { kind, text: $('record-text').value.trim() };
    const tags = [...$('record-tags').selectedOptions].map((o) => o.value);
    if (tags.length) fields.tags = tags;
    if (kind === 'action') {
      fields.owner = $('record-owner').value;
      if ($('record-due').value) fields.due = $('record-due').value;
    }
    if (editingItem) {
      const edit = { item_id: editingItem, text: fields.text, tags: fields.tags || [] };
      if (kind === 'action') { edit.owner = fields.owner; if (fields.due) edit.due = fields.due; }
      pendingRecord = connection.send('record.edit', edit);
      return;
    }
    const running = model.meeting && model.meeting.case;
    if (running) fields.case_id = running.case_id;
    pendingRecord = connection.send('record.add', fields);
  });
}
