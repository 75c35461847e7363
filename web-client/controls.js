// A member's own controls (hand, Done, Pass) and the facilitator's rarer
// ones, one step away under "More facilitator controls".

import { $, fillSelect, show } from './dom.js';
import { model, connection, isFacilitator, current, BUILTIN_TEMPLATES, templateName } from './session.js';
import { nameOf } from './model.js';
import { t } from './i18n.js';
import { renderGuide } from './guide.js';

export function renderControls() {
  const meeting = model.meeting;
  const running = meeting && meeting.status === 'running';
  const r = current();
  const c = meeting && meeting.case;
  const phase = c && c.phase;
  const me = model.me.member_id;
  const inHands = meeting && meeting.hands.includes(me);
  const openPhase = running && phase && phase.kind === 'open';
  show('raise-hand', openPhase && !inHands);
  show('lower-hand', Boolean(meeting && inHands));
  const holding = running && r && r.turn && r.turn.member === me;
  // Only what this member can do now: Done while they hold the floor, Pass
  // for their turn in a round.
  show('done', Boolean(holding));
  show('pass', Boolean(holding && r.order !== undefined && (c ? c.phase.kind === 'round' : true)));
  const f = isFacilitator();
  renderGuide();
  show('facilitator-controls', f && running);
  if (!f || !running) return;
  const queued = model.queue.filter((x) => x.status === 'queued');
  // The first case of the queue, unless the facilitator chose another.
  fillSelect($('case-select'), queued.map((x) => [x.case_id, `${x.title} (${nameOf(model, x.presenter)})`]), Boolean($('case-select').dataset.chosen));
  const templates = BUILTIN_TEMPLATES.concat(model.group.settings.templates.map((t) => t.name));
  fillSelect($('template-select'), templates.map((name) => [name, templateName(name)]));
  if (!$('template-select').dataset.chosen) $('template-select').value = model.group.settings.default_template;
  // What cannot be used now is not shown.
  $('start-case').closest('.row').hidden = Boolean(r) || queued.length === 0;
  $('extend').closest('.row').hidden = !r;
  $('run-round').closest('.row').hidden = Boolean(r);
  const others = model.group.members.map((m) => [m.member_id, m.name]);
  const hands = meeting.hands.map((id) => [id, t('floor-hand-raised', { name: nameOf(model, id) })]);
  fillSelect($('floor-select'), hands.concat(others.filter(([id]) => !meeting.hands.includes(id))), false);
  $('give-floor').closest('.row').hidden = !openPhase;
  fillSelect($('perspective-member'), others);
  $('assign-perspective').closest('.row').hidden = !c;
  fillSelect($('handover-select'), others.filter(([id]) => id !== me));
}

export function wireControls() {
  $('template-select').addEventListener('change', () => { $('template-select').dataset.chosen = 'yes'; });
  $('case-select').addEventListener('change', () => { $('case-select').dataset.chosen = 'yes'; });
  $('start-case').addEventListener('click', () => {
    connection.send('case.start', { case_id: $('case-select').value, template: $('template-select').value });
    delete $('case-select').dataset.chosen;
  });
  $('extend').addEventListener('click', () => {
    const r = current();
    const type = r && r.turn && r.turn.deadline ? 'turn.extend' : 'phase.extend';
    connection.send(type, { seconds: Number($('extend-seconds').value) });
  });
  $('give-floor').addEventListener('click', () => connection.send('floor.give', { member: $('floor-select').value }));
  $('run-round').addEventListener('click', () => connection.send('round.start', { turn_s: Number($('round-turn').value), label: $('round-label').value }));
  $('assign-perspective').addEventListener('click', () => {
    const text = $('perspective-text').value.trim();
    connection.send('perspective.assign', { member: $('perspective-member').value, perspective: text || null });
  });
  $('hand-over').addEventListener('click', () => connection.send('facilitator.handover', { member: $('handover-select').value }));
}
