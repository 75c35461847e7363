// The case queue: proposing, withdrawing, and the facilitator's order.

import { $, el, button, labelled, replace } from './dom.js';
import { model, connection, isFacilitator } from './session.js';
import { nameOf } from './model.js';
import { t } from './i18n.js';

export function renderQueue() {
  replace($('queue'), model.queue.map((x) => {
    const item = el('li');
    const about = [t('queue-case', { name: nameOf(model, x.presenter), minutes: x.minutes })];
    if (x.urgent) about.push(t('queue-urgent'));
    if (x.status === 'active') about.push(t('queue-now'));
    item.append(el('strong', x.title), el('span', ` — ${about.join(', ')}`, 'muted'));
    if (x.question) item.append(el('p', x.question, 'question'));
    renderBrief(item, x);
    if (x.presenter === model.me.member_id && x.status === 'queued') {
      item.append(button(t('queue-withdraw'), () => connection.send('case.withdraw', { case_id: x.case_id })));
    }
    if (isFacilitator() && x.status === 'queued') {
      const arrow = (symbol, words, by) => labelled(symbol, words, () => moveCase(x.case_id, by), 'small secondary');
      item.append(arrow('↑', t('queue-up', { title: x.title }), -1), arrow('↓', t('queue-down', { title: x.title }), 1));
      // Dragging a case onto another puts it in that one's place.
      item.draggable = true;
      item.addEventListener('dragstart', (e) => { e.dataTransfer.setData('text/plain', x.case_id); });
      item.addEventListener('dragover', (e) => { e.preventDefault(); item.classList.add('drop-target'); });
      item.addEventListener('dragleave', () => item.classList.remove('drop-target'));
      item.addEventListener('drop', (e) => {
        e.preventDefault();
        item.classList.remove('drop-target');
        dropCase(e.dataTransfer.getData('text/plain'), x.case_id);
      });
    }
    return item;
  }));
}

/// A case's brief: shared, readable by all; unshared, its presenter's own
/// draft, to edit and share when ready.
function renderBrief(item, x) {
  const mine = x.presenter === model.me.member_id;
  if (x.brief && (x.brief_shared || mine)) {
    const details = el('details', null, 'brief');
    details.append(el('summary', t(x.brief_shared ? 'brief-shared' : 'brief-unshared')), el('p', x.brief));
    item.append(details);
  }
  if (!mine || x.status !== 'queued') return;
  const edit = button(t(x.brief ? 'brief-edit' : 'brief-add'), () => {
    const text = prompt(t('brief-prompt'), x.brief || '');
    if (text !== null) connection.send('case.edit', { case_id: x.case_id, brief: text });
  }, 'small secondary');
  item.append(edit);
  if (x.brief && !x.brief_shared) item.append(button(t('brief-share'), () => connection.send('case.share', { case_id: x.case_id }), 'small'));
}

function dropCase(moved, onto) {
  const order = model.queue.filter((x) => x.status === 'queued').map((x) => x.case_id);
  const from = order.indexOf(moved);
  const to = order.indexOf(onto);
  if (from < 0 || to < 0 || from === to) return;
  order.splice(to, 0, order.splice(from, 1)[0]);
  connection.send('case.reorder', { order });
}

function moveCase(caseId, by) {
  const order = model.queue.filter((x) => x.status === 'queued').map((x) => x.case_id);
  const i = order.indexOf(caseId);
  const j = i + by;
  if (i < 0 || j < 0 || j >= order.length) return;
  [order[i], order[j]] = [order[j], order[i]];
  connection.send('case.reorder', { order });
}
