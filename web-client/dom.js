// Small helpers for building the page: every text a member typed is shown
// with textContent, never as HTML.

export const $ = (id) => document.getElementById(id);

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function button(label, onClick, className) {
  const b = el('button', label, className);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/// A short visible label, with the rest read out by screen readers only
/// ("Cancel" + " the meeting of 2030-02-05").
export function labelled(visible, hidden, onClick, className) {
  const b = button(visible, onClick, className);
  b.append(el('span', ` ${hidden}`, 'visually-hidden'));
  return b;
}

let lastAnnouncement = '';

export function announce(text) {
  if (!text || text === lastAnnouncement) return;
  lastAnnouncement = text;
  $('announcer').textContent = text;
}

export function show(id, visible) { $(id).hidden = !visible; }

export function fillSelect(select, options, keep = true) {
  const previous = select.value;
  select.replaceChildren(...options.map(([value, label]) => { const o = el('option', label); o.value = value; return o; }));
  if (keep && options.some(([v]) => v === previous)) select.value = previous;
}

/// Replaces a container's children, keeping keyboard focus on the control
/// that stands where the focused one stood (the same element kind and
/// text): an event redraws a list without sending a keyboard user back to
/// the start of the page.
export function replace(container, nodes) {
  const active = document.activeElement;
  const focused = active && active !== container && container.contains(active) ? signature(active) : null;
  container.replaceChildren(...nodes);
  if (!focused) return;
  const again = [...container.querySelectorAll(active.tagName)].find((e) => signature(e) === focused);
  if (again) again.focus();
}

const signature = (element) => `${element.tagName}|${element.id}|${element.textContent}`;
