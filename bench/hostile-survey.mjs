// How lcnet's decoding paths and OpenCV treat every file of the hostile suite
// (test/support/hostile-images.ts, the heavy files included). Needs a build (npm run build).
//   node bench/hostile-survey.mjs [--out FILE.md] [--json FILE.json] [--no-opencv] [--light]
// For each file it records, as "ok WxH <hash>" or the error record's text:
//   addon          decodeRgb: the addon's decodeInto (or libvips where lcnet's header parser
//                  leaves the file to it: see the route column)
//   sharp          decodeRgb with jpegDecoder 'sharp' (LCNET_JPEG_DECODER=sharp)
//   resize-native  the exact preprocessor as the CLI runs it: the addon's decodeResize for JPEGs
//   resize-js      the same with the JS kernel (LCNET_RESIZE_KERNEL=js): decodeInto, then resize
//   resize-sharp   the JS kernel on sharp's pixels (what LCNET_JPEG_DECODER=sharp records)
//   opencv         cv2.imdecode(IMREAD_COLOR) in /usr/bin/python3 (bench/hostile-opencv.py)
// Pixel hashes are sha256 of "WxH" and the RGB bytes, the same in Node and Python, so the addon's
// and OpenCV's pixels compare directly; tensors hash their float32 bytes. Each decode is timed and
// its peak RSS taken (VmHWM reset through /proc/self/clear_refs before it, minus the RSS then).
// Files run in a child process; one that crashes, runs past 120 s or grows past 6 GiB is killed,
// recorded as such, and the child restarts after it. Writes a Markdown report of the
// disagreements grouped by class, and every outcome as JSON.
import {spawn, execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_MODES = ['addon', 'sharp', 'resize-native', 'resize-js', 'resize-sharp'];
const TIMEOUT_MS = 120_000;
const RSS_LIMIT_KIB = 6 * 1024 * 1024;
const SLOW_MS = 500;

function statusKib(pid, field) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  } catch {
    return 0;
  }
}

const hash16 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};

/** The child: every mode on every file from `start`, as "S i mode" then "R {json}" lines. */
async function worker([list, start, ...skips]) {
  const {decodeRgb, describeDecodeError, turboJpeg, DEFAULT_MAX_PIXELS} = await import('../dist/src/pipeline/decode.js');
  const {createPreprocessor} = await import('../dist/src/pipeline/preprocess.js');
  const {imagenetPreprocess} = await import('../dist/src/models/manifest.js');
  const {libvips} = await import('../dist/src/pipeline/libvips.js');
  await libvips();
  const paths = readFileSync(list, 'utf8').split('\n').slice(0, -1);
  const skip = new Set(skips);
  const opts = {maxPixels: DEFAULT_MAX_PIXELS};
  const viaSharp = {...opts, jpegDecoder: 'sharp'};
  const spec = imagenetPreprocess();
  const pre = {
    native: createPreprocessor(spec, 'exact', opts, 'auto'),
    js: createPreprocessor(spec, 'exact', opts, 'js'),
    sharp: createPreprocessor(spec, 'exact', viaSharp, 'js'),
  };
  const tensor = new Float32Array(pre.native.tensorSize);
  const pixels = (img) => `ok ${img.width}x${img.height} ${hash16(`${img.width}x${img.height}`, img.data)}`;
  const resized = async (p, bytes) => {
    tensor.fill(0);
    const size = await p.run(bytes, tensor, 0);
    return `ok ${size.width}x${size.height} ${hash16(new Uint8Array(tensor.buffer))}`;
  };
  const modes = {
    addon: async (b) => pixels(await decodeRgb(b, opts)),
    sharp: async (b) => pixels(await decodeRgb(b, viaSharp)),
    'resize-native': (b) => resized(pre.native, b),
    'resize-js': (b) => resized(pre.js, b),
    'resize-sharp': (b) => resized(pre.sharp, b),
  };
  const say = (line) => new Promise((resolve) => process.stdout.write(`${line}\n`, resolve));
  for (let i = Number(start); i < paths.length; i++) {
    const bytes = readFileSync(paths[i]);
    let route;
    try {
      route = turboJpeg(bytes, opts) ? 'addon' : 'libvips';
    } catch (e) {
      route = `refused before decoding (${describeDecodeError(e, bytes)})`;
    }
    for (const mode of NODE_MODES) {
      if (skip.has(`${i}:${mode}`)) continue;
      await say(`S ${i} ${mode}`);
      globalThis.gc?.();
      writeFileSync('/proc/self/clear_refs', '5');
      const before = statusKib('self', 'VmRSS:');
      const t0 = performance.now();
      let outcome;
      try {
        outcome = await modes[mode](bytes);
      } catch (e) {
        outcome = `error: ${describeDecodeError(e, bytes)}`;
      }
      const ms = performance.now() - t0;
      const mib = (statusKib('self', 'VmHWM:') - before) / 1024;
      await say(`R ${JSON.stringify({i, mode, route, outcome, ms: +ms.toFixed(2), mib: +mib.toFixed(1)})}`);
    }
  }
}

/**
 * Runs `command(start, skipped)` until every file has a result for every mode: a child that dies
 * (or is killed for time or memory) while on a file gets that file and mode recorded as its
 * death, and a new child starts at the same file without that mode.
 */
async function supervise(command, total) {
  const results = [];
  const skipped = [];
  let start = 0;
  for (;;) {
    const [cmd, args] = command(start, skipped);
    const child = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe']});
    let current = null;
    let killedFor = null;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const lines = createInterface({input: child.stdout});
    const linesRead = new Promise((resolve) => lines.on('close', resolve));
    lines.on('line', (line) => {
      if (line.startsWith('S ')) {
        const [, i, mode] = line.split(' ');
        current = {i: Number(i), mode, since: performance.now()};
      } else if (line.startsWith('R ')) {
        results.push(JSON.parse(line.slice(2)));
        current = null;
      }
    });
    const watch = setInterval(() => {
      const rss = statusKib(child.pid, 'VmRSS:');
      if (rss > RSS_LIMIT_KIB) killedFor = `killed: RSS over ${RSS_LIMIT_KIB >> 20} GiB`;
      else if (current && performance.now() - current.since > TIMEOUT_MS) killedFor = `killed: over ${TIMEOUT_MS / 1000} s`;
      if (killedFor) child.kill('SIGKILL');
    }, 50);
    const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
    await linesRead;
    clearInterval(watch);
    if (code === 0 && !current) return results;
    if (!current) throw new Error(`${cmd} died between files (${signal ?? code}): ${stderr}`);
    const outcome = killedFor ?? `crash: ${signal ?? `exit status ${code}`} (${stderr.trim().split('\n').pop()})`;
    results.push({i: current.i, mode: current.mode, outcome, ms: +(performance.now() - current.since).toFixed(2), mib: null});
    skipped.push(current);
    start = current.i;
  }
}

function opencvAvailable() {
  try {
    return execFileSync('/usr/bin/python3', ['-c', 'import cv2; print(cv2.__version__)'], {encoding: 'utf8'}).trim();
  } catch {
    return null;
  }
}

/** How the addon's (or another path's) outcome compares with OpenCV's, in words. */
function versusOpenCv(lcnet, opencv) {
  const ok = (o) => o.startsWith('ok ');
  if (ok(lcnet) && ok(opencv)) {
    if (lcnet === opencv) return null;
    return lcnet.split(' ')[1] === opencv.split(' ')[1] ? 'pixels differ' : 'sizes differ';
  }
  const refuses = opencv.startsWith('none');
  if (!ok(lcnet) && refuses) return lcnet.startsWith('error: ') ? null : `lcnet ${lcnet.split(':')[0]}, OpenCV refuses`;
  if (refuses) return 'lcnet decodes, OpenCV refuses';
  if (!ok(opencv)) return `OpenCV ${opencv.split(':')[0]}`;
  return lcnet.startsWith('error: ') ? 'lcnet refuses, OpenCV decodes' : `lcnet ${lcnet.split(':')[0]}, OpenCV decodes`;
}

const cell = (s) => String(s ?? '').replace(/\|/g, '\\|');

function report(files, meta) {
  const classes = [...new Set(files.map((f) => f.kind))];
  const out = [];
  const say = (s = '') => out.push(s);
  say('# Hostile inputs: lcnet\'s decoding paths and OpenCV');
  say();
  say(`${files.length} files (seed ${meta.seed}, heavy files ${meta.heavy ? 'included' : 'left out'}), commit ${meta.commit}, ${meta.date}.`);
  say(`libjpeg-turbo (addon) ${meta.turbo}; sharp ${meta.sharp.sharp}, libvips ${meta.sharp.vips}, mozjpeg ${meta.sharp.mozjpeg}; OpenCV ${meta.opencv ?? 'not run'}.`);
  say();
  say('Outcomes are `ok WxH <hash>` (RGB pixels, or the 224x224 tensor for the resize paths; the size is the source image\'s) or the error record. `route` is where lcnet\'s header parser (jpegLayout) sends the file: the addon, libvips, or a refusal before decoding.');
  say();
  const comparisons = [
    ['addon vs sharp (decodeInto vs LCNET_JPEG_DECODER=sharp, pixels)', 'addon', 'sharp', (a, b) => (a === b ? null : 'differ')],
    ['decodeResize vs sharp (records of a default run vs LCNET_JPEG_DECODER=sharp, tensors)', 'resize-native', 'resize-sharp', (a, b) => (a === b ? null : 'differ')],
    ['decodeResize vs decodeInto (default vs LCNET_RESIZE_KERNEL=js, tensors)', 'resize-native', 'resize-js', (a, b) => (a === b ? null : 'differ')],
  ];
  if (meta.opencv) {
    comparisons.push(['addon vs OpenCV (pixels; both refusing counts as agreement)', 'addon', 'opencv', versusOpenCv]);
    comparisons.push(['sharp vs OpenCV (pixels; both refusing counts as agreement)', 'sharp', 'opencv', versusOpenCv]);
  }
  const verdicts = comparisons.map(([, a, b, judge]) => files.map((f) => judge(f.outcomes[a]?.outcome ?? '?', f.outcomes[b]?.outcome ?? '?')));

  say('## Counts by class');
  say();
  say(`| class | files | ${comparisons.map(([title]) => title.split(' (')[0]).join(' | ')} | slow (> ${SLOW_MS} ms) | crashed or killed |`);
  say(`|---|---|${comparisons.map(() => '---|').join('')}---|---|`);
  const totals = comparisons.map(() => 0);
  for (const kind of [...classes, 'all']) {
    const idx = files.map((f, i) => (kind === 'all' || f.kind === kind ? i : -1)).filter((i) => i >= 0);
    const counts = verdicts.map((v) => idx.filter((i) => v[i]).length);
    if (kind !== 'all') counts.forEach((c, k) => (totals[k] += c));
    const slow = idx.filter((i) => Object.values(files[i].outcomes).some((o) => o.ms > SLOW_MS)).length;
    const dead = idx.filter((i) => Object.values(files[i].outcomes).some((o) => /^(crash|killed)/.test(o.outcome))).length;
    say(`| ${kind} | ${idx.length} | ${counts.join(' | ')} | ${slow} | ${dead} |`);
  }
  say();

  comparisons.forEach(([title, a, b], k) => {
    say(`## ${title}`);
    say();
    say(`| class | kind | files | example | route | ${a} | ${b} |`);
    say('|---|---|---|---|---|---|---|');
    for (const kind of classes) {
      const byVerdict = new Map();
      files.forEach((f, i) => {
        if (f.kind !== kind || !verdicts[k][i]) return;
        const list = byVerdict.get(verdicts[k][i]) ?? [];
        list.push(f);
        byVerdict.set(verdicts[k][i], list);
      });
      for (const [verdict, list] of byVerdict) {
        const ex = list[0];
        say(`| ${kind} | ${verdict} | ${list.length} | ${cell(ex.name)} | ${cell(ex.route)} | ${cell(ex.outcomes[a]?.outcome)} | ${cell(ex.outcomes[b]?.outcome)} |`);
      }
    }
    say();
  });

  say(`## Slow or memory-hungry decodes (> ${SLOW_MS} ms or > 100 MiB over the RSS before the call)`);
  say();
  say('| file | path | ms | peak MiB | outcome |');
  say('|---|---|---|---|---|');
  for (const f of files)
    for (const [mode, o] of Object.entries(f.outcomes))
      if (o.ms > SLOW_MS || o.mib > 100 || /^(crash|killed)/.test(o.outcome)) say(`| ${cell(f.name)} | ${mode} | ${o.ms.toFixed(0)} | ${o.mib ?? '?'} | ${cell(o.outcome)} |`);
  say();

  say('## Every disagreement');
  say();
  comparisons.forEach(([title, a, b], k) => {
    say(`### ${title}`);
    say();
    say(`| file | verdict | route | ${a} | ${b} |`);
    say('|---|---|---|---|---|');
    files.forEach((f, i) => {
      if (verdicts[k][i]) say(`| ${cell(f.name)} | ${verdicts[k][i]} | ${cell(f.route)} | ${cell(f.outcomes[a]?.outcome)} | ${cell(f.outcomes[b]?.outcome)} |`);
    });
    say();
  });
  return {text: out.join('\n'), totals, titles: comparisons.map(([t]) => t)};
}

async function main(argv) {
  const option = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : fallback;
  };
  const outFile = option('--out', 'hostile-survey.md');
  const jsonFile = option('--json', outFile.replace(/\.md$/, '') + '.json');
  const heavy = !argv.includes('--light');
  const opencv = argv.includes('--no-opencv') ? null : opencvAvailable();
  const {hostileImages, writeHostileImages, HOSTILE_SEED} = await import('../dist/test/support/hostile-images.js');
  const t0 = performance.now();
  const suite = await hostileImages({heavy});
  const dir = mkdtempSync(join(tmpdir(), 'lcnet-hostile-'));
  try {
    const paths = writeHostileImages(dir, suite);
    const list = join(dir, 'files.txt');
    writeFileSync(list, paths.map((p) => `${p}\n`).join(''));
    console.error(`${suite.length} files generated in ${((performance.now() - t0) / 1000).toFixed(2)} s into ${dir}`);
    const nodeResults = await supervise(
      (start, skipped) => [process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--worker', list, String(start), ...skipped.map((s) => `${s.i}:${s.mode}`)]],
      suite.length,
    );
    console.error(`lcnet's paths done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const cvResults = opencv
      ? await supervise(
          (start, skipped) => ['/usr/bin/python3', [join(ROOT, 'bench', 'hostile-opencv.py'), list, String(start), ...skipped.map((s) => String(s.i))]],
          suite.length,
        )
      : [];
    const files = suite.map((f) => ({name: f.name, kind: f.kind, variant: f.variant, size: f.bytes.length, route: '', outcomes: {}}));
    for (const r of [...nodeResults, ...cvResults]) {
      files[r.i].outcomes[r.mode] = {outcome: r.outcome, ms: r.ms, mib: r.mib};
      if (r.route) files[r.i].route = r.route;
    }
    const {jpegTurbo} = await import('../dist/src/pipeline/jpeg-turbo.js');
    const sharp = (await import('sharp')).default;
    const meta = {
      seed: HOSTILE_SEED,
      heavy,
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: ROOT, encoding: 'utf8'}).trim(),
      date: new Date().toISOString().slice(0, 10),
      turbo: jpegTurbo()?.libjpegTurboVersion ?? 'not loaded',
      sharp: sharp.versions,
      opencv,
    };
    const {text, totals, titles} = report(files, meta);
    writeFileSync(outFile, text);
    writeFileSync(jsonFile, JSON.stringify({meta, files}, null, 1));
    console.log(`${files.length} files; disagreements:`);
    titles.forEach((t, k) => console.log(`  ${totals[k]}\t${t}`));
    console.log(`report: ${outFile}; every outcome: ${jsonFile}; ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

if (process.argv[2] === '--worker') await worker(process.argv.slice(3));
else await main(process.argv.slice(2));
