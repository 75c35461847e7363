// The links this browser was given, one per group and role, and the one
// this tab opened with. A person may be a member of two groups and the
// convener of one of them: each link is kept beside the others, so a
// bookmark of the page offers them all and a reload keeps each tab on its
// own group and role.

import { $, el, button, show } from './dom.js';
import { t } from './i18n.js';

// On this device: every kept link, the most recently opened first.
const LINKS_KEY = 'rondo.links';
// In this tab: the link it opened with, and its group once known.
const TAB_KEY = 'rondo.tab';
// Bounded: a shared computer's browser does not collect links forever;
// the longest unopened goes first.
const LINKS_MAX = 20;
const ROLES = ['member', 'convener'];

// A kept link is `{ role, token, group_id, name }`; the group's id and name
// are null until the first welcome (a member's) or the console's first
// answer (a convener's) tells them.

function read(store, key) {
  try { return JSON.parse(store.getItem(key)); } catch { return null; }
}

function valid(link) {
  return link && ROLES.includes(link.role) && typeof link.token === 'string' && link.token !== '';
}

export function keptLinks() {
  const links = read(localStorage, LINKS_KEY);
  return Array.isArray(links) ? links.filter(valid) : [];
}

function store(links) {
  localStorage.setItem(LINKS_KEY, JSON.stringify(links.slice(0, LINKS_MAX)));
}

/// A link opened now: kept on this device, first in the list, with what
/// is already known of its group.
export function keepLink(role, token) {
  const links = keptLinks();
  const known = links.find((l) => l.token === token && l.role === role);
  const link = known || { role, token, group_id: null, name: null };
  store([link, ...links.filter((l) => l !== known)]);
  return link;
}

/// The server said which group a link opens: the link is filed under it,
/// and an older link of the same role for that group (one the convener
/// replaced) gives way.
export function learntGroup(role, token, groupId, name) {
  const links = keptLinks();
  const known = links.find((l) => l.token === token && l.role === role);
  if (known && known.group_id === groupId && known.name === name) return;
  const link = { role, token, group_id: groupId, name };
  store(links.map((l) => (l === known ? link : l))
    .filter((l) => l === link || l.role !== role || l.group_id !== groupId)
    .concat(known ? [] : [link]));
}

/// A link closed for good (a removed member, a replaced link): forgotten
/// on this device, the group's other role and other groups' links kept.
export function forgetLink(token) {
  store(keptLinks().filter((l) => l.token !== token));
}

/// The link this tab opened with, or null.
export function tabLink() {
  const link = read(sessionStorage, TAB_KEY);
  return valid(link) ? link : null;
}

export function setTabLink(link) {
  sessionStorage.setItem(TAB_KEY, JSON.stringify(link));
}

/// What a browser kept before links were kept per group: one member link,
/// one convener link, the last role opened (per tab and per device) and the
/// member link's group. Moved into the list once, so nobody loses a link on
/// the update; a tab open since then keeps its role.
export function migrateOldLinks() {
  const old = { member: 'rondo.token', convener: 'rondo.convener' };
  const role = sessionStorage.getItem('rondo.role');
  const tabToken = ROLES.includes(role) && sessionStorage.getItem(old[role]);
  if (tabToken && !tabLink()) {
    setTabLink({ role, token: tabToken, group_id: role === 'member' ? localStorage.getItem('rondo.group') : null });
  }
  // The device's last role first, as a bookmark opened it before.
  const last = localStorage.getItem('rondo.role') === 'member' ? ['convener', 'member'] : ['member', 'convener'];
  for (const kind of last) {
    const token = localStorage.getItem(old[kind]);
    if (!token) continue;
    keepLink(kind, token);
    const group = kind === 'member' && localStorage.getItem('rondo.group');
    if (group) learntGroup(kind, token, group, null);
  }
  for (const store of [localStorage, sessionStorage]) {
    for (const key of ['rondo.token', 'rondo.convener', 'rondo.role', 'rondo.group']) store.removeItem(key);
  }
}

/// What a chooser's entry says: the group, and the role it opens in.
function linkLabel(link) {
  return t(`chooser-${link.role}`, { group: link.name || t('chooser-unnamed') });
}

/// The page opened without a link, with several kept: "Your groups", each
/// link a button that opens it in this tab. `startPage` offers to create
/// another group instead. Returns what redraws the labels in another language.
export function chooseLink(links, startPage) {
  show('chooser-view', true);
  const entries = links.map((link) => {
    const open = button(linkLabel(link), () => {
      setTabLink(keepLink(link.role, link.token));
      location.reload();
    });
    return { link, open };
  });
  $('chooser-list').replaceChildren(...entries.map(({ open }) => { const item = el('li'); item.append(open); return item; }));
  const create = () => { show('chooser-view', false); startPage(); };
  $('chooser-create').addEventListener('click', create, { once: true });
  // A convener link kept before groups were named here: the console's own
  // question names it, and the button's text changes in place.
  for (const entry of entries.filter(({ link }) => link.role === 'convener' && !link.name)) {
    fetch('/api/convener', { headers: { Authorization: `Bearer ${entry.link.token}` } })
      .then((response) => (response.ok ? response.json() : null))
      .then((view) => {
        if (!view) return;
        entry.link = { ...entry.link, group_id: view.group_id, name: view.name };
        learntGroup('convener', entry.link.token, view.group_id, view.name);
        entry.open.textContent = linkLabel(entry.link);
      })
      .catch(() => { /* offline: the entry stays unnamed until opened */ });
  }
  return () => { for (const { link, open } of entries) open.textContent = linkLabel(link); };
}
