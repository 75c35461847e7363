// What every view reads: the member's model of the meeting, the connection,
// and the selectors over them, computed in one place.

import { t, has } from './i18n.js';

export let model = null;
export let connection = null;
export function setModel(next) { model = next; }
export function setConnection(next) { connection = next; }

export const BUILTIN_TEMPLATES = ['sgs', 'incident', 'balint', 'open', 'peers', 'tietze', 'roddel'];

/// A template's name in the page's language; a group's own templates keep theirs.
export function templateName(name) {
  return BUILTIN_TEMPLATES.includes(name) ? t(`template-${name}`) : name;
}

/// A built-in template's phase in the page's language (its message is the
/// English name with dashes, `phase-request-for-help`); a group's own
/// template's phases keep the names the group gave them.
export function phaseName(template, name) {
  const id = `phase-${name.replace(/ /g, '-')}`;
  return BUILTIN_TEMPLATES.includes(template) && has(id) ? t(id) : name;
}

/// A round's label: check-in and check-out in the page's language.
export function roundName(label) {
  if (!label) return t('round-default');
  return has(`round-${label}`) ? t(`round-${label}`) : label;
}

// Commands whose answers are the page's own business (autosaves): their
// acks must not clear an error the member has not read yet.
export const quiet = new Set();

export function isFacilitator() { return model.meeting && model.meeting.facilitator === model.me.member_id; }
export function current() { return model.meeting && (model.meeting.case || model.meeting.round); }

/// The running case a note to the presenter goes to, if any.
export function noteCase() {
  const c = model.meeting && model.meeting.case;
  return c && c.presenter !== model.me.member_id ? c : null;
}

export function caseTitle(caseId) {
  const found = model.queue.find((x) => x.case_id === caseId);
  return found ? found.title : t('this-case');
}
