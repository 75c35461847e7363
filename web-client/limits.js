// Text fields say their limit before it bites: how many characters are
// left once most are used, and a word when pasted text was cut to fit
// (the browser cuts at `maxlength` without telling anyone).

import { t } from './i18n.js';

/// From this share of the limit on, the count is shown.
const SHOWN_FROM = 0.8;
/// Short fields (names, zones) are not counted: nobody reaches them by accident.
const COUNTED_FROM_CHARS = 100;

export function wireLimits() {
  for (const field of document.querySelectorAll('input[maxlength], textarea[maxlength]')) {
    const max = field.maxLength;
    if (max < COUNTED_FROM_CHARS || !field.id) continue;
    const hint = document.createElement('p');
    hint.id = `${field.id}-limit`;
    hint.className = 'limit muted';
    hint.hidden = true;
    field.after(hint);
    field.setAttribute('aria-describedby', [field.getAttribute('aria-describedby'), hint.id].filter(Boolean).join(' '));
    let cut = false;
    field.addEventListener('paste', (event) => {
      const pasted = (event.clipboardData && event.clipboardData.getData('text')) || '';
      const selected = (field.selectionEnd || 0) - (field.selectionStart || 0);
      cut = field.value.length - selected + pasted.length > max;
    });
    const update = () => {
      const length = field.value.length;
      const text = cut ? t('limit-cut', { max })
        : length >= max * SHOWN_FROM ? t('limit-left', { left: max - length, max }) : '';
      hint.textContent = text;
      hint.hidden = !text;
      cut = false;
    };
    field.addEventListener('input', update);
    // A form reset empties the field without an input event.
    if (field.form) field.form.addEventListener('reset', () => setTimeout(update, 0));
  }
}
