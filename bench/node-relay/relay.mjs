// A Node.js relay speaking what rondo-relay speaks, for the per-core
// comparison in BENCHMARKS.md: a member says
// {"type":"hello","token":"<room>:<member>"}, gets a welcome, and every
// command it sends goes to every member of its room as an event with a seq,
// then is acknowledged. No rules, no storage; per-message deflate off.
//
//   node bench/node-relay/relay.mjs 127.0.0.1 8090
import { WebSocketServer } from 'ws';

const [host = '127.0.0.1', port = '8090'] = process.argv.slice(2);
const rooms = new Map(); // name -> { seq, members: Set<socket> }
let nextConn = 0;

const server = new WebSocketServer({ host, port: Number(port), perMessageDeflate: false, maxPayload: 64 * 1024 });
server.on('connection', (socket) => {
  let room = null;
  const conn = String(nextConn++);
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    let frame;
    try { frame = JSON.parse(data); } catch { return; }
    if (!room) {
      const name = String(frame.token || '').split(':')[0];
      if (!name) { socket.close(); return; }
      room = rooms.get(name) || { seq: 0, members: new Set() };
      rooms.set(name, room);
      room.members.add(socket);
      socket.send(JSON.stringify({ type: 'welcome', seq: room.seq, me: { member_id: conn } }));
      return;
    }
    room.seq += 1;
    const { id, ...body } = frame;
    body.seq = room.seq;
    const event = JSON.stringify(body);
    for (const member of room.members) member.send(event);
    socket.send(JSON.stringify({ type: 'ack', re: id, seq: room.seq }));
  });
  socket.on('close', () => { if (room) room.members.delete(socket); });
});
server.on('listening', () => console.log(`node relay listening on ${host}:${port}`));
