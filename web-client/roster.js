// Who is in the group, who is here, and what each does now.

import { $, el, replace } from './dom.js';
import { model } from './session.js';
import { t } from './i18n.js';

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
    tags.push(t(m.present ? 'roster-here' : 'roster-away'));
    if (m.guest) tags.push(t('roster-guest'));
    if (meeting && meeting.facilitator === m.member_id) tags.push(t('roster-facilitator'));
    if (meeting && meeting.case && meeting.case.presenter === m.member_id) tags.push(t('roster-presenter'));
    const perspective = meeting && meeting.case && meeting.case.perspectives[m.member_id];
    if (perspective) tags.push(perspective);
    tags.push(t(m.agreement_accepted ? 'roster-accepted' : 'roster-not-accepted'));
    if (meeting && meeting.speaking_ms[m.member_id]) tags.push(t('roster-spoke', { time: minutes(meeting.speaking_ms[m.member_id]) }));
    item.append(el('span', ` — ${tags.join(', ')}`, 'muted'));
    return item;
  }));
}
