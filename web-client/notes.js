// A member's notes, and the note editor as a small state machine: `edited`
// (changes not yet sent), `sending` (one save in flight; a new note's id
// comes with its note.saved), `saved` (acknowledged).

import { $, el, button, announce, replace } from './dom.js';
import { model, connection, quiet, noteCase, caseTitle } from './session.js';
import { nameOf } from './model.js';
import { t } from './i18n.js';

let currentNoteId = null;
let noteTimer = null;
export const noteEditor = { state: 'saved', pending: null };

/// The note being edited is gone (a new meeting, say): start afresh.
export function forgetMissingNote() {
  if (currentNoteId && !model.notes.some((n) => n.note_id === currentNoteId)) currentNoteId = null;
}

export function renderNotes() {
  replace($('notes'), model.notes.map((n) => {
    const item = el('li');
    const mine = n.author === model.me.member_id;
    const label = n.visibility === 'private' ? t('note-label-private')
      : !mine ? t('note-label-from', { name: nameOf(model, n.author) })
      : t(n.draft ? 'note-label-draft' : n.sent ? 'note-label-sent' : 'note-label-to', { name: nameOf(model, n.presenter) });
    item.append(el('strong', `${label}: `), el('span', n.text));
    if (mine) {
      if (!n.sent) {
        item.append(button(t('note-edit'), () => {
          currentNoteId = n.note_id;
          Object.assign(noteEditor, { state: 'saved', pending: null, text: n.text });
          $('note-text').value = n.text;
          $('note-visibility').value = n.visibility;
          renderNoteEditor();
          $('note-text').focus();
        }, 'small'));
      }
      item.append(button(t('note-delete'), () => connection.send('note.delete', { note_id: n.note_id }), 'small'));
    }
    return item;
  }));
}

/// Saves the note being written: one save at a time; a note to the
/// presenter as a draft, theirs only once sent.
export function saveNote() {
  const text = $('note-text').value;
  const toPresenter = $('note-visibility').value === 'presenter';
  if (!text.trim()) return;
  if (!model.meeting) { $('note-state').textContent = t('note-kept'); return; }
  if (toPresenter && !noteCase()) { $('note-state').textContent = t('note-no-case'); return; }
  if (noteEditor.state === 'sending') return; // saved again when the answer comes
  const fields = { visibility: $('note-visibility').value, text };
  if (toPresenter) fields.draft = true;
  if (currentNoteId) fields.note_id = currentNoteId;
  const id = connection.send('note.save', fields);
  quiet.add(id);
  Object.assign(noteEditor, { state: 'sending', pending: id, text });
}

/// The answer to the note's save: a new note learns its id; text typed
/// meanwhile is saved next.
export function noteSaved(reply) {
  noteEditor.pending = null;
  if (reply.type !== 'ack') { noteEditor.state = 'edited'; $('note-state').textContent = t('note-not-saved'); return; }
  const first = !currentNoteId;
  if (first) {
    const mine = model.notes.filter((n) => n.author === model.me.member_id && n.text === noteEditor.text);
    if (mine.length) currentNoteId = mine[mine.length - 1].note_id;
  }
  if ($('note-text').value !== noteEditor.text) { noteEditor.state = 'edited'; saveNote(); return; }
  noteEditor.state = 'saved';
  $('note-state').textContent = t('note-saved');
  if (first) announce(t('note-saved-announced'));
  renderNoteEditor();
}

function resetNoteEditor() {
  currentNoteId = null;
  Object.assign(noteEditor, { state: 'saved', pending: null, text: '' });
  $('note-text').value = '';
  $('note-state').textContent = '';
  renderNoteEditor();
}

/// Whom the note goes to, and the Send button for a draft to the presenter.
export function renderNoteEditor() {
  const toPresenter = $('note-visibility').value === 'presenter';
  const c = model && model.meeting && noteCase();
  $('note-to').hidden = !toPresenter;
  $('note-to').textContent = !toPresenter ? ''
    : c ? t('note-to', { name: nameOf(model, c.presenter), title: caseTitle(c.case_id) })
      : t('note-no-case');
  const note = currentNoteId && model && model.notes.find((n) => n.note_id === currentNoteId);
  $('send-note').hidden = !(note && note.draft);
  if (c) $('send-note').textContent = t('note-send-to', { name: nameOf(model, c.presenter) });
  // A note keeps its kind: start a new note to write another kind.
  $('note-visibility').disabled = Boolean(currentNoteId);
}

export function wireNotes() {
  $('new-note').addEventListener('click', () => { resetNoteEditor(); $('note-text').focus(); });
  $('note-visibility').addEventListener('change', renderNoteEditor);
  $('note-text').addEventListener('input', () => {
    clearTimeout(noteTimer);
    if (noteEditor.state === 'saved') noteEditor.state = 'edited';
    $('note-state').textContent = t('note-not-saved-yet');
    noteTimer = setTimeout(saveNote, 800);
  });
  $('send-note').addEventListener('click', () => {
    const c = noteCase();
    if (!currentNoteId || !c) return;
    connection.send('note.send', { note_id: currentNoteId });
    announce(t('note-sent', { name: nameOf(model, c.presenter) }));
    resetNoteEditor();
    $('note-text').focus();
  });
}
