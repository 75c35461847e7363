// The websocket to the server: hello, reconnection with backoff and resume,
// and commands kept (with their ids) until the server answers them.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const GROUP_KEY = 'rondo.group';

/// A command id no other tab of the same member can produce: the server
/// answers a known id with its first answer, so ids must never repeat.
function commandId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Pages served over plain HTTP on a network address have no randomUUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Connection {
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers; // onWelcome, onEvent, onReply, onStatus, onClosedForGood
    this.lastSeq = null;
    this.outstanding = new Map(); // id -> frame, sent again after a reconnect
    this.attempt = 0;
    this.socket = null;
    this.online = false;
    this.clockOffsetMs = 0;
    // Learnt from the first welcome and remembered, so that even the first
    // connection after a reload goes to the group's node.
    this.groupId = localStorage.getItem(GROUP_KEY);
  }

  start() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The group, once known, lets a balancer in front of several nodes
    // send this member to the node that serves it.
    const route = this.groupId ? `?g=${encodeURIComponent(this.groupId)}` : '';
    const socket = new WebSocket(`${scheme}://${location.host}/ws${route}`, 'rondo.v1');
    this.socket = socket;
    let helloSentAt = 0;
    socket.addEventListener('open', () => {
      const hello = { type: 'hello', token: this.token, client: 'rondo-web/1' };
      if (this.lastSeq !== null) hello.resume_from = this.lastSeq;
      helloSentAt = Date.now();
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame.type === 'welcome') {
        const roundTripMs = Date.now() - helloSentAt;
        this.clockOffsetMs = frame.server_time + roundTripMs / 2 - Date.now();
        this.online = true;
        this.attempt = 0;
        this.lastSeq = frame.seq;
        this.groupId = frame.group.group_id;
        localStorage.setItem(GROUP_KEY, this.groupId);
        this.handlers.onWelcome(frame);
        this.handlers.onStatus(this.status());
        for (const frameText of this.outstanding.values()) socket.send(frameText);
      } else if (frame.type === 'ack' || frame.type === 'error') {
        if (frame.re) this.outstanding.delete(frame.re);
        this.handlers.onReply(frame);
        this.handlers.onStatus(this.status());
      } else if (typeof frame.seq === 'number') {
        if (this.lastSeq !== null && frame.seq <= this.lastSeq) return; // already in the snapshot
        this.lastSeq = frame.seq;
        this.handlers.onEvent(frame);
      }
    });
    socket.addEventListener('close', (event) => {
      this.online = false;
      if (event.code === 4401 || event.code === 4403) {
        this.handlers.onClosedForGood(event.code);
        return;
      }
      this.handlers.onStatus(this.status());
      const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      setTimeout(() => this.start(), base / 2 + Math.random() * base / 2);
    });
  }

  status() {
    const waiting = this.outstanding.size;
    if (this.online) return { online: true, waiting };
    return { online: false, waiting };
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
