// What every view reads: the member's model of the meeting, the connection,
// and the selectors over them, computed in one place.

export let model = null;
export let connection = null;
export function setModel(next) { model = next; }
export function setConnection(next) { connection = next; }

export const BUILTIN_TEMPLATES = ['sgs', 'incident', 'balint', 'open', 'peers', 'tietze', 'roddel'];
export const TEMPLATE_NAMES = { sgs: 'Structured Group Supervision', incident: 'Incident method', balint: 'Balint', open: 'Open discussion', peers: 'PEERS (individual)', tietze: 'Kollegiale Beratung (Tietze)', roddel: 'Roddel (gossip) method' };

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
  return found ? found.title : 'this case';
}
