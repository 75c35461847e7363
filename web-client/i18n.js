// The page's language: Project Fluent catalogues (locales/*.ftl), the
// browser's languages negotiated against the three, a choice kept per
// browser, and `lang` on the document so screen readers pronounce by it.
// Static text in index.html names its message with data-l10n-id (its
// attributes, e.g. `.placeholder`, are set too); code asks with t().

import { FluentBundle, FluentResource } from './vendor/fluent-bundle/index.js';
import { negotiateLanguages } from './vendor/fluent-langneg/index.js';

export const LANGUAGES = ['en', 'de', 'nl'];
const CHOICE_KEY = 'rondo.language';

let bundles = []; // the chosen language's, then English for anything missing
export let language = 'en';

async function load(tag) {
  const response = await fetch(`/locales/${tag}.ftl`);
  // No invisible isolation marks: the three languages run left to right,
  // and the marks would end up in copied text and in the tests' matches.
  const bundle = new FluentBundle(tag, { useIsolating: false });
  bundle.addResource(new FluentResource(await response.text()));
  return bundle;
}

/// The kept choice, else the first of the browser's languages Rondo speaks.
function preferred() {
  const kept = localStorage.getItem(CHOICE_KEY);
  if (LANGUAGES.includes(kept)) return kept;
  return negotiateLanguages(navigator.languages || [navigator.language], LANGUAGES, { strategy: 'lookup', defaultLocale: 'en' })[0];
}

/// Loads a language and translates the page's static text into it.
export async function useLanguage(tag = preferred()) {
  const chosen = await load(tag);
  bundles = tag === 'en' ? [chosen] : [chosen, await load('en')];
  language = tag;
  document.documentElement.lang = tag;
  translate(document);
}

/// Remembers the member's choice for this browser.
export async function chooseLanguage(tag) {
  localStorage.setItem(CHOICE_KEY, tag);
  await useLanguage(tag);
}

/// The first bundle that has this message, with the message.
function find(id) {
  for (const bundle of bundles) {
    const message = bundle.getMessage(id);
    if (message) return [bundle, message];
  }
  return [null, null];
}

/// A message with its placeholders filled; its id where no catalogue has it.
export function t(id, args) {
  const [bundle, message] = find(id);
  return message && message.value ? bundle.formatPattern(message.value, args) : id;
}

/// Whether a message exists (a built-in phase's name, say).
export function has(id) {
  return find(id)[1] !== null;
}

/// The static text under `root`: each element's text from its message's
/// value, and its attributes (`placeholder`, `aria-label`) from the message's.
export function translate(root) {
  for (const node of root.querySelectorAll('[data-l10n-id]')) {
    const [bundle, message] = find(node.dataset.l10nId);
    if (!message) continue;
    if (message.value) node.textContent = bundle.formatPattern(message.value);
    for (const [name, pattern] of Object.entries(message.attributes)) node.setAttribute(name, bundle.formatPattern(pattern));
  }
}

/// Dates and times in the page's language (the member's own time zone
/// unless one is given), with the browser's region for that language: an
/// en-GB browser gets 18:30 and 03/12/2026, not the American 06:30 PM.
export function dateFormat(options) {
  return new Intl.DateTimeFormat(regional(), options);
}

function regional() {
  const tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  return tags.find((tag) => tag && tag.toLowerCase().split('-')[0] === language) || language;
}

/// An error the server answered with: its `code` decides the text shown.
export class ServerError extends Error {
  constructor(code, detail) {
    super(detail || code);
    this.code = code;
    this.detail = detail;
  }
}

/// An error in the page's language: the text for its code, and the
/// server's own detail (which names the field) marked as English so screen
/// readers pronounce it as such. Errors of the page itself are already
/// in the page's language.
export function showError(element, error) {
  if (!(error instanceof ServerError)) { element.textContent = error.message; return; }
  // A field the server named and the page can explain: a sentence for
  // people, not the server's own wording.
  const field = error.code === 'bad_request' && error.detail && /^([a-z_]+)[ :]/.exec(error.detail);
  if (field && has(`error-field-${field[1]}`)) { element.textContent = t(`error-field-${field[1]}`); return; }
  const detail = document.createElement('span');
  detail.lang = 'en';
  detail.textContent = error.detail ? ` (${error.detail})` : '';
  element.replaceChildren(t(`error-${error.code || 'internal'}`), detail);
}

/// "Version 3, to be reviewed on 2027-01-01".
export function versionText(agreement) {
  const version = t('agreement-version', { version: agreement.version });
  return agreement.review_on ? `${version}, ${t('agreement-review', { date: agreement.review_on })}` : version;
}

/// A phase's or a round's name at the start of a line or a sentence.
export function capitalized(text) {
  return text ? `${text[0].toUpperCase()}${text.slice(1)}` : text;
}
