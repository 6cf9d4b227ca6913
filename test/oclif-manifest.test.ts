import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Command} from '@oclif/core/command';
import {ROOT} from './support/shared-data.js';

interface ManifestCommand {
  flags: Record<string, unknown>;
  args: Record<string, unknown>;
  summary?: string;
}

describe('the oclif manifest (commands load one at a time)', () => {
  it('lists every command with the flags and arguments its class declares', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {version: string; commands: Record<string, ManifestCommand>};
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string};
    assert.equal(manifest.version, pkg.version);
    const dir = join(ROOT, 'dist', 'src', 'commands');
    const ids = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.replace(/\.js$/, ''))
      .sort();
    assert.deepEqual(Object.keys(manifest.commands).sort(), ids);
    for (const id of ids) {
      const cls = ((await import(join(dir, `${id}.js`))) as {default: typeof Command}).default;
      const listed = manifest.commands[id]!;
      assert.deepEqual(Object.keys(listed.flags).sort(), Object.keys(cls.flags ?? {}).sort(), `${id}: flags`);
      assert.deepEqual(Object.keys(listed.args).sort(), Object.keys(cls.args ?? {}).sort(), `${id}: arguments`);
      assert.equal(listed.summary, cls.summary, `${id}: summary`);
    }
  });
});
