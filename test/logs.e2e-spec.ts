import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpawnedApp, spawnApp } from './support/spawned-app';
import { ADMIN_TOKEN, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

// The log format of a real process: readable lines for people, JSON lines for machines.
describeWithPostgres('log format', () => {
  let database: TestDatabase;
  let dir: string;
  const apps: SpawnedApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'triggerline-logs-'));
  });
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>, options: { stdoutFd?: number } = {}) => {
    const app = await spawnApp(
      { DATABASE_URL: database.url!, ADMIN_TOKEN, LOG_LEVEL: 'info', ...env },
      options,
    );
    apps.push(app);
    return app;
  };

  it('prints one readable line per entry with LOG_FORMAT=pretty', async () => {
    const app = await start({ LOG_FORMAT: 'pretty' });
    const line = await waitFor(
      () =>
        app
          .output()
          .split('\n')
          .find((text) => text.includes('Main started')),
      { what: 'the started line' },
    );
    expect(line).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO.*Main started .*"url":"http/);
    expect(app.output()).not.toMatch(/^\{"level"/m);
    await app.stop();
  });

  it('writes JSON lines when standard output is a file', async () => {
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    const app = await start({}, { stdoutFd: fd });
    closeSync(fd);
    const lines = await waitFor(
      () => {
        const text = readFileSync(file, 'utf8');
        return text.includes('"evt":"started"') ? text.trim().split('\n') : undefined;
      },
      { what: 'the started entry in the file' },
    );
    const entries = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.find((entry) => entry.evt === 'started')).toMatchObject({
      level: 30,
      context: 'Main',
      url: expect.stringContaining('http'),
    });
    await app.stop();
  });
});
