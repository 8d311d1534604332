import { useFlowProcesses } from './support/flow-processes';
import { httpTrigger } from './support/fixtures';
import { waitFor } from './support/test-app';
import { describeWithPostgres } from './support/test-database';

// SPEC §15 sender groups: a flow group's limits bind the attempts of all its triggers together,
// across worker processes. One API process and two worker processes on one PostgreSQL database;
// the send times are measured at a local HTTP target.
describeWithPostgres('flow groups across triggers and worker processes', () => {
  const flow = useFlowProcesses();
  const { createTrigger, deliver, executionsOf, allSucceeded, arrivals } = flow;
  const putGroup = async (name: string, body: Record<string, unknown>) => {
    const response = await flow.api.api('PUT', `/api/flow-groups/${name}`, body);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('refuses bad input with clear 4xx errors', async () => {
    const badName = await flow.api.api('PUT', '/api/flow-groups/Not_A_Slug', {});
    expect(badName.status).toBe(400);
    expect(badName.body.error).toBe('validation_failed');
    const badLimits = await flow.api.api('PUT', '/api/flow-groups/bad', {
      rateLimit: { limit: 0, periodMs: 50 },
      maxConcurrency: 0,
      dailyWatermarkAction: 'drop',
      colour: 'blue',
    });
    expect(badLimits.status).toBe(400);
    expect(badLimits.body.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rateLimit\.limit/),
        expect.stringMatching(/^rateLimit\.periodMs/),
        expect.stringMatching(/^maxConcurrency/),
        expect.stringMatching(/^dailyWatermarkAction/),
        expect.stringMatching(/colour/),
      ]),
    );
    expect((await flow.api.api('GET', '/api/flow-groups/missing')).status).toBe(404);
    expect((await flow.api.api('DELETE', '/api/flow-groups/missing')).body.error).toBe(
      'flow_group_not_found',
    );

    const unknownGroup = await flow.api.api(
      'POST',
      '/api/triggers',
      httpTrigger('orphan', { flowGroup: 'missing' }),
    );
    expect(unknownGroup.status).toBe(400);
    expect(unknownGroup.body.message).toContain('no flow group named "missing"');
    await putGroup('kept', {});
    const mismatch = await flow.api.api(
      'POST',
      '/api/triggers',
      httpTrigger('mismatch', { flowGroup: 'kept', watermarkGroup: 'other' }),
    );
    expect(mismatch.status).toBe(400);

    const member = await createTrigger('kept-member', { flowGroup: 'kept' });
    expect(member).toMatchObject({ flowGroup: 'kept', watermarkGroup: 'kept' });
    const inUse = await flow.api.api('DELETE', '/api/flow-groups/kept');
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ error: 'flow_group_in_use' });
    expect(inUse.body.message).toContain('kept-member');
    const left = await flow.api.api('PATCH', `/api/triggers/${member.id}`, { flowGroup: null });
    expect(left.body).toMatchObject({ flowGroup: null, watermarkGroup: null });
    expect((await flow.api.api('DELETE', '/api/flow-groups/kept')).status).toBe(204);
    expect((await flow.api.api('GET', '/api/flow-groups/kept')).status).toBe(404);
    // Admin writes are audited like the others.
    const audit = await flow.api.api('GET', '/api/audit?action=flow_group.delete');
    expect(
      (audit.body.items as { action: string; status: number }[]).map((entry) => entry.status),
    ).toEqual([204, 409, 404]);
  });

  it('a group rate {2, 2000} holds across two triggers and two workers: no 2 s at the target hold more than 2', async () => {
    // 2 s windows: the margin the limit keeps (10 %) covers a new connection's delay on a busy
    // machine, between an attempt's start and its arrival.
    const group = await putGroup('rated-number', { rateLimit: { limit: 2, periodMs: 2000 } });
    expect(group).toMatchObject({ name: 'rated-number', rateLimit: { limit: 2, periodMs: 2000 } });
    await createTrigger('rated-a', { flowGroup: 'rated-number' });
    // The alias names the same group.
    await createTrigger('rated-b', { watermarkGroup: 'rated-number' });
    await Promise.all([deliver('rated-a', 4), deliver('rated-b', 4)]);
    const held = await waitFor(
      async () => {
        const rows = await executionsOf('rated-a', 'rated-b');
        return rows.some((row) => row.held_by === 'rate_limit') ? rows : undefined;
      },
      { what: 'an execution held by the group rate' },
    );
    expect(held.find((row) => row.held_by === 'rate_limit')).toMatchObject({ attempt_count: 0 });
    const rows = await waitFor(allSucceeded(['rated-a', 'rated-b'], 8), {
      what: '8 executions of the group to succeed',
      timeoutMs: 60_000,
    });
    expect(rows.every((row) => row.attempt_count === 1 && row.held_by === null)).toBe(true);
    const times = arrivals('rated-a', 'rated-b').map((request) => request.at);
    expect(times).toHaveLength(8);
    const inOneWindow = (at: number) => times.filter((o) => o >= at && o < at + 2000).length;
    const worst = Math.max(...times.map(inOneWindow));
    expect({ worst, arrivalsMs: times.map((at) => at - times[0]) }).toMatchObject({
      worst: Math.min(worst, 2),
    });
    const fetched = await flow.api.api('GET', '/api/flow-groups/rated-number');
    expect(fetched.body.triggers).toEqual(['rated-a', 'rated-b']);
  });

  it('a group maxConcurrency 1 never lets a 300 ms target see two requests of its triggers at once', async () => {
    const slow = flow.target.respondSlowly({
      holdMs: 300,
      holds: (request) => request.path.startsWith('/single-'),
    });
    await putGroup('single-number', { maxConcurrency: 1 });
    await createTrigger('single-a', { flowGroup: 'single-number' });
    await createTrigger('single-b', { flowGroup: 'single-number', maxConcurrency: 5 });
    await Promise.all([deliver('single-a', 4), deliver('single-b', 4)]);
    const rows = await waitFor(allSucceeded(['single-a', 'single-b'], 8), {
      what: '8 executions of the single-file group to succeed',
      timeoutMs: 60_000,
    });
    expect(slow.mostAtOnce).toBe(1);
    expect(rows.every((row) => row.attempt_count === 1)).toBe(true);
    expect(arrivals('single-a', 'single-b')).toHaveLength(8);
  });

  it('a group watermark counts the first attempts of all its triggers: alert above it, hold at it', async () => {
    flow.target.respond((_request, response) => response.writeHead(200).end('ok'));
    await putGroup('wa-alerting', { dailyWatermark: 2 });
    await createTrigger('alerting-a', { flowGroup: 'wa-alerting' });
    await createTrigger('alerting-b', { flowGroup: 'wa-alerting' });
    await deliver('alerting-a', 2);
    await deliver('alerting-b', 1);
    await waitFor(allSucceeded(['alerting-a', 'alerting-b'], 3), { what: '3 sends' });
    const posted = await flow.postedAlerts(
      (alert) => alert.group === 'wa-alerting',
      'the group watermark_hit alert to be POSTed',
    );
    expect(posted).toEqual([
      expect.objectContaining({
        code: 'watermark_hit',
        group: 'wa-alerting',
        count: 3,
        threshold: 2,
      }),
    ]);
    const stats = await flow.api.api('GET', '/api/stats');
    expect(stats.body.flowGroups).toContainEqual(
      expect.objectContaining({ name: 'wa-alerting', firstAttempts24h: 3, watermarkHit: true }),
    );
    const group = await flow.api.api('GET', '/api/flow-groups/wa-alerting');
    expect(group.body.usage).toEqual({ firstAttempts24h: 3, watermarkHit: true, running: 0 });
    const metrics = await (await fetch(`${flow.apps[0].baseUrl}/metrics`)).text();
    expect(metrics).toContain('triggerline_flow_group_first_attempts_24h{group="wa-alerting"} 3');
    expect(metrics).toContain('triggerline_flow_group_daily_watermark{group="wa-alerting"} 2');

    await putGroup('wa-holding', { dailyWatermark: 2, dailyWatermarkAction: 'hold' });
    const first = await createTrigger('holding-a', { flowGroup: 'wa-holding' });
    await createTrigger('holding-b', { flowGroup: 'wa-holding' });
    await deliver('holding-a', 1);
    await deliver('holding-b', 1);
    await waitFor(allSucceeded(['holding-a', 'holding-b'], 2), { what: '2 sends' });
    const [heldId] = await deliver('holding-b', 1, 'late');
    const held = await waitFor(
      async () => {
        const execution = await flow.api.api('GET', `/api/executions/${heldId}`);
        return execution.body.heldBy === 'watermark' ? execution.body : undefined;
      },
      { what: 'the 3rd to be held by the group watermark' },
    );
    expect(held).toMatchObject({ status: 'pending', attemptCount: 0 });
    expect(arrivals('holding-b')).toHaveLength(1);
    const released = await flow.api.api('POST', `/api/triggers/${first.id}/release-watermark`);
    expect(released.status).toBe(200);
    await waitFor(allSucceeded(['holding-a', 'holding-b'], 3), { what: 'the released send' });
  });
});
