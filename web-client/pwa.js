// The page as an app on a phone: the service worker that keeps the shell
// for offline use, the banner that says the page is offline, and system
// notifications for a member who turned alerts on, when their turn comes
// or the meeting starts while the tab is hidden.

import { $ } from './dom.js';
import { t } from './i18n.js';

export function startApp() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(() => { /* the page works without it */ });
  }
  const offline = () => { $('offline-banner').hidden = navigator.onLine; };
  window.addEventListener('online', offline);
  window.addEventListener('offline', offline);
  offline();
}

/// Asks for permission to notify once the member turns alerts on.
export function wireNotifications(checkbox) {
  checkbox.addEventListener('change', () => {
    if (checkbox.checked && 'Notification' in window && Notification.permission === 'default') {
      Notification.requestPermission();
    }
  });
}

/// A system notification, only while the tab is hidden and only for a
/// member who turned alerts on: its text names no one and nothing of a case.
export function notifyHidden(id) {
  if (!document.hidden || !$('alert-on').checked) return;
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  const options = { body: t(`${id}-body`), tag: 'rondo', renotify: true };
  // Phones show notifications only through the service worker.
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.ready.then((registration) => registration.showNotification(t(id), options));
  } else {
    try { new Notification(t(id), options); } catch { /* not allowed here */ }
  }
}
