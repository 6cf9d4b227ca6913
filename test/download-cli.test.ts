import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadCatalogue} from '../src/models/download/catalogue.js';
import {PACKAGE_ROOT} from '../src/models/paths.js';
import {graphsRoot, modelDir, MODEL_FILE} from '../src/models/store.js';
import {SOURCE_FILE, type EntrySource} from '../src/pipeline/graph-cache.js';
import {requireShared} from './support/shared-data.js';
import {unrunnableModel} from './support/onnx-models.js';
import {buildTar} from './support/tar-build.js';

const TEXTLINE = 'PP-LCNet_x0_25_textline_ori';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/run.js download ...` (the built CLI) with a private LCNET_HOME and no proxies. */
function lcnet(args: string[], env: Record<string, string>): Promise<Ran> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/_proxy$/i.test(k)) clean[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(PACKAGE_ROOT, 'bin', 'run.js'), 'download', ...args], {env: {...clean, ...env}}, (err, stdout, stderr) => {
      // oclif wraps error messages and prefixes each line with ' ›   '
      resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr: stderr.replace(/\s*\n\s*(›\s*)?/g, ' ')});
    });
  });
}

describe('download: the lcnet download command', function () {
  this.timeout(20_000);
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lcnet-cli-'));
    env = {LCNET_HOME: join(dir, 'home')};
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  it('--list --json prints the catalogue with what is installed', async () => {
    const r = await lcnet(['--list', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {default: string; home: string; models: {name: string; installed: boolean; default: boolean; urls: string[]}[]};
    assert.equal(out.default, 'PPLCNet_x1_0');
    assert.equal(out.home, env.LCNET_HOME);
    assert.equal(out.models.length, loadCatalogue().models.length);
    assert.ok(out.models.every((m) => !m.installed && m.urls.length > 0));
    assert.deepEqual(out.models.filter((m) => m.default).map((m) => m.name), ['PPLCNet_x1_0']);
  });

  it('exits 2 for an unknown model, suggesting names', async () => {
    const r = await lcnet(['pplcnet-x0-25'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /'pplcnet-x0-25' is not in the catalogue\. Did you mean PPLCNet_x0_25/);
  });

  it('exits 2 for a bad timeout and for --list with --from', async () => {
    assert.equal((await lcnet([TEXTLINE, '--timeout', 'soon'], env)).code, 2);
    assert.equal((await lcnet(['--list', '--from', 'x.tar'], env)).code, 2);
  });

  it('exits 3 with the --from advice when the host is unreachable', async () => {
    const catFile = join(dir, 'catalogue.json');
    const real = loadCatalogue();
    writeFileSync(catFile, JSON.stringify({...real, models: real.models.map((m) => ({...m, urls: ['http://127.0.0.1:9/x.tar']}))}));
    const r = await lcnet([TEXTLINE, '--retries', '0'], {...env, LCNET_CATALOGUE: catFile});
    assert.equal(r.code, 3);
    assert.match(r.stderr, /ECONNREFUSED/);
    assert.match(r.stderr, new RegExp(`install it with lcnet download ${TEXTLINE} --from DIR\\|FILE\\|URL where DIR`));
    assert.match(r.stderr, /To try lcnet meanwhile without weights, give classify, eval or bench -m synthetic:PPLCNet_x1_0: random weights, the same speed, meaningless labels\./);
    assert.deepEqual(readdirSync(env.LCNET_HOME!).filter((n) => n === 'models'), []);
  });

  it('installs an ONNX model onnxruntime cannot run with a note saying so, and saves no graph', async () => {
    const file = join(dir, 'odd.onnx');
    writeFileSync(file, unrunnableModel(4, 8));
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, 'a\nb\nc\nd\n');
    const r = await lcnet(['--from', file, '--name', 'odd', '--labels', labels, '--json', '--no-progress'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /note: onnxruntime cannot run the installed model: .*NoSuchOperator/);
    assert.match((JSON.parse(r.stdout) as {notes: string[]}).notes.join('\n'), /onnxruntime cannot run the installed model/);
    assert.deepEqual(readdirSync(graphsRoot(env.LCNET_HOME)), []);
  });

  it('installs the real text-line model from a local archive, then lists it', async function () {
    const shared = requireShared(this, 'models/paddle/PP-LCNet_x0_25_textline_ori');
    const tar = join(dir, `${TEXTLINE}_infer.tar`);
    writeFileSync(tar, buildTar(readdirSync(shared).map((n) => ({name: `${TEXTLINE}_infer/${n}`, data: readFileSync(join(shared, n))}))));
    const bad = await lcnet(['--from', tar, '--sha256', '0'.repeat(64), '--json'], env);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /nothing was installed/);
    const r = await lcnet(['--from', tar, '--json', '--no-progress'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {name: string; installed: boolean; task: string; classes: number; archive: {checksum: string}};
    assert.deepEqual([out.name, out.installed, out.task, out.classes, out.archive.checksum], [TEXTLINE, true, 'textline-orientation', 2, 'unchecked']);
    // onnxruntime's optimised graph of the installed model is saved at once, for the first classify
    const graphs = readdirSync(graphsRoot(env.LCNET_HOME));
    assert.equal(graphs.length, 1);
    const source = JSON.parse(readFileSync(join(graphsRoot(env.LCNET_HOME), graphs[0]!, SOURCE_FILE), 'utf8')) as EntrySource;
    assert.equal(source.model, realpathSync(join(modelDir(TEXTLINE, env.LCNET_HOME), MODEL_FILE)));
    const list = JSON.parse((await lcnet(['--list', '--json'], env)).stdout) as {models: {name: string; installed: boolean}[]};
    assert.deepEqual(list.models.filter((m) => m.installed).map((m) => m.name), [TEXTLINE]);
    const human = await lcnet([TEXTLINE], env);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /is in .*PP-LCNet_x0_25_textline_ori/);
  });
});
