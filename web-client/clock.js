// The countdown: the server's deadlines, corrected for the clock offset;
// PAUSED where the time stands still.

import { $ } from './dom.js';
import { model, connection, current } from './session.js';
import { t } from './i18n.js';

export function tick() {
  if (!model || !connection) return;
  const r = current();
  const c = model.meeting && model.meeting.case;
  const holder = r && r.turn && r.turn.deadline ? r.turn : c && c.phase && c.phase.deadline ? c.phase : null;
  const countdown = $('countdown');
  const paused = model.meeting && model.meeting.status === 'paused';
  // Paused is said where the time is: the clock stands still.
  countdown.classList.toggle('paused', Boolean(paused));
  if (paused) {
    countdown.textContent = t('clock-paused');
    countdown.setAttribute('aria-label', t('now-paused'));
  }
  $('countdown').closest('.clock').hidden = !holder && !paused;
  if (!holder && !paused) {
    countdown.textContent = '--:--';
    countdown.classList.remove('overtime');
    $('progress-fill').style.width = '0%';
    return;
  }
  if (!holder) return;
  const now = paused ? model.meeting.paused_at : connection.serverNow();
  const remainingMs = holder.deadline - now;
  const over = remainingMs < 0;
  const seconds = Math.ceil(Math.abs(remainingMs) / 1000);
  if (!paused) {
    countdown.textContent = `${over ? '+' : ''}${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    countdown.setAttribute('aria-label', t(over ? 'clock-overtime' : 'clock-left', { seconds }));
  }
  countdown.classList.toggle('overtime', over || holder.overtime);
  const phaseDef = c ? c.phases[c.phase_index] : null;
  const totalS = r.turn && r.turn.deadline ? (phaseDef && phaseDef.kind !== 'presenter' ? phaseDef.turn_s : phaseDef && phaseDef.duration_s) || (r.turn_s) : phaseDef && phaseDef.duration_s;
  const fraction = totalS ? Math.max(0, Math.min(1, remainingMs / (totalS * 1000))) : 0;
  $('progress-fill').style.width = `${Math.round(fraction * 100)}%`;
}
