// The HTTP call a peer's task makes: what a Triggerline attempt of an `http` action sends
// (Node's fetch, JSON body, delivery headers, a timeout, the response read), so that the
// drain and latency phases compare job machinery, not HTTP clients.
export async function callTarget(url, payload, jobId, attempt) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': String(payload?.key ?? jobId),
      'x-triggerline-execution': String(jobId),
      'x-triggerline-attempt': String(attempt),
    },
    body: JSON.stringify(payload ?? null),
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  await response.text();
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`HTTP ${response.status}`);
  }
}
