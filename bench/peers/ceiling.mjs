// The ceiling of the drain: the job itself without any queue. COUNT POSTs, the same call a
// peer's task makes (http-call.mjs), made from memory with 10 in flight and no database.
// Prints "ready" and starts at once (the benchmark times it at the target); exits when done.
import { callTarget } from './http-call.mjs';

const count = Number(process.env.COUNT);
const payload = JSON.parse(process.env.BODY);
console.log('ready');
let next = 0;
async function lane() {
  while (next < count) {
    const id = ++next;
    await callTarget(process.env.TARGET_URL, payload, id, 1);
  }
}
await Promise.all(Array.from({ length: 10 }, lane));
process.exit(0);
