import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {ROOT} from './support/shared-data.js';

const SRC = join(ROOT, 'src');

/** Every relative import of every module under src/, as [importer, imported], both relative to src/. */
function imports(): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of readdirSync(SRC, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      const target = spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)) : spec;
      out.push([relative(SRC, file), target]);
    }
  }
  return out;
}

describe('layers point down', () => {
  const all = imports();

  it('finds the imports it checks', () => {
    assert.ok(all.length > 300, `${all.length} imports`);
  });

  it('only src/commands and src/cli import from src/commands or src/cli', () => {
    const wrong = all.filter(([from, to]) => /^(cli|commands)\//.test(to) && !/^(cli|commands)\//.test(from));
    assert.deepEqual(wrong, []);
  });

  it("no module imports Node's network modules: HTTP goes through undici", () => {
    assert.deepEqual(all.filter(([, to]) => /^(node:)?(http|https|net|tls)$/.test(to)), []);
  });

  it('src/models imports nothing from src/pipeline', () => {
    assert.deepEqual(all.filter(([from, to]) => from.startsWith('models/') && to.startsWith('pipeline/')), []);
  });
});
