// The websocket to the server: hello, reconnection with backoff and resume,
// and commands kept (with their ids) until the server answers them.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
// The page asks the server itself now and then: a connection whose TCP path
// stalled still says "open", and only a missed answer tells.
const PING_EVERY_MS = 20000;
// An answer slower than this: the connection is shown as stalled.
const PING_ANSWER_MS = 5000;
// A connection with no welcome by then is given up and tried again.
const WELCOME_WITHIN_MS = 10000;

/// A command id no other tab of the same member can produce: the server
/// answers a known id with its first answer, so ids must never repeat.
function commandId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Pages served over plain HTTP on a network address have no randomUUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Connection {
  /// `groupId`: the group this tab's link opens, where already known, so
  /// that even the first connection after a reload goes to its node.
  constructor(token, groupId, handlers) {
    this.token = token;
    this.handlers = handlers; // onWelcome, onEvent, onMissed, onReply, onStatus, onClosedForGood
    this.lastSeq = null;
    this.outstanding = new Map(); // id -> frame, sent again after a reconnect
    this.attempt = 0;
    this.socket = null;
    this.online = false;
    this.stalled = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.ping = null; // { id, sentAt } of the ping not answered yet
    // One id for every ping of this page: the server remembers each id's
    // answer, and pings must not push real commands out of that memory.
    this.pingId = `ping-${commandId()}`;
    this.heardAt = 0;
    this.clockOffsetMs = 0;
    // Else learnt from the first welcome, for every connection after it.
    this.groupId = groupId;
  }

  start() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.listening) {
      this.listening = true;
      // The network back, or the page shown again (a phone woke up): try at
      // once rather than when the backoff says.
      window.addEventListener('online', () => this.reconnectNow());
      document.addEventListener('visibilitychange', () => { if (!document.hidden) this.reconnectNow(); });
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The group, once known, lets a balancer in front of several nodes
    // send this member to the node that serves it.
    const route = this.groupId ? `?g=${encodeURIComponent(this.groupId)}` : '';
    const socket = new WebSocket(`${scheme}://${location.host}/ws${route}`, 'rondo.v1');
    this.socket = socket;
    let helloSentAt = 0;
    const welcomeTimer = setTimeout(() => { if (this.socket === socket && !this.online) this.abandon(socket); }, WELCOME_WITHIN_MS);
    socket.addEventListener('open', () => {
      const hello = { type: 'hello', token: this.token, client: 'rondo-web/1' };
      if (this.lastSeq !== null) hello.resume_from = this.lastSeq;
      helloSentAt = Date.now();
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (message) => {
      if (this.socket !== socket) return; // given up already
      this.heard();
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (this.ping && frame.re === this.ping.id) { this.ping = null; return; }
      if (frame.type === 'welcome') {
        clearTimeout(welcomeTimer);
        // A fresh welcome on the same socket (after accepting the agreement)
        // keeps the one ping timer.
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.sendPing(), PING_EVERY_MS);
        const roundTripMs = Date.now() - helloSentAt;
        this.clockOffsetMs = frame.server_time + roundTripMs / 2 - Date.now();
        this.online = true;
        this.attempt = 0;
        this.lastSeq = frame.seq;
        this.groupId = frame.group.group_id;
        this.handlers.onWelcome(frame);
        this.handlers.onStatus(this.status());
        for (const frameText of this.outstanding.values()) socket.send(frameText);
      } else if (frame.type === 'ack' || frame.type === 'error') {
        if (frame.re) this.outstanding.delete(frame.re);
        this.handlers.onReply(frame);
        this.handlers.onStatus(this.status());
      } else if (typeof frame.seq === 'number') {
        if (this.lastSeq !== null && frame.seq <= this.lastSeq) {
          // Missed while away, and already in the welcome's snapshot: told
          // as news (a turn kept while away), never applied again.
          if (this.handlers.onMissed) this.handlers.onMissed(frame);
          return;
        }
        this.lastSeq = frame.seq;
        this.handlers.onEvent(frame);
      }
    });
    socket.addEventListener('close', (event) => {
      clearTimeout(welcomeTimer);
      if (this.socket !== socket) return; // given up already, and replaced
      this.lost();
      if (event.code === 4401 || event.code === 4403) {
        this.handlers.onClosedForGood(event.code);
        return;
      }
      this.handlers.onStatus(this.status());
      const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      this.retryTimer = setTimeout(() => this.start(), base / 2 + Math.random() * base / 2);
    });
  }

  status() {
    const waiting = this.outstanding.size;
    if (this.online) return { online: true, stalled: this.stalled, waiting };
    return { online: false, stalled: false, waiting };
  }

  /// Something came from the server: the connection is alive.
  heard() {
    this.heardAt = Date.now();
    if (!this.stalled) return;
    this.stalled = false;
    this.handlers.onStatus(this.status());
  }

  /// The page's own ping; a ping still unanswered from last time means the
  /// path is dead though the socket says open: it is given up for a new one.
  sendPing() {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (this.ping) { this.abandon(socket); return; }
    const ping = { id: this.pingId, sentAt: Date.now() };
    this.ping = ping;
    socket.send(JSON.stringify({ id: ping.id, type: 'ping' }));
    setTimeout(() => {
      if (this.socket !== socket || this.heardAt >= ping.sentAt || this.stalled) return;
      this.stalled = true;
      this.handlers.onStatus(this.status());
    }, PING_ANSWER_MS);
  }

  /// Stops using a socket that no longer carries anything and connects again.
  abandon(socket) {
    if (this.socket !== socket) return;
    this.socket = null;
    this.lost();
    try { socket.close(); } catch { /* closing a dead socket may throw; it is dropped either way */ }
    this.handlers.onStatus(this.status());
    this.start();
  }

  lost() {
    this.online = false;
    this.stalled = false;
    this.ping = null;
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  /// The network is back or the page is in view again: connect now if the
  /// page is waiting to, or check at once that an open connection still carries.
  reconnectNow() {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) {
      if (this.retryTimer !== null) { this.attempt = 0; this.start(); }
      return;
    }
    // An attempt begun while the network was gone will not complete: a new one.
    if (!this.online) { this.attempt = 0; this.abandon(socket); return; }
    if (socket.readyState === WebSocket.OPEN && this.online && !this.ping) this.sendPing();
  }

  // Sends a command; while offline it waits, with its id, to be sent on reconnect.
  send(type, fields = {}) {
    const id = commandId();
    const frame = JSON.stringify({ id, type, ...fields });
    this.outstanding.set(id, frame);
    if (this.online && this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
    this.handlers.onStatus(this.status());
    return id;
  }

  serverNow() {
    return Date.now() + this.clockOffsetMs;
  }
}
