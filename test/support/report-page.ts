/**
 * Reading a page written by `lcnet report` in tests: parsed with a DOM parser (linkedom), its
 * CSS read rule by rule, its inline thumbnails with their sizes, and the checks every page passes.
 */

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {parseHTML} from 'linkedom';

/** The part of the DOM (linkedom) the checks use; the project compiles without the DOM lib. */
export interface Element {
  textContent: string | null;
  innerHTML: string;
  parentElement: Element | null;
  closest(selector: string): Element | null;
  attributes: Iterable<{name: string}>;
  nextElementSibling: Element | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): Iterable<Element> & ArrayLike<Element>;
}
export interface Doc {
  getElementById(id: string): Element | null;
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): Iterable<Element>;
}

export function parsePage(path: string): {html: string; document: Doc} {
  const html = readFileSync(path, 'utf8');
  return {html, document: (parseHTML(html) as unknown as {document: Doc}).document};
}

export const all = (d: Doc, selector: string) => [...d.querySelectorAll(selector)];
export const text = (e: Element | null | undefined) => (e?.textContent ?? '').trim();
export const number = (s: string) => Number(s.replace(/,/g, ''));

/** The checks every page passes: no script, nothing from outside, every fragment link resolves. */
export function checkSelfContained(d: Doc, html: string): void {
  assert.equal(all(d, 'script').length, 0, 'no <script> element');
  assert.ok(!/<script/i.test(html), 'no <script tag anywhere');
  for (const e of all(d, '[src], [href]')) {
    for (const attr of ['src', 'href']) {
      const v = e.getAttribute(attr);
      if (v === null) continue;
      if (attr === 'src' && v.startsWith('data:')) {
        // inline data (base64 may hold '//' of its own)
        assert.match(v, /^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/);
        continue;
      }
      assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(v) && !v.includes('//'), `${attr}="${v.slice(0, 60)}" points outside the page (http:, https:, //, any scheme)`);
      if (attr === 'href') {
        assert.match(v, /^#/, `link ${v} is a fragment`);
        assert.ok(d.getElementById(v.slice(1)), `link ${v} has a target`);
      }
    }
  }
  for (const e of all(d, '*')) for (const a of [...e.attributes]) assert.ok(!/^on/i.test(a.name), `no event handler attribute (${a.name})`);
  assert.equal(all(d, 'link[rel=stylesheet], iframe, object, embed').length, 0);
  for (const m of html.matchAll(/url\(\s*["']?([^"')]*)/gi)) assert.match(m[1]!, /^data:image\/jpeg;base64,/, 'CSS loads inline images only');
  assert.ok(!/@import|@font-face/i.test(html));
}

/**
 * Inline thumbnails: every `.th` element has a CSS class whose rule holds a JPEG data: URI and
 * the thumbnail's size (width, height and aspect ratio); returns the size of each, by the image's
 * whole path.
 */
export function inlineThumbnails(d: Doc, html: string): {shown: number; distinct: number; sizes: Map<string, [number, number]>} {
  const rules = new Map(
    [...html.matchAll(/^\.(t\d+)\{background-image:url\("(data:[^"]*)"\);width:(\d+)px;height:(\d+)px;aspect-ratio:(\d+)\/(\d+)\}$/gm)].map((m) => [
      m[1]!,
      {src: m[2]!, size: [Number(m[3]), Number(m[4])] as [number, number], aspect: [Number(m[5]), Number(m[6])]},
    ]),
  );
  const shown = all(d, '.th');
  const sizes = new Map<string, [number, number]>();
  for (const e of shown) {
    const cls = e.getAttribute('class')!.split(' ')[1]!;
    const rule = rules.get(cls);
    assert.match(rule?.src ?? '', /^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/, cls);
    assert.deepEqual(rule!.aspect, rule!.size, `${cls}: the aspect ratio is the thumbnail's`);
    assert.ok(e.getAttribute('title'), 'the whole path is in the tooltip');
    sizes.set(e.getAttribute('title')!, rule!.size);
  }
  return {shown: shown.length, distinct: new Set(shown.map((e) => e.getAttribute('class'))).size, sizes};
}

/** The page's CSS, rule by rule: selector -> property -> value (a selector list gives each selector the rule). */
export function cssRules(html: string): Map<string, Map<string, string>> {
  const css = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('\n');
  const rules = new Map<string, Map<string, string>>();
  for (const m of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    if (/^\s*\.t\d+\s*$/.test(m[1]!)) continue; // inline thumbnails (data: URIs hold ';')
    const decls = m[2]!
      .split(';')
      .filter((x) => x.includes(':'))
      .map((x) => [x.slice(0, x.indexOf(':')).trim(), x.slice(x.indexOf(':') + 1).trim()] as [string, string]);
    for (const selector of m[1]!.split(',')) {
      const key = selector.trim().replace(/\s+/g, ' ');
      rules.set(key, new Map([...(rules.get(key) ?? []), ...decls]));
    }
  }
  return rules;
}

/** A property of a rule, failing with the selector when the rule is missing. */
export function cssOf(rules: Map<string, Map<string, string>>, selector: string): Map<string, string> {
  const r = rules.get(selector);
  assert.ok(r, `a CSS rule for ${selector}`);
  return r;
}

