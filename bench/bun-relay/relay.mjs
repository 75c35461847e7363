// A Bun relay speaking what rondo-relay and bench/node-relay speak, for the
// per-core comparison in BENCHMARKS.md: a member says
// {"type":"hello","token":"<room>:<member>"}, gets a welcome, and every
// command it sends goes to every member of its room as an event with a seq,
// then is acknowledged. No rules, no storage; per-message deflate off.
//
// Rooms are uWebSockets topics (ws.subscribe, server.publish): the fan-out
// happens in native code, which is what makes this relay the floor a
// JavaScript-free path could reach.
//
//   node_modules/.bin/bun relay.mjs 127.0.0.1 8090
const [host = '127.0.0.1', port = '8090'] = process.argv.slice(2);
const seqs = new Map(); // room name -> its last seq
let nextConn = 0;

const server = Bun.serve({
  hostname: host,
  port: Number(port),
  fetch(req, server) {
    // Any path upgrades, as in the Node relay (the load generator asks for
    // /ws?g=<room>).
    if (server.upgrade(req, { data: { room: null, conn: String(nextConn++) } })) return undefined;
    return new Response('websocket only', { status: 426 });
  },
  websocket: {
    perMessageDeflate: false,
    maxPayloadLength: 64 * 1024,
    // Members of a quiet room stay connected as they do with the other relays,
    // which have no idle timeout.
    idleTimeout: 0,
    message(ws, data) {
      if (typeof data !== 'string') return;
      let frame;
      try { frame = JSON.parse(data); } catch { return; }
      const state = ws.data;
      if (state.room === null) {
        const name = String(frame.token || '').split(':')[0];
        if (!name) { ws.close(); return; }
        state.room = name;
        if (!seqs.has(name)) seqs.set(name, 0);
        // Subscribed and welcomed in one turn of the event loop, so no event
        // of the room can reach the member before its welcome.
        ws.subscribe(name);
        ws.send(JSON.stringify({ type: 'welcome', seq: seqs.get(name), me: { member_id: state.conn } }));
        return;
      }
      const seq = seqs.get(state.room) + 1;
      seqs.set(state.room, seq);
      const { id, ...body } = frame;
      body.seq = seq;
      // server.publish, unlike ws.publish, reaches the sender too: it sees its
      // own event, as with the other relays, then its ack.
      server.publish(state.room, JSON.stringify(body));
      ws.send(JSON.stringify({ type: 'ack', re: id, seq }));
    },
  },
});
console.log(`bun relay listening on ${server.hostname}:${server.port}`);
