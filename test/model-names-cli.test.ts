/**
 * A model name that names nothing, through the real CLI: every command that takes a model
 * suggests the closest names (the catalogue's, and for --model the models installed in
 * LCNET_HOME) and exits with status 2, a usage error, before any work.
 */

import assert from 'node:assert/strict';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {createClassifier} from '../src/index.js';
import {UsageError} from '../src/errors.js';
import {MANIFEST_FILE, MODEL_FILE, modelsRoot} from '../src/models/store.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';

/** oclif wraps a message and starts each line with ' ›   ': one line again. */
const unwrapped = (stderr: string) => stderr.replace(/\s*\n\s*(›\s*)?/g, ' ');

describe('did you mean: model names (through the CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let home: string;
  let photos: string;
  let val: string;

  before(async () => {
    dir = tempDir();
    home = join(dir, 'home');
    photos = join(dir, 'photos');
    val = join(dir, 'val');
    mkdirSync(photos);
    mkdirSync(val);
    await rawImage(64, 48).jpeg().toFile(join(photos, 'a.jpg'));
    // an own model installed in the store (only its name matters here)
    const own = join(modelsRoot(home), 'my-fruit');
    mkdirSync(own, {recursive: true});
    writeFileSync(join(own, MANIFEST_FILE), '{}');
    writeFileSync(join(own, MODEL_FILE), '');
  });
  after(() => rmSync(dir, {recursive: true, force: true}));

  const commands = (model: string): [string, string[]][] => [
    ['classify', ['classify', photos, '-m', model]],
    ['eval', ['eval', '--imagenet-val', val, '-m', model]],
    ['bench', ['bench', '-m', model, '--iterations', '1', '--warmup', '0']],
  ];

  it('PPLCNet_x1_O: every command that takes a model suggests PPLCNet_x1_0 and exits 2', async () => {
    for (const [name, args] of [...commands('PPLCNet_x1_O'), ['download', ['download', 'PPLCNet_x1_O']] as [string, string[]]]) {
      const r = await runCli(args, {env: {LCNET_HOME: home}});
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(unwrapped(r.stderr), /[Dd]id you mean PPLCNet_x1_0 or PP-LCNet_x1_0\?/, name);
      assert.equal(r.stdout, '', name);
    }
  });

  it('suggests models installed in LCNET_HOME', async () => {
    for (const [name, args] of commands('my-frut')) {
      const r = await runCli(args, {env: {LCNET_HOME: home}});
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(unwrapped(r.stderr), /unknown model 'my-frut' \(did you mean my-fruit\?\)/, name);
    }
  });

  it('a name close to nothing, a missing model file and an unknown synthetic model are usage errors too', async () => {
    const cases: [string, RegExp][] = [
      ['NoSuchModel', /unknown model 'NoSuchModel': give a catalogue name/],
      ['./missing.onnx', /model file or folder '\.\/missing\.onnx' does not exist/],
      ['synthetic:PPLCNet_x1_O', /'synthetic:PPLCNet_x1_O': name a PP-LCNet width, e\.g\. synthetic:PPLCNet_x1_0 \(did you mean synthetic:PPLCNet_x1_0 or synthetic:PP-LCNet_x1_0\?\)/],
      ['synthetic:PPLCNet_x1_0@x', /invalid seed/],
    ];
    // every kind in classify, one in the others (they resolve --model the same way)
    const runs = cases.flatMap(([model, message], i) => commands(model).filter(([name]) => name === 'classify' || i === 1).map(([name, args]) => ({model, message, name, args})));
    for (const {model, message, name, args} of runs) {
      const r = await runCli(args, {env: {LCNET_HOME: home}});
      assert.equal(r.code, 2, `${name} -m ${model}: ${r.stderr}`);
      assert.match(unwrapped(r.stderr), message, `${name} -m ${model}`);
    }
  });

  it('the library rejects an unknown name with a UsageError that suggests names', async () => {
    await assert.rejects(createClassifier({model: 'PPLCNet_x1_O', home}), (e: unknown) => e instanceof UsageError && /did you mean PPLCNet_x1_0/.test(e.message));
  });
});
