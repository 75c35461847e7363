// Who is in the group, who is here, and what each does now.

import { $, el, replace } from './dom.js';
import { model } from './session.js';

export function minutes(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function renderRoster() {
  const meeting = model.meeting;
  replace($('roster'), model.group.members.map((m) => {
    const item = el('li', null, m.present ? 'present' : 'away');
    item.append(el('span', m.name, 'name'));
    const tags = [];
    tags.push(m.present ? 'here' : 'away');
    if (meeting && meeting.facilitator === m.member_id) tags.push('facilitator');
    if (meeting && meeting.case && meeting.case.presenter === m.member_id) tags.push('presenter');
    const perspective = meeting && meeting.case && meeting.case.perspectives[m.member_id];
    if (perspective) tags.push(perspective);
    tags.push(m.agreement_accepted ? 'accepted the agreement' : 'has not accepted the agreement yet');
    if (meeting && meeting.speaking_ms[m.member_id]) tags.push(`spoke ${minutes(meeting.speaking_ms[m.member_id])}`);
    item.append(el('span', ` — ${tags.join(', ')}`, 'muted'));
    return item;
  }));
}
