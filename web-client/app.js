// Rondo's web client: the page beside the video call. This module starts
// the page and routes what happens to the views; each view renders its own
// part (dom.js, session.js for the shared selectors).

import { Connection } from './connection.js';
import { apply, fromWelcome, nameOf } from './model.js';
import { linkField, startConsole } from './console.js';
import { $, el, announce, show } from './dom.js';
import { model, connection, setModel, setConnection, isFacilitator, current, quiet, phaseName } from './session.js';
import { renderCase, renderTitle } from './caseview.js';
import { renderControls, wireControls } from './controls.js';
import { wireGuide } from './guide.js';
import { renderRoster } from './roster.js';
import { renderQueue } from './queue.js';
import { noteEditor, saveNote, noteSaved, renderNotes, renderNoteEditor, forgetMissingNote, wireNotes } from './notes.js';
import { renderRecord, recordReplied, wireRecord } from './record.js';
import { renderSummary, wireSummary } from './summary.js';
import { renderNext, renderPast, wireLobby } from './lobby.js';
import { renderGap, renderLog, renderLogSettings, renderCreditRule, wireSupervision } from './supervision.js';
import { tick } from './clock.js';
import { wireLimits } from './limits.js';
import { noteTurnEvent, renderTurnBar, setConnectionState, wireTurnBar } from './turnbar.js';
import { t, useLanguage, chooseLanguage, language, showError, ServerError, versionText, capitalized } from './i18n.js';
import { startDisplay } from './display.js';
import { startApp, wireNotifications, notifyHidden } from './pwa.js';
import { wireUnsaved } from './unsaved.js';
import { roomControls, memberApi } from './room.js';
import { chooseLink, forgetLink, keepLink, keptLinks, learntGroup, migrateOldLinks, setTabLink, tabLink } from './links.js';

const DISPLAY_KEY = 'rondo.display';

let lastStatus = '';
// What redraws the texts made in code when the member switches language.
let relabel = () => {};

// ----- start page: create a group -----

function startPage() {
  show('start-view', true);
  $('create-agreement').value = t('default-agreement');
  // The proposed agreement follows the language until someone edits it.
  let proposed = $('create-agreement').value;
  relabel = () => {
    if ($('create-agreement').value === proposed) $('create-agreement').value = proposed = t('default-agreement');
  };
  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    // One group per submit, however often the button is pressed.
    const submit = $('create-form').querySelector('button[type=submit]');
    if (submit.disabled) return;
    submit.disabled = true;
    $('create-error').textContent = '';
    const members = $('create-members').value.split('\n').map((s) => s.trim()).filter(Boolean).map((name) => ({ name }));
    // The group's records and calendars speak the language it was made in.
    const body = { name: $('create-name').value.trim(), members, agreement: $('create-agreement').value, language };
    const response = await fetch('/api/groups', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const result = await response.json();
    if (!response.ok) {
      showError($('create-error'), new ServerError(result.code, result.message));
      submit.disabled = false;
      return;
    }
    $('convener-link').replaceChildren(linkField(t('start-convener-link'), result.convener_link));
    $('open-console').href = result.convener_link;
    $('open-console').addEventListener('click', () => { setTimeout(() => location.reload(), 0); });
    $('links').replaceChildren(...result.members.map((m) => {
      const item = el('li');
      const link = el('input');
      link.readOnly = true;
      link.value = m.link;
      link.setAttribute('aria-label', t('start-link-for', { name: m.name }));
      item.append(el('strong', m.name), linkField(t('start-link-for', { name: m.name }), m.link));
      return item;
    }));
    show('create-result', true);
    offerToKeep(body.name, result);
  });
}

/// The links are shown once: offered to copy all at once or to keep in a
/// file, and the page asks before it is left with them neither copied nor kept.
function offerToKeep(groupName, result) {
  const text = [groupName, '', `${t('start-convener-link')}: ${result.convener_link}`, '',
    ...result.members.map((m) => `${m.name}: ${m.link}`), ''].join('\n');
  linksUnkept = true;
  const done = (message) => { linksUnkept = false; $('links-kept').textContent = message; };
  $('links-copy-all').addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(text); done(t('start-copied-all')); } catch { $('links-kept').textContent = t('start-copy-failed'); }
  });
  $('links-download').addEventListener('click', () => {
    const file = el('a');
    file.href = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    file.download = t('start-links-file', { group: groupName.replace(/[\\/:*?"<>|]/g, '') });
    document.body.append(file);
    file.click();
    file.remove();
    done(t('start-downloaded'));
  });
  // Opening the console is keeping the convener's link; the members' are in it too.
  $('open-console').addEventListener('click', () => { linksUnkept = false; });
}

// Links shown once and neither copied nor downloaded: leaving asks first.
let linksUnkept = false;
window.addEventListener('beforeunload', (event) => {
  if (linksUnkept) { event.preventDefault(); event.returnValue = ''; }
});

// ----- rendering -----

function render() {
  if (!model) return;
  const me = model.group.members.find((m) => m.member_id === model.me.member_id);
  $('group-name').textContent = `— ${model.group.name}`;
  const agreement = model.group.agreement;
  // Required: nothing else until accepted. Newer but not yet in force (it
  // was published during this meeting): asked beside the meeting. Both are
  // the server's to say.
  const required = model.agreementRequired;
  const newer = me && !me.accepted_latest;
  show('agreement-view', required || newer);
  show('meeting-view', !required);
  $('agreement-ask').hidden = required || !newer;
  $('agreement-ask').textContent = newer && !required ? t('agreement-newer') : '';
  $('agreement-version').textContent = versionText(agreement);
  $('agreement-text').replaceChildren(...agreement.text.split('\n').map((line) => el('p', line)));
  renderNext();
  renderGap();
  renderLogSettings();
  renderLog();
  renderCreditRule();
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
  renderRoomSlot();
  tick();
  renderTurnBar();
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
  // Never a text field further down (on a phone it scrolls the page away
  // and opens the keyboard): the turn bar's controls, else the bar itself.
  const candidates = ['main-action', 'done', 'lower-hand', 'raise-hand', 'accept-agreement', 'now'];
  const target = candidates.map((id) => $(id)).find((e) => e && e.offsetParent);
  (target || $('main')).focus({ preventScroll: true });
}

/// Events said the same way to everyone, with the message that says them.
const SAID = {
  'meeting.started': 'announce-started',
  'meeting.ended': 'announce-ended',
  'phase.overtime': 'announce-phase-overtime',
  'meeting.paused': 'announce-paused',
  'meeting.resumed': 'announce-resumed',
  'case.ended': 'announce-case-ended',
};

function onEvent(event) {
  const previousFacilitator = model.meeting && model.meeting.facilitator;
  apply(model, event);
  noteTurnEvent(event);
  const meeting = model.meeting;
  const me = model.me.member_id;
  if (event.type === 'turn.started') {
    // The phase was said when it started: a turn says only who speaks.
    announce(event.member === me ? t('announce-your-turn') : t('announce-speaking', { name: nameOf(model, event.member) }));
    if (event.member === me) { alertTurn(); notifyHidden('notify-turn'); }
    const r = current();
    if (r && r.order[0] === me && event.member !== me) setTimeout(() => announce(t('announce-next')), 1500);
  } else if (event.type === 'phase.started') {
    const silent = meeting.case.presenter === me && event.phase.presenter_silent;
    announce(t(silent ? 'announce-phase-silent' : 'announce-phase', { phase: capitalized(phaseName(meeting.case.template, event.phase.name)) }));
  } else if (event.type === 'hand.raised' && isFacilitator() && event.member !== me) announce(t('announce-hand', { name: nameOf(model, event.member) }));
  else if (event.type === 'turn.ended' && event.reason === 'skipped' && event.member === me) announce(t('announce-skipped'));
  else if (event.type === 'timer.extended') announce(event.seconds >= 60 ? t('announce-more-minutes', { minutes: Math.round(event.seconds / 60) }) : t('announce-more-seconds', { seconds: event.seconds }));
  else if (event.type === 'turn.overtime' && event.member === me) announce(t('announce-time-up'));
  else if (event.type === 'note.saved' && event.note.author !== me && event.note.sent) announce(t('announce-note', { name: nameOf(model, event.note.author) }));
  else if (SAID[event.type]) announce(t(SAID[event.type]));
  if (event.type === 'meeting.started') notifyHidden('notify-started');
  else if (event.type === 'facilitator.changed') {
    if (event.facilitator === me) announce(t(event.reason === 'absent' ? 'announce-you-facilitate-absent' : 'announce-you-facilitate'));
    else if (event.reason === 'absent') announce(t('announce-facilitates-absent', { name: nameOf(model, event.facilitator), previous: nameOf(model, previousFacilitator) }));
    else if (event.reason !== 'opened') announce(t('announce-facilitates', { name: nameOf(model, event.facilitator) }));
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
  if (reply.type === 'error') showError($('error'), new ServerError(reply.code, reply.message));
  else if (own) $('error').textContent = '';
  recordReplied(reply);
}

function onStatus(status) {
  setConnectionState(status);
  if (model) renderTurnBar();
  // Said only when it changes: being connected is not news after every click.
  const text = status.stalled ? t('connection-stalled')
    : status.online ? t('connection-online')
    : status.waiting ? t('connection-offline-waiting', { count: status.waiting }) : t('connection-offline');
  if (text === lastStatus) return;
  lastStatus = text;
  $('connection').textContent = text;
  $('connection').classList.toggle('offline', !status.online || status.stalled);
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
      ...($('propose-brief').value.trim() ? { brief: $('propose-brief').value.trim() } : {}),
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
  wireTurnBar();
  // A form the browser refused says why at its field: an earlier error from
  // the server no longer stands beside it.
  document.addEventListener('invalid', () => { $('error').textContent = ''; }, true);
  wireSupervision();
  wireNotifications($('alert-on'));
  wireUnsaved();
  // Printing is for a member's page: the record and the summaries, or the
  // member's log alone.
  $('print-page').hidden = false;
  $('print-page').addEventListener('click', () => printInGroupLanguage('page'));
  $('log-print').addEventListener('click', () => printInGroupLanguage('log'));
}

// The member's own language while the page is laid out for paper.
let languageBeforePrint = null;

/// What is printed (`page` or `log`, which the print styles follow) prints
/// in the group's language, the paper file's, whatever language this member
/// reads the page in. The page goes back on `afterprint`, not when print()
/// returns: Safari on a phone returns at once, before the paper is laid out.
async function printInGroupLanguage(part) {
  if (languageBeforePrint === null) {
    languageBeforePrint = language;
    window.addEventListener('afterprint', afterPrint, { once: true });
  }
  document.body.dataset.print = part;
  await useLanguage(model.group.language);
  render();
  window.print();
}

async function afterPrint() {
  delete document.body.dataset.print;
  const own = languageBeforePrint;
  languageBeforePrint = null;
  await useLanguage(own);
  render();
}

/// The room screen and guest controls, for the facilitator of an open
/// meeting: made once, kept while they facilitate.
function renderRoomSlot() {
  const slot = $('room-controls-slot');
  const facilitating = Boolean(model.meeting) && isFacilitator();
  if (!facilitating) { slot.replaceChildren(); return; }
  if (slot.firstChild) return;
  slot.append(roomControls(memberApi(tabLink().token, model.group.group_id)));
}

/// The language switch: the page changes language in place, the meeting
/// stays connected.
function wireLanguage() {
  $('language-switch').value = language;
  $('language-switch').addEventListener('change', async () => {
    await chooseLanguage($('language-switch').value);
    relabel();
  });
}

async function main() {
  await useLanguage();
  wireLanguage();
  wireLimits();
  startApp();
  const hash = new URLSearchParams(location.hash.slice(1));
  // A room display's link: the screen keeps it, so it comes back by itself
  // after a reload or a power cut.
  if (hash.get('d')) {
    localStorage.setItem(DISPLAY_KEY, hash.get('d'));
    history.replaceState(null, '', location.pathname);
  }
  if (hash.get('t') || hash.get('c')) localStorage.removeItem(DISPLAY_KEY);
  if (localStorage.getItem(DISPLAY_KEY) && !hash.get('t') && !hash.get('c')) {
    startDisplay(localStorage.getItem(DISPLAY_KEY));
    return;
  }
  migrateOldLinks();
  // A link's key leaves the address bar at once. It is kept for this tab,
  // so a reload opens the same group and role again, and on this device
  // beside every other link it was given, so a bookmark of the page (which
  // no longer shows it) offers them all.
  const opened = hash.get('t') ? ['member', hash.get('t')] : hash.get('c') ? ['convener', hash.get('c')] : null;
  if (opened) {
    setTabLink(keepLink(...opened));
    history.replaceState(null, '', location.pathname);
  }
  let link = tabLink();
  if (!link) {
    const kept = keptLinks();
    if (kept.length > 1) { relabel = chooseLink(kept, startPage); return; }
    if (!kept.length) { startPage(); return; }
    link = kept[0];
    setTabLink(link);
  }
  if (link.role === 'convener') {
    relabel = startConsole(link.token, link.group_id, {
      kept: (groupId, name) => {
        learntGroup('convener', link.token, groupId, name);
        setTabLink({ ...link, group_id: groupId, name });
      },
      closed: () => forgetLink(link.token),
    });
    return;
  }
  startMeeting(link);
}

/// A member's page: the meeting over the websocket, routed to the tab's group.
function startMeeting(link) {
  wire();
  relabel = () => {
    lastStatus = '';
    onStatus(connection.status());
    if (model) render();
  };
  setConnection(new Connection(link.token, link.group_id, {
    onWelcome: (welcome) => {
      // A new link is another group's, perhaps: its first welcome says which.
      learntGroup('member', link.token, welcome.group.group_id, welcome.group.name);
      setTabLink({ ...link, group_id: welcome.group.group_id, name: welcome.group.name });
      setModel(fromWelcome(welcome));
      // A note this member had open: keep editing the same one after a reconnect.
      forgetMissingNote();
      render();
    },
    onEvent,
    onMissed: (event) => { noteTurnEvent(event); renderTurnBar(); },
    onReply: (reply) => {
      onReply(reply);
      if (reply.re && reply.re === noteEditor.pending) noteSaved(reply);
    },
    onStatus,
    onClosedForGood: () => {
      // The tab keeps it, and says so again after a reload, rather than
      // turning into another group's page.
      forgetLink(link.token);
      $('connection').textContent = t('connection-closed');
    },
  }));
  onStatus({ online: false, waiting: 0 });
  connection.start();
}

// A member's or convener's link pasted into an open Rondo tab changes only
// the fragment: start again with it.
window.addEventListener('hashchange', () => {
  const hash = new URLSearchParams(location.hash.slice(1));
  // A link pasted here is a link the person has: no need to ask.
  if (hash.get('t') || hash.get('c')) { linksUnkept = false; location.reload(); }
  if (hash.get('t') || hash.get('c') || hash.get('d')) location.reload();
});

main();
