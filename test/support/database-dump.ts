import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

/**
 * Everything a database holds, as text: `pg_dump` when one able to dump the server is installed
 * (its major version at least the server's; Debian keeps one per version), else every row of
 * every table as PostgreSQL prints it (the data part of a dump), for a server newer than any
 * pg_dump here, such as the run's throwaway one.
 */
export async function dumpDatabase(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const [{ major }] = (
      await client.query<{ major: number }>(
        `SELECT current_setting('server_version_num')::int / 10000 AS major`,
      )
    ).rows;
    const pgDump = pgDumpFor(major);
    if (pgDump !== null) {
      const { stdout } = await execFileAsync(pgDump, ['--no-owner', url], {
        maxBuffer: 256 * 1024 * 1024,
      });
      return stdout;
    }
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
       WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const parts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await client.query<{ line: string }>(
        `SELECT t::text AS line FROM ${name} t`,
      );
      parts.push(`-- ${name}`, ...rows.map((row) => row.line));
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

function pgDumpFor(serverMajor: number): string | null {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .map(Number)
        .filter((major) => major >= serverMajor && existsSync(`${root}/${major}/bin/pg_dump`))
        .sort((a, b) => a - b)
    : [];
  return majors.length > 0 ? `${root}/${majors[0]}/bin/pg_dump` : null;
}
