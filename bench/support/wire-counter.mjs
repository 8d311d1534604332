// A TCP proxy in front of PostgreSQL that reads what clients send: it counts the statements
// they execute (each Execute of the extended protocol, each simple Query) and, while asked to,
// records the SQL text and parameters of each. It serves where pg_stat_statements is not
// loaded, sees every client the same way (Triggerline, graphile-worker, pg-boss), and tells
// which SQL the service really runs, so the benchmark needs no copy of it.
import { once } from 'node:events';
import net from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export async function startWireCounter(databaseUrl) {
  const upstream = new URL(databaseUrl);
  const state = { statements: 0, recording: false, log: [] };
  let connections = 0;
  const sockets = new Set();

  const server = net.createServer((client) => {
    const connection = ++connections;
    const server_ = net.connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.add(client).add(server_);
    const prepared = new Map();
    let pendingBind = null;
    let started = false;
    let buffer = Buffer.alloc(0);

    const record = (sql, params) => {
      state.statements += 1;
      if (state.recording) {
        state.log.push({ at: performance.now(), connection, sql, params });
      }
    };

    const handle = (type, body) => {
      if (type === 0x50 /* P: Parse */) {
        const name = cString(body, 0);
        const sql = cString(body, name.next);
        prepared.set(name.value, sql.value);
      } else if (type === 0x42 /* B: Bind */) {
        const portal = cString(body, 0);
        const statement = cString(body, portal.next);
        pendingBind = {
          sql: prepared.get(statement.value) ?? null,
          params: bindParameters(body, statement.next),
        };
      } else if (type === 0x45 /* E: Execute */) {
        record(pendingBind?.sql ?? null, pendingBind?.params ?? []);
      } else if (type === 0x51 /* Q: Query */) {
        record(cString(body, 0).value, []);
      }
    };

    client.on('data', (chunk) => {
      server_.write(chunk);
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) {
            break;
          }
          const code = buffer.readInt32BE(4);
          started = code !== SSL_REQUEST && code !== GSSENC_REQUEST;
          buffer = buffer.subarray(buffer.readInt32BE(0));
          continue;
        }
        if (buffer.length < 5) {
          break;
        }
        const total = 1 + buffer.readInt32BE(1);
        if (buffer.length < total) {
          break;
        }
        handle(buffer[0], buffer.subarray(5, total));
        buffer = buffer.subarray(total);
      }
    });
    server_.pipe(client);
    const close = () => {
      client.destroy();
      server_.destroy();
      sockets.delete(client);
      sockets.delete(server_);
    };
    client.on('error', close).on('close', close);
    server_.on('error', close).on('close', close);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(server.address().port);
  return {
    url: proxied.toString(),
    get statements() {
      return state.statements;
    },
    /** Records statements from now on; answers a function that stops and returns them. */
    record() {
      state.log = [];
      state.recording = true;
      return () => {
        state.recording = false;
        return state.log;
      };
    },
    async close() {
      for (const socket of sockets) {
        socket.destroy();
      }
      server.close();
    },
  };
}

function cString(buffer, offset) {
  const end = buffer.indexOf(0, offset);
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

/**
 * Parameters of a Bind message, as strings in PostgreSQL's text form. `pg` sends only Buffers
 * (bytea) in binary: those become bytea's hex form, `\x…`.
 */
function bindParameters(body, offset) {
  let at = offset;
  const formatCount = body.readInt16BE(at);
  at += 2;
  const formats = [];
  for (let i = 0; i < formatCount; i++, at += 2) {
    formats.push(body.readInt16BE(at));
  }
  const count = body.readInt16BE(at);
  at += 2;
  const params = [];
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(at);
    at += 4;
    const format = formatCount === 0 ? 0 : formatCount === 1 ? formats[0] : formats[i];
    if (length === -1) {
      params.push(null);
    } else {
      const bytes = body.subarray(at, at + length);
      params.push(format === 0 ? bytes.toString('utf8') : `\\x${bytes.toString('hex')}`);
      at += length;
    }
  }
  return params;
}
