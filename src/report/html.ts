/**
 * The pieces every report page is made of: the page shell (inline CSS, no script, a Content
 * Security Policy that allows nothing from outside the page), thumbnails with their captions,
 * tables and inline SVG charts. Everything printed goes through `esc`.
 */

import {esc} from './escape.js';
import type {Thumbnails} from './thumbnails.js';

const CSS = `
:root{--fg:#1d232b;--muted:#5c6773;--line:#d8dde3;--bg:#f6f7f9;--accent:#2f6fb3;--bad:#b3372f}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
header{padding:18px 28px 10px;border-bottom:1px solid var(--line);background:var(--bg)}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;color:var(--muted)}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:8px 28px}
nav a{margin-right:16px}
main{padding:8px 28px 40px;max-width:1400px}
section{margin-top:22px}
h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
.muted{color:var(--muted)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table{border-collapse:collapse;margin:6px 0 10px}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;vertical-align:middle;text-align:left}
th{background:var(--bg);font-weight:600}
td.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere;max-width:720px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0}
.card{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}
.grid{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start}
figure{margin:0;min-width:168px}
figure .img,.strip .img{display:flex;align-items:center;justify-content:center;background:var(--bg);border:1px solid var(--line);border-radius:4px;overflow:hidden}
figure .img{height:168px;min-width:168px;padding:3px}
figure img{display:block;width:auto;height:auto;max-width:640px;max-height:160px}
.th{display:block;width:160px;height:160px;background-position:center;background-size:contain;background-repeat:no-repeat}
figcaption{width:0;min-width:100%;font-size:12px;line-height:1.3;margin-top:3px;overflow-wrap:anywhere}
figcaption .name{display:block;overflow:hidden;text-overflow:ellipsis;overflow-wrap:normal}
.score,.nowrap{white-space:nowrap}
figcaption .score{font-weight:600}
.strip{display:flex;gap:4px}
.strip .img{height:56px;min-width:56px;padding:0 1px}
.strip .th{width:auto;height:54px;max-width:108px;background-size:cover}
.strip img{width:auto;height:54px;max-width:108px;object-fit:cover}
td.label{min-width:6em;max-width:360px;overflow-wrap:break-word}
.confusions{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.confusion{border:1px solid var(--line);border-radius:6px;padding:6px 8px 8px}
.confusion h3{width:0;min-width:100%;margin:0 0 6px;font-size:13px}
.confusion .pair{margin:0}
.pair > .grid + .grid{border-left:1px dashed var(--line);padding-left:12px}
.ph{color:var(--muted);font-size:11px;text-align:center;padding:4px}
.bar{display:inline-block;height:10px;background:var(--accent);vertical-align:middle;border-radius:2px}
.bar.bad{background:var(--bad)}
svg text{font:11px system-ui,sans-serif;fill:var(--fg)}
.note{background:#fff8e6;border:1px solid #ecd9a6;border-radius:4px;padding:6px 10px;margin:8px 0}
.pair{display:flex;gap:12px;align-items:flex-start;flex-wrap:wrap;margin:8px 0 14px}
header .models{color:var(--fg)}
.synthetic{margin:8px 0 4px;padding:8px 12px;background:#fdecea;border:1px solid #e6b0aa;border-left:6px solid var(--bad);border-radius:4px;color:#7a1f18;font-weight:600}
header p.synthetic{color:#7a1f18}
`;

export interface Page {
  title: string;
  subtitle: string[];
  /** more header lines, HTML: the models and their warnings (models.ts) */
  header?: string[];
  /** the page was made from synthetic weights: its <title> says so too */
  synthetic?: boolean;
  nav: {href: string; text: string}[];
  body: string[];
  /** more CSS: the inline thumbnails */
  css?: string;
}

export function renderPage(p: Page): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="lcnet report">',
    `<title>${esc(p.synthetic ? `${p.title} (SYNTHETIC weights)` : p.title)}</title>`,
    `<style>${CSS}</style>`,
    p.css ? `<style>\n${p.css}\n</style>` : '',
    '</head>',
    '<body>',
    `<header><h1>${esc(p.title)}</h1>${p.subtitle.map((s) => `<p>${esc(s)}</p>`).join('')}${(p.header ?? []).join('')}</header>`,
    p.nav.length ? `<nav>${p.nav.map((n) => `<a href="#${esc(n.href)}">${esc(n.text)}</a>`).join('')}</nav>` : '',
    '<main>',
    ...p.body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The last part of a path, for captions (the whole path is in the tooltip). */
export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

export const fmtScore = (s: number) => s.toFixed(3);
export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const fmtPct = (n: number, total: number) => (total === 0 ? '0.0%' : `${((100 * n) / total).toFixed(1)}%`);

/**
 * The thumbnails as the page refers to them. A file in thumbnails/ is an <img> loaded lazily. An
 * inline one (data: URI) is written once, as a CSS class, however often the page shows it (a
 * class strip, its section, the low-confidence list): that keeps a self-contained page about a
 * third of the size it would have with one data: URI per <img>. Either way the page knows each
 * thumbnail's size: a figure shows it at that size, a strip scales it by its aspect ratio.
 */
export class ThumbView {
  private readonly inlineClass = new Map<string, string>();
  private readonly rules: string[] = [];

  constructor(private readonly thumbs: Thumbnails) {}

  /** The markup of one image: thumbnail or placeholder. */
  image(key: string, file: string): string {
    const t = this.thumbs.get(key);
    if (t === undefined) return `<span class="ph">no preview</span>`;
    if (!t.src.startsWith('data:')) {
      return `<img src="${esc(t.src)}" width="${t.width}" height="${t.height}" alt="${esc(baseName(file))}" title="${esc(file)}" loading="lazy" decoding="async">`;
    }
    let cls = this.inlineClass.get(key);
    if (cls === undefined) {
      cls = `t${this.inlineClass.size}`;
      this.inlineClass.set(key, cls);
      // base64 holds no quote, backslash or parenthesis
      this.rules.push(`.${cls}{background-image:url("${t.src}");width:${t.width}px;height:${t.height}px;aspect-ratio:${t.width}/${t.height}}`);
    }
    return `<span class="th ${cls}" role="img" aria-label="${esc(baseName(file))}" title="${esc(file)}"></span>`;
  }

  /** The CSS of the inline thumbnails used so far. */
  css(): string {
    return this.rules.join('\n');
  }
}

/** An image box: the thumbnail, or a placeholder when the image could not be read. */
export function imageBox(thumbs: ThumbView, key: string, file: string): string {
  const image = thumbs.image(key, file);
  return image.startsWith('<span class="ph"') ? `<div class="img" title="${esc(file)}">${image}</div>` : `<div class="img">${image}</div>`;
}

/**
 * A file name that wraps only after `_`, `-`, a space or a dot inside the stem, never inside a
 * word or number and never before its extension (`ILSVRC2012_val_` / `00000002.JPEG`); a part
 * too long for the caption is ellipsized by the CSS, the whole path being in the tooltip.
 */
export function breakableName(name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  return stem.split(/(?<=[_\-. ])/).map(esc).join('<wbr>') + esc(ext);
}

/** A thumbnail with the file name and a caption line under it. */
export function figure(thumbs: ThumbView, key: string, file: string, caption: string): string {
  return `<figure>${imageBox(thumbs, key, file)}<figcaption><span class="name" title="${esc(file)}">${breakableName(baseName(file))}</span>${caption}</figcaption></figure>`;
}

/** A score as a caption shows it: never broken inside the number. */
export function scoreSpan(score: number, cls = 'score'): string {
  return `<span class="${cls}">${esc(fmtScore(score))}</span>`;
}

export function strip(thumbs: ThumbView, items: {key: string; file: string}[]): string {
  return `<div class="strip">${items.map((i) => imageBox(thumbs, i.key, i.file)).join('')}</div>`;
}

export function cards(items: [string, string][]): string {
  return `<div class="cards">${items.map(([label, value]) => `<div class="card"><b>${esc(value)}</b><span class="muted">${esc(label)}</span></div>`).join('')}</div>`;
}

/** A label cell of a table: wraps anywhere rather than widen the table, with the full name in its tooltip. */
export interface LabelCell {
  label: string;
  /** the cell's HTML (escaped by the caller), e.g. a link [default: the label] */
  html?: string;
  /** the tooltip [default: the label] */
  title?: string;
}

/** A table; cells are HTML already escaped by the caller; a cell prefixed by `#` is a number. */
export function table(head: string[], rows: (string | LabelCell)[][]): string {
  const cell = (c: string | LabelCell, tag: string) =>
    typeof c !== 'string'
      ? `<${tag} class="label" title="${esc(c.title ?? c.label)}">${c.html ?? esc(c.label)}</${tag}>`
      : c.startsWith('#')
        ? `<${tag} class="num">${c.slice(1)}</${tag}>`
        : `<${tag}>${c}</${tag}>`;
  return `<table><thead><tr>${head.map((h) => cell(esc(h), "th")).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A horizontal bar proportional to value / max. */
export function inlineBar(value: number, max: number, bad = false, width = 160): string {
  const w = max > 0 ? Math.max(1, Math.round((width * value) / max)) : 0;
  return `<span class="bar${bad ? ' bad' : ''}" style="width:${w}px"></span>`;
}

/** A histogram as inline SVG: `counts` over [lo, hi], with an optional marker. */
export function histogramSvg(counts: number[], opts: {lo: number; hi: number; marker?: {at: number; label: string}; xLabel: string}): string {
  const W = 720;
  const H = 220;
  const left = 56;
  const bottom = 34;
  const top = 12;
  const plotW = W - left - 12;
  const plotH = H - bottom - top;
  const max = Math.max(1, ...counts);
  const bw = plotW / counts.length;
  const x = (v: number) => left + ((v - opts.lo) / (opts.hi - opts.lo)) * plotW;
  const parts: string[] = [];
  parts.push(`<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(opts.xLabel)} histogram">`);
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#888"/>`);
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${esc(fmtInt(Math.round(f * max)))}</text>`);
    if (f > 0) parts.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#e3e6ea"/>`);
  }
  counts.forEach((c, i) => {
    const h = (c / max) * plotH;
    const from = opts.lo + ((opts.hi - opts.lo) * i) / counts.length;
    const to = opts.lo + ((opts.hi - opts.lo) * (i + 1)) / counts.length;
    parts.push(
      `<rect x="${(left + i * bw + 1).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#2f6fb3"><title>${esc(`${from.toFixed(2)}-${to.toFixed(2)}: ${fmtInt(c)}`)}</title></rect>`,
    );
  });
  for (let i = 0; i <= 4; i++) {
    const v = opts.lo + ((opts.hi - opts.lo) * i) / 4;
    parts.push(`<text x="${x(v)}" y="${top + plotH + 15}" text-anchor="middle">${esc(v.toFixed(2))}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${H - 3}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.marker) {
    const mx = x(opts.marker.at);
    parts.push(`<line x1="${mx}" y1="${top}" x2="${mx}" y2="${top + plotH}" stroke="#b3372f" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${mx + 4}" y="${top + 10}" fill="#b3372f">${esc(opts.marker.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface BarRow {
  label: string;
  /** stacked segments, drawn left to right */
  values: number[];
  text: string;
}

/** Horizontal (stacked) bars as inline SVG, one row per item, with a legend for the segments. */
export function barsSvg(rows: BarRow[], opts: {legend: string[]; colors: string[]; axis: string}): string {
  const rowH = 22;
  const left = 150;
  const barW = 420;
  const W = left + barW + 160;
  const legendH = opts.legend.length > 1 ? 22 : 0;
  const H = legendH + rows.length * rowH + 30;
  const max = Math.max(1e-9, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const parts: string[] = [];
  parts.push(`<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(opts.axis)}">`);
  if (legendH) {
    let lx = left;
    opts.legend.forEach((name, i) => {
      parts.push(`<rect x="${lx}" y="4" width="12" height="12" fill="${opts.colors[i % opts.colors.length]}"/><text x="${lx + 16}" y="14">${esc(name)}</text>`);
      lx += 24 + name.length * 7;
    });
  }
  rows.forEach((r, i) => {
    const y = legendH + i * rowH + 4;
    parts.push(`<text x="${left - 8}" y="${y + 13}" text-anchor="end">${esc(r.label)}</text>`);
    let x = left;
    r.values.forEach((v, j) => {
      const w = (v / max) * barW;
      if (w > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${opts.colors[j % opts.colors.length]}"><title>${esc(`${opts.legend[j] ?? ''} ${v.toFixed(2)}`)}</title></rect>`);
      x += w;
    });
    parts.push(`<text x="${x + 6}" y="${y + 13}">${esc(r.text)}</text>`);
  });
  const axisY = legendH + rows.length * rowH + 18;
  parts.push(`<text x="${left}" y="${axisY}" class="muted">${esc(opts.axis)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}
