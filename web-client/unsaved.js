// Text not yet saved — a note being written, record text typed but not
// added — is not lost without asking: leaving the page, or ending the
// meeting, asks first.

import { $ } from './dom.js';
import { noteEditor } from './notes.js';
import { t } from './i18n.js';

export function hasUnsavedText() {
  const typed = (id) => $(id) && $(id).value.trim() !== '';
  return noteEditor.state === 'edited' || noteEditor.state === 'sending' || typed('record-text') || typed('quick-record-text');
}

export function wireUnsaved() {
  window.addEventListener('beforeunload', (event) => {
    if (!hasUnsavedText()) return;
    event.preventDefault();
    event.returnValue = '';
  });
}

/// True when the meeting may end: nothing unsaved, or the member said so.
export function endDespiteUnsaved() {
  return !hasUnsavedText() || confirm(t('unsaved-end-confirm'));
}
