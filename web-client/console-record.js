// The console's part of the members' record of supervision: the gap since
// the group last met, the rule that credits time, and the ended meetings'
// attendance for the convener to countersign.

import { $, el, labelled, fillSelect } from './dom.js';
import { t, dateFormat } from './i18n.js';
import { countersignable } from './supervision.js';

const day = (at) => dateFormat({ dateStyle: 'medium' }).format(new Date(at));
const CREDIT_RULES = ['attended', 'shared'];

/// Draws the panel from the convener's view of the group. `api` is the
/// console's request to the group, `act` its action wrapper.
export function renderConsoleRecord(view, token, api, act) {
  const gap = view.supervision_gap;
  $('console-gap').hidden = !gap;
  if (gap) $('console-gap').textContent = t('supervision-gap', { date: day(`${gap.since}T12:00:00Z`), days: gap.days });
  if (document.activeElement !== $('agreement-max-gap')) {
    $('agreement-max-gap').value = view.agreement.max_gap_days == null ? '' : String(view.agreement.max_gap_days);
  }
  fillSelect($('console-credit-rule'), CREDIT_RULES.map((rule) => [rule, t(`console-credit-${rule}`)]), false);
  $('console-credit-rule').value = view.credit_rule || 'attended';
  const name = (id) => (view.members.find((m) => m.member_id === id) || { name: t('someone') }).name;
  const meetings = (view.past_meetings || []).filter((m) => m.attendance && m.attendance.length);
  $('console-attendance').replaceChildren(...meetings.map((m) => {
    const when = day(m.started_at || m.opened_at);
    const item = el('li');
    const confirmed = m.attendance.filter((a) => a.confirmed_at).length;
    item.append(el('span', t('console-attendance-line', { when, confirmed, present: m.attendance.length })));
    if (m.countersigned) {
      const by = m.countersigned.by === 'convener' ? t('attendance-convener') : name(m.countersigned.by);
      item.append(el('span', ` ${t('attendance-countersigned', { name: by, date: day(m.countersigned.at) })}`, 'muted'));
    } else if (countersignable(m)) {
      item.append(' ', labelled(t('attendance-countersign'), t('attendance-of', { when }), act(async () => {
        const response = await fetch(`/api/meetings/${encodeURIComponent(m.meeting_id)}/countersign?g=${encodeURIComponent(view.group_id)}`, {
          method: 'POST', headers: { Authorization: `Bearer ${token}` },
        });
        if (!response.ok) throw new Error(t('console-countersign-failed'));
      }, t('console-countersign-done', { when })), 'small'));
    } else {
      item.append(el('span', ` ${t('console-countersign-waits')}`, 'muted'));
    }
    return item;
  }));
  if (!meetings.length) $('console-attendance').replaceChildren(el('li', t('past-none'), 'muted'));
  $('console-credit-rule').onchange = act(() => api('PUT', '/credit_rule', { credit_rule: $('console-credit-rule').value }), t('console-credit-done'));
}

/// The agreement form's `max_gap_days`: a number of days, or none.
export function maxGapDays() {
  const value = $('agreement-max-gap').value.trim();
  return value === '' ? null : Number(value);
}
