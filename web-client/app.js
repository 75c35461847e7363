// Rondo's web client: the page beside the video call. This module starts
// the page and routes what happens to the views; each view renders its own
// part (dom.js, session.js for the shared selectors).

import { Connection } from './connection.js';
import { apply, fromWelcome, nameOf } from './model.js';
import { linkField, startConsole } from './console.js';
import { $, el, button, announce, show } from './dom.js';
import { model, connection, setModel, setConnection, isFacilitator, current, quiet } from './session.js';
import { renderCase, renderTitle } from './caseview.js';
import { renderControls, wireControls } from './controls.js';
import { wireGuide } from './guide.js';
import { renderRoster } from './roster.js';
import { renderQueue } from './queue.js';
import { noteEditor, saveNote, noteSaved, renderNotes, renderNoteEditor, forgetMissingNote, wireNotes } from './notes.js';
import { renderRecord, recordReplied, wireRecord } from './record.js';
import { renderSummary, wireSummary } from './summary.js';
import { renderNext, renderPast, wireLobby } from './lobby.js';
import { tick } from './clock.js';

const TOKEN_KEY = 'rondo.token';
const CONVENER_KEY = 'rondo.convener';
const DEFAULT_AGREEMENT = [
  'Confidentiality: what is said about clients and colleagues stays in the group. Cases are presented without names or details that identify anyone.',
  'Respect: one person speaks at a time; we listen, we do not interrupt, and the presenter is silent while feedback is given.',
  'Recording: only the agreed record (areas, actions, decisions, disagreements) is kept; notes are private to whoever writes them.',
  'Review: we review this agreement together once a year.',
].join('\n');

let lastStatus = '';

// ----- start page: create a group -----

function startPage() {
  show('start-view', true);
  $('create-agreement').value = DEFAULT_AGREEMENT;
  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    // One group per submit, however often the button is pressed.
    const submit = $('create-form').querySelector('button[type=submit]');
    if (submit.disabled) return;
    submit.disabled = true;
    $('create-error').textContent = '';
    const members = $('create-members').value.split('\n').map((s) => s.trim()).filter(Boolean).map((name) => ({ name }));
    const body = { name: $('create-name').value.trim(), members, agreement: $('create-agreement').value };
    const response = await fetch('/api/groups', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const result = await response.json();
    if (!response.ok) {
      $('create-error').textContent = result.message || 'The group could not be created.';
      submit.disabled = false;
      return;
    }
    $('convener-link').replaceChildren(linkField('Convener link', result.convener_link));
    $('open-console').href = result.convener_link;
    $('open-console').addEventListener('click', () => { setTimeout(() => location.reload(), 0); });
    $('links').replaceChildren(...result.members.map((m) => {
      const item = el('li');
      const link = el('input');
      link.readOnly = true;
      link.value = m.link;
      link.setAttribute('aria-label', `Link for ${m.name}`);
      const copy = button(`Copy link for ${m.name}`, async () => {
        try { await navigator.clipboard.writeText(m.link); copy.textContent = 'Copied'; } catch { link.select(); }
      });
      item.append(el('strong', m.name), link, copy);
      return item;
    }));
    show('create-result', true);
  });
}

// ----- rendering -----

function render() {
  if (!model) return;
  const me = model.group.members.find((m) => m.member_id === model.me.member_id);
  $('group-name').textContent = `— ${model.group.name}`;
  const agreement = model.group.agreement;
  // Required: nothing else until accepted. Newer but not yet in force (it
  // was published during this meeting): asked beside the meeting.
  const required = model.agreementRequired;
  const newer = me && (me.agreement_version || 0) < agreement.version;
  show('agreement-view', required || newer);
  show('meeting-view', !required);
  $('agreement-ask').hidden = required || !newer;
  $('agreement-ask').textContent = newer && !required
    ? `A new version of the agreement was published. It applies from the end of this meeting; please read and accept it.` : '';
  $('agreement-version').textContent = `Version ${agreement.version}` + (agreement.review_on ? `, to be reviewed on ${agreement.review_on}` : '');
  $('agreement-text').replaceChildren(...agreement.text.split('\n').map((line) => el('p', line)));
  renderNext();
  renderPast();
  renderSummary();
  renderNoteEditor();
  renderTitle();
  renderCase();
  renderControls();
  renderRoster();
  renderQueue();
  renderNotes();
  renderRecord();
  tick();
  // Last: only now is it known which controls are shown.
  keepFocus();
}

// ----- events and announcements -----

/// A short tone and a vibration, when the member asked for them (off by
/// default): for a turn that comes while they look at the video call.
function alertTurn() {
  if (!$('alert-on').checked) return;
  if (navigator.vibrate) navigator.vibrate([120, 60, 120]);
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 660;
    volume.gain.value = 0.08;
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch { /* no audio here: the title and the announcement still tell */ }
}

/// After an action the control may be gone (it was replaced by the next
/// step's): focus goes to the next sensible place, never to the page's start.
let interacted = false;
for (const kind of ['pointerdown', 'keydown']) document.addEventListener(kind, () => { interacted = true; }, { capture: true });

function keepFocus() {
  if (!interacted) return; // the page never takes focus on its own
  const active = document.activeElement;
  if (active && active !== document.body && active.offsetParent) return;
  const candidates = ['main-action', 'done', 'lower-hand', 'raise-hand', 'accept-agreement', 'propose-title'];
  const target = candidates.map((id) => $(id)).find((e) => e && e.offsetParent);
  (target || $('main')).focus();
}

function onEvent(event) {
  const previousFacilitator = model.meeting && model.meeting.facilitator;
  apply(model, event);
  const meeting = model.meeting;
  const me = model.me.member_id;
  if (event.type === 'turn.started') {
    // The phase was said when it started: a turn says only who speaks.
    announce(event.member === me ? "It's your turn." : `${nameOf(model, event.member)} is speaking.`);
    if (event.member === me) alertTurn();
    const r = current();
    if (r && r.order[0] === me && event.member !== me) setTimeout(() => announce("You're next."), 1500);
  } else if (event.type === 'phase.started') {
    const silent = meeting.case.presenter === me && event.phase.presenter_silent;
    announce(`${event.phase.name}.${silent ? ' You are the presenter: please listen without replying.' : ''}`);
  } else if (event.type === 'meeting.started') announce('The meeting has started.');
  else if (event.type === 'meeting.ended') announce('The meeting has ended.');
  else if (event.type === 'hand.raised' && isFacilitator() && event.member !== me) announce(`${nameOf(model, event.member)} raised a hand.`);
  else if (event.type === 'turn.ended' && event.reason === 'skipped' && event.member === me) announce('The facilitator moved on from your turn.');
  else if (event.type === 'timer.extended') announce(`${event.seconds >= 60 ? `${Math.round(event.seconds / 60)} more minute${event.seconds >= 120 ? 's' : ''}` : `${event.seconds} more seconds`}.`);
  else if (event.type === 'turn.overtime' && event.member === me) announce('Your time is up; please finish.');
  else if (event.type === 'phase.overtime') announce('The phase is over time.');
  else if (event.type === 'note.saved' && event.note.author !== me && event.note.sent) announce(`A note from ${nameOf(model, event.note.author)}.`);
  else if (event.type === 'meeting.paused') announce('The meeting is paused.');
  else if (event.type === 'meeting.resumed') announce('The meeting resumed.');
  else if (event.type === 'case.ended') announce('The case has ended.');
  else if (event.type === 'facilitator.changed') {
    const why = event.reason === 'absent' ? ` because ${nameOf(model, previousFacilitator)} was away` : '';
    if (event.facilitator === me) announce(`You are now the facilitator${event.reason === 'absent' ? ': the facilitator was away' : ''}.`);
    else if (event.reason !== 'opened') announce(`${nameOf(model, event.facilitator)} facilitates now${why}.`);
  }
  if (event.type === 'meeting.opened' && noteEditor.state === 'edited') saveNote();
  if (event.type === 'meeting.opened') model.summary = null;
  render();
  // The summary takes focus only from a control that went away (the
  // facilitator's button), never from someone typing.
  const lost = document.activeElement === document.body || !document.activeElement.offsetParent;
  if ((event.type === 'meeting.ended' || event.type === 'case.ended') && model.summary && lost) $('summary').focus();
}

function onReply(reply) {
  const own = !quiet.delete(reply.re);
  if (reply.type === 'error') $('error').textContent = reply.message;
  else if (own) $('error').textContent = '';
  recordReplied(reply);
}

function onStatus(status) {
  // Said only when it changes: being connected is not news after every click.
  const text = status.online ? 'Connected'
    : `Offline — reconnecting${status.waiting ? `; ${status.waiting} action(s) will be sent when back` : ''}`;
  if (text === lastStatus) return;
  lastStatus = text;
  $('connection').textContent = text;
  $('connection').classList.toggle('offline', !status.online);
}

// ----- wiring the static controls -----

function wire() {
  const send = (type, fields) => () => connection.send(type, fields);
  $('accept-agreement').addEventListener('click', () => connection.send('agreement.accept', { version: model.group.agreement.version }));
  $('raise-hand').addEventListener('click', send('hand.raise'));
  $('lower-hand').addEventListener('click', send('hand.lower'));
  $('done').addEventListener('click', send('turn.done'));
  $('pass').addEventListener('click', send('turn.pass'));
  $('submit-contribution').addEventListener('click', () => {
    const text = $('contribution').value.trim();
    if (text) connection.send('contribution.submit', { text });
  });
  $('propose-form').addEventListener('submit', (event) => {
    event.preventDefault();
    connection.send('case.propose', {
      title: $('propose-title').value.trim(), question: $('propose-question').value.trim(),
      minutes: Number($('propose-minutes').value) || 30, urgent: $('propose-urgent').checked,
    });
    $('propose-form').reset();
  });
  const ALERT_KEY = 'rondo.alert';
  $('alert-on').checked = localStorage.getItem(ALERT_KEY) === 'on';
  $('alert-on').addEventListener('change', () => localStorage.setItem(ALERT_KEY, $('alert-on').checked ? 'on' : 'off'));
  const SHORTCUTS_KEY = 'rondo.shortcuts';
  $('shortcuts-on').checked = localStorage.getItem(SHORTCUTS_KEY) !== 'off';
  $('shortcuts-on').addEventListener('change', () => localStorage.setItem(SHORTCUTS_KEY, $('shortcuts-on').checked ? 'on' : 'off'));
  document.addEventListener('keydown', (event) => {
    // Alt+Shift: screen readers' single-key commands stay theirs.
    if (!$('shortcuts-on').checked || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || !model) return;
    const key = event.key.toLowerCase();
    if (key === 'h') {
      const target = !$('lower-hand').hidden ? $('lower-hand') : $('raise-hand');
      if (!target.hidden) target.click();
    } else if (key === 'd' && !$('done').hidden) $('done').click();
  });
  setInterval(tick, 250);
  wireGuide();
  wireControls();
  wireNotes();
  wireRecord();
  wireSummary(render);
  wireLobby();
}

function main() {
  const hash = new URLSearchParams(location.hash.slice(1));
  // A link's key leaves the address bar at once, and is kept for this tab.
  // The key is kept on this device, so a bookmark of the page (which no
  // longer shows it) opens the meeting again; the tab's own choice first.
  if (hash.get('t')) {
    for (const store of [sessionStorage, localStorage]) { store.setItem(TOKEN_KEY, hash.get('t')); store.removeItem(CONVENER_KEY); }
  } else if (hash.get('c')) {
    for (const store of [sessionStorage, localStorage]) { store.setItem(CONVENER_KEY, hash.get('c')); store.removeItem(TOKEN_KEY); }
  }
  if (hash.get('t') || hash.get('c')) history.replaceState(null, '', location.pathname);
  const kept = (key) => sessionStorage.getItem(key) || localStorage.getItem(key);
  const convener = kept(CONVENER_KEY);
  if (convener) { startConsole(convener); return; }
  const token = kept(TOKEN_KEY);
  if (!token) { startPage(); return; }
  wire();
  setConnection(new Connection(token, {
    onWelcome: (welcome) => {
      setModel(fromWelcome(welcome));
      // A note this member had open: keep editing the same one after a reconnect.
      forgetMissingNote();
      render();
    },
    onEvent,
    onReply: (reply) => {
      onReply(reply);
      if (reply.re && reply.re === noteEditor.pending) noteSaved(reply);
    },
    onStatus,
    onClosedForGood: () => {
      sessionStorage.removeItem(TOKEN_KEY);
      localStorage.removeItem(TOKEN_KEY);
      $('connection').textContent = 'This link no longer works. Ask your convener for a new one.';
    },
  }));
  onStatus({ online: false, waiting: 0 });
  connection.start();
}

// A member's or convener's link pasted into an open Rondo tab changes only
// the fragment: start again with it.
window.addEventListener('hashchange', () => {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('t') || hash.get('c')) location.reload();
});

main();
