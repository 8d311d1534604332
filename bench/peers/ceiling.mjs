// The ceiling of the drain: the job itself without any queue. COUNT POSTs of the job's body,
// with the delivery headers, made from memory with `node:http` keep-alive and 10 in flight (as
// SPEC §19's issue measured it), no database. Runs on the Node that runs Triggerline.
// Prints "ready" and starts at once (the benchmark times it at the target); exits when done.
import http from 'node:http';

const count = Number(process.env.COUNT);
const body = JSON.stringify(JSON.parse(process.env.BODY));
const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });

function call(id) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      process.env.TARGET_URL,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': String(id),
          'x-triggerline-execution': String(id),
          'x-triggerline-attempt': '1',
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode >= 200 && response.statusCode < 300
            ? resolve()
            : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

console.log('ready');
let next = 0;
async function lane() {
  while (next < count) {
    await call(++next);
  }
}
await Promise.all(Array.from({ length: 10 }, lane));
process.exit(0);
