// Rondo's service worker: the shell (the page, its scripts, styles and
// catalogues) kept so that the page opens offline and says so. Nothing the
// API answers is ever kept: records, notes and feeds are confidential, and
// the meeting itself travels over the websocket.

const CACHE = 'rondo-shell-v3';
const SHELL = [
  '/', '/app.js', '/model.js', '/dom.js', '/session.js', '/caseview.js', '/clock.js', '/controls.js',
  '/guide.js', '/lobby.js', '/notes.js', '/queue.js', '/record.js', '/roster.js', '/summary.js',
  '/console.js', '/connection.js', '/i18n.js', '/display.js', '/pwa.js', '/unsaved.js', '/room.js',
  '/supervision.js', '/console-record.js', '/turnbar.js', '/limits.js', '/links.js',
  '/style.css', '/manifest.webmanifest', '/icon.svg',
  '/locales/en.ftl', '/locales/de.ftl', '/locales/nl.ftl',
  '/vendor/fluent-bundle/index.js', '/vendor/fluent-bundle/ast.js', '/vendor/fluent-bundle/builtins.js',
  '/vendor/fluent-bundle/bundle.js', '/vendor/fluent-bundle/memoizer.js', '/vendor/fluent-bundle/resolver.js',
  '/vendor/fluent-bundle/resource.js', '/vendor/fluent-bundle/scope.js', '/vendor/fluent-bundle/types.js',
  '/vendor/fluent-langneg/index.js', '/vendor/fluent-langneg/accepted_languages.js',
  '/vendor/fluent-langneg/locale.js', '/vendor/fluent-langneg/matches.js',
  '/vendor/fluent-langneg/negotiate_languages.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The network first, so a new version is used as soon as it is served;
// the kept shell only when the network fails.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')
      || url.pathname === '/ws' || url.pathname === '/metrics' || url.pathname === '/healthz') return;
  // Kept under its own path: a navigation to another file of the origin
  // (an icon opened on its own) never takes the page's place.
  const path = url.pathname;
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok && SHELL.includes(path)) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(path, copy));
    }
    return response;
  }).catch(() => caches.match(path).then((kept) => kept || Response.error())));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((windows) => {
    if (windows.length) return windows[0].focus();
    return self.clients.openWindow('/');
  }));
});
