/**
 * Which models made what a report shows, for its header: the models its prediction records name
 * (every record names its model), the model of each evaluation and benchmark, and whether each
 * has synthetic weights, so that a page made from a generated model never passes for a real one.
 *
 * A record names its model only by name. A `synthetic:` name says so itself; a model installed
 * under an ordinary name from a seeded .onnx (as bench/run-benchmarks.sh installs PPLCNet_x1_0)
 * is known by the model store of this machine (`model.json` says `synthetic`), so the page warns
 * when the model of that name installed here is synthetic.
 */

import {isInstalled, lcnetHome, modelDir, readManifest} from '../models/store.js';
import {SYNTHETIC_PREFIX} from '../models/resolve.js';
import {esc} from './escape.js';
import {baseName, fmtInt} from './html.js';

export interface ModelUse {
  name: string;
  /** what it made on the page: `24 records`, `evaluation eval.json`, `benchmark bench.json` */
  made: string[];
  /** why its weights are known to be synthetic, or null when they are not */
  synthetic: 'named' | 'reported' | 'installed' | null;
  /** it made a benchmark only: its speed means something, its predictions do not exist here */
  benchOnly: boolean;
}

export interface ModelSources {
  /** model name -> records (from the prediction records) */
  records: ReadonlyMap<string, number>;
  /** evaluations: the input, and the model the report names (absent in old reports) */
  evals: {input: string; model?: {name: string; synthetic: boolean}}[];
  benches: {input: string; model: {name: string; synthetic: boolean}}[];
  /** the model store to look names up in [default: $LCNET_HOME] */
  home?: string;
}

async function installedSynthetic(name: string, home: string): Promise<boolean> {
  try {
    return isInstalled(name, home) && (await readManifest(modelDir(name, home))).synthetic === true;
  } catch {
    // an unreadable model.json says nothing either way
    return false;
  }
}

/** The models of a report, in the order the page shows its parts: predictions, evaluations, benchmarks. */
export async function reportModels(s: ModelSources): Promise<ModelUse[]> {
  const home = s.home ?? lcnetHome();
  const byName = new Map<string, ModelUse>();
  const use = (name: string, made: string, synthetic: boolean, bench: boolean) => {
    let m = byName.get(name);
    if (!m) byName.set(name, (m = {name, made: [], synthetic: null, benchOnly: true}));
    m.made.push(made);
    if (name.startsWith(SYNTHETIC_PREFIX)) m.synthetic = 'named';
    else if (synthetic && m.synthetic === null) m.synthetic = 'reported';
    if (!bench) m.benchOnly = false;
  };
  const recorded = [...s.records].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [name, n] of recorded) use(name, `${fmtInt(n)} record${n === 1 ? '' : 's'}`, false, false);
  for (const e of s.evals) use(e.model?.name ?? '(not recorded)', `evaluation ${baseName(e.input)}`, e.model?.synthetic ?? false, false);
  for (const b of s.benches) use(b.model.name, `benchmark ${baseName(b.input)}`, b.model.synthetic, true);
  for (const m of byName.values()) {
    if (m.synthetic === null && s.records.has(m.name) && (await installedSynthetic(m.name, home))) m.synthetic = 'installed';
  }
  return [...byName.values()];
}

/** The header lines that name the models: one line listing them, and a warning per synthetic model. */
export function modelHeader(models: readonly ModelUse[]): string[] {
  if (models.length === 0) return [];
  const named = models.map((m) => `<b class="model-name">${esc(m.name)}</b>${models.length > 1 || m.made.length > 1 ? ` <span class="muted">(${esc(m.made.join(', '))})</span>` : ''}`);
  const lines = [`<p class="models">${models.length === 1 ? 'Model' : 'Models'}: ${named.join('; ')}</p>`];
  for (const m of models) if (m.synthetic) lines.push(`<p class="synthetic" role="alert">${esc(syntheticWarning(m))}</p>`);
  return lines;
}

export function syntheticWarning(m: ModelUse): string {
  const what = m.benchOnly ? 'its speed is representative, its predictions are not' : 'its predictions, and everything on this page that comes from them, are meaningless';
  if (m.synthetic === 'installed') {
    return `SYNTHETIC WEIGHTS: the model ${m.name} installed in this machine's model store was generated from a seed (for tests and benchmarks); if it made these records, ${what}.`;
  }
  return `SYNTHETIC WEIGHTS: ${m.name} was generated from a seed for tests and benchmarks: ${what}.`;
}

/** Whether any model of the page has synthetic weights (the page title says so too). */
export function anySynthetic(models: readonly ModelUse[]): boolean {
  return models.some((m) => m.synthetic !== null);
}
