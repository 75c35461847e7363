// What a case or a meeting came to, shown when it ends.

import { $, el, button, show } from './dom.js';
import { model } from './session.js';
import { nameOf } from './model.js';
import { downloadRecord, downloadNotes } from './lobby.js';

const durationOf = (ms) => { const m = Math.round(ms / 60000); return m < 1 ? 'under a minute' : `${m} min`; };

/// The summary at the end of a case or a meeting, with its downloads.
export function renderSummary() {
  const s = model.summary;
  show('summary', Boolean(s));
  if (!s) return;
  const title = s.kind === 'case' ? `${nameOf(model, s.presenter)}'s case: summary` : 'The meeting: summary';
  $('summary-title').textContent = title;
  const body = [];
  const list = (heading, entries) => {
    if (!entries.length) return;
    body.push(el('h3', heading));
    const ul = el('ul');
    entries.forEach((text) => ul.append(el('li', text)));
    body.push(ul);
  };
  list('Cases', s.cases.map((c) => `${c.title} — ${nameOf(model, c.presenter)}`));
  list('Actions', s.actions.map((a) => `${a.text} — ${a.owner ? nameOf(model, a.owner) : 'no owner'}${a.due ? `, by ${a.due}` : ''}`));
  list('Decisions', s.decisions.map((d) => d.text));
  list('Disagreements', s.disagreements.map((d) => d.text));
  list('Areas and discussion', s.areas.map((d) => d.text));
  list('Time each member spoke', s.speaking.map(([id, ms]) => `${nameOf(model, id)}: ${durationOf(ms)}`));
  if (body.length === 0) body.push(el('p', 'Nothing was recorded.', 'muted'));
  $('summary-body').replaceChildren(...body);
  $('summary-downloads').replaceChildren(
    button('Download the record', () => downloadRecord(s.meetingId, 'md'), 'small'),
    button('Download my notes', () => downloadNotes(s.meetingId), 'small secondary'),
  );
}

export function wireSummary(render) {
  $('summary-close').addEventListener('click', () => { model.summary = null; render(); $('main').focus(); });
}
