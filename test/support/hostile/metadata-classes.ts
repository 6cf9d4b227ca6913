/**
 * Hostile JPEGs whose metadata lies: EXIF orientations that are out of range, badly typed,
 * counted wrongly, pointed past the end, looped, duplicated or placed where a parser that stops
 * at the frame header does not look; Adobe APP14 markers with every transform, cut short or
 * placed after the frame header.
 */

import {baseCopy, type BaseJpegs, type BaseName} from './base-jpegs.js';
import {EXIF_IFD_POINTER, exifSegment, ifdOffset, LONG, ORIENTATION, orientationExif, SHORT, type ExifSpec} from './exif.js';
import {hostile, type HostileFile} from './hostile-file.js';
import {APP1, APP14, indexOfMarker, isSof, segment, writeJpeg, type Segment} from './jpeg-segments.js';

/** Base `name` with `extra` segments first (after SOI), or right after its SOF. */
function withSegments(bases: BaseJpegs, name: BaseName, extra: Segment[], where: 'first' | 'after-sof' = 'first'): Buffer {
  const segments = baseCopy(bases, name);
  segments.splice(where === 'first' ? 0 : indexOfMarker(segments, isSof) + 1, 0, ...extra);
  return writeJpeg(segments);
}

const orientation = (value: number, type = SHORT, count = 1) => ({tag: ORIENTATION, type, count, value});

export function exifFiles(bases: BaseJpegs): HostileFile[] {
  const f = (variant: string, spec: ExifSpec, name: BaseName = 'baseline') => hostile('exif', variant, withSegments(bases, name, [exifSegment(spec)]));
  const out: HostileFile[] = [];
  for (let o = 1; o <= 8; o++) {
    out.push(f(`big-endian-orientation-${o}`, orientationExif(o, 'MM')));
    out.push(f(`little-endian-orientation-${o}`, orientationExif(o, 'II')));
  }
  for (const o of [0, 9, 255, 65535]) out.push(f(`orientation-${o}`, orientationExif(o, 'II')));
  const six = orientationExif(6);
  out.push(
    f('magic-without-nulls', {...six, magic: 'Exif'}),
    f('magic-lower-case', {...six, magic: 'exif\0\0'}),
    f('magic-exif-01', {...six, magic: 'Exif\x01\0'}),
    f('byte-order-xx', {...six, order: 'XX'}),
    f('byte-order-im', {...six, order: 'IM'}),
    f('tiff-magic-43', {...six, tiffMagic: 43}),
    f('ifd0-offset-past-end', {...six, ifd0: 0xfffffff0}),
    f('ifd0-offset-0', {...six, ifd0: 0}),
    f('ifd0-offset-2', {...six, ifd0: 2}),
    f('ifd0-offset-beyond-segment', {...six, ifd0: 400}),
    f('ifd0-count-0', {ifds: [{entries: [orientation(6)], count: 0}]}),
    f('ifd0-count-65535', {ifds: [{entries: [orientation(6)], count: 65535}]}),
    f('ifd0-count-past-segment', {ifds: [{entries: [{tag: 0x010f, type: 2, count: 4, value: 0x41424300}, orientation(6)], count: 40}]}),
    f('type-byte', {ifds: [{entries: [orientation(6, 1)]}]}),
    f('type-ascii', {ifds: [{entries: [orientation(0x36, 2)]}]}),
    f('type-long-big-endian', {ifds: [{entries: [orientation(6, LONG)]}]}),
    f('type-long-little-endian', {order: 'II', ifds: [{entries: [orientation(6, LONG)]}]}),
    f('type-rational', {ifds: [{entries: [orientation(6, 5)]}]}),
    f('type-0', {ifds: [{entries: [orientation(6, 0)]}]}),
    f('type-13', {ifds: [{entries: [orientation(6, 13)]}]}),
    f('type-undefined', {ifds: [{entries: [orientation(6, 7)]}]}),
    f('value-count-0', {ifds: [{entries: [orientation(6, SHORT, 0)]}]}),
    f('value-count-2', {ifds: [{entries: [{tag: ORIENTATION, type: SHORT, count: 2, value: (6 << 16) | 3}]}]}),
    f('value-count-1000-offset-past-end', {ifds: [{entries: [orientation(6, SHORT, 1000)]}]}),
    f('two-orientations-6-then-3', {ifds: [{entries: [orientation(6), orientation(3)]}]}),
    f('two-orientations-3-then-6', {ifds: [{entries: [orientation(3), orientation(6)]}]}),
    f('orientation-only-in-ifd1', {ifds: [{entries: [{tag: 0x010f, type: 2, count: 4, value: 0x41424300}], next: 26}, {entries: [orientation(6)]}]}),
    f('orientation-only-in-exif-subifd', {ifds: [{entries: [{tag: EXIF_IFD_POINTER, type: LONG, count: 1, value: 26}]}, {entries: [orientation(6)]}]}),
    f('ifd0-next-is-itself', {ifds: [{entries: [orientation(6)], next: 8}]}),
    f('ifd1-next-is-ifd0', {ifds: [{entries: [orientation(6)], next: 26}, {entries: [orientation(3)], next: 8}]}),
    f('exif-subifd-is-ifd0', {ifds: [{entries: [orientation(6), {tag: EXIF_IFD_POINTER, type: LONG, count: 1, value: 8}]}]}),
    f('exif-subifd-past-end', {ifds: [{entries: [{tag: EXIF_IFD_POINTER, type: LONG, count: 1, value: 0x7ffffff0}, orientation(6)]}]}),
  );
  // the entry is cut off by the end of the segment (the segment's length is right)
  const cut = exifSegment(six);
  cut.body = cut.body.subarray(0, 6 + ifdOffset(six, 0) + 2 + 9);
  out.push(hostile('exif', 'entry-cut-by-segment-end', withSegments(bases, 'baseline', [cut])));
  const seg = (spec: ExifSpec) => exifSegment(spec);
  const xmp = segment(APP1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"/>', 'latin1'));
  out.push(
    hostile('exif', 'second-app1-has-orientation-6', withSegments(bases, 'baseline', [seg({ifds: [{entries: []}]}), seg(six)])),
    hostile('exif', 'two-app1-orientations-3-then-6', withSegments(bases, 'baseline', [seg(orientationExif(3)), seg(six)])),
    hostile('exif', 'xmp-app1-before-exif', withSegments(bases, 'baseline', [xmp, seg(six)])),
    hostile('exif', 'after-sof-orientation-6', withSegments(bases, 'baseline', [seg(six)], 'after-sof')),
    hostile('exif', 'in-app2-orientation-6', withSegments(bases, 'baseline', [exifSegment(six, 0xe2)])),
    hostile('exif', 'empty-app1', withSegments(bases, 'baseline', [segment(APP1, [])])),
    hostile('exif', 'magic-only', withSegments(bases, 'baseline', [segment(APP1, Buffer.from('Exif\0\0', 'latin1'))])),
    f('progressive-orientation-6', six, 'progressive'),
    f('grey-orientation-7', orientationExif(7), 'grey'),
    f('full-orientation-3', orientationExif(3), 'full'),
    f('cmyk-orientation-5', orientationExif(5), 'cmyk'),
    f('cmyk-without-adobe-orientation-8', orientationExif(8), 'cmykPlain'),
  );
  return out;
}

/** An APP14 body: "Adobe", version 100, two flag words, the colour transform. */
function adobeBody(transform: number): Buffer {
  return Buffer.from([...Buffer.from('Adobe', 'latin1'), 0, 100, 0, 0, 0, 0, transform]);
}

export function adobeFiles(bases: BaseJpegs): HostileFile[] {
  const f = (variant: string, bytes: Buffer) => hostile('adobe', variant, bytes);
  const app14 = (body: Buffer | number[]) => segment(APP14, body);
  const out: HostileFile[] = [f('cmyk', writeJpeg(bases.cmyk)), f('cmyk-without-adobe', writeJpeg(bases.cmykPlain))];
  for (const t of [0, 1, 2, 3, 255]) {
    out.push(f(`ycbcr-transform-${t}`, withSegments(bases, 'baseline', [app14(adobeBody(t))])));
    out.push(f(`cmyk-transform-${t}`, withSegments(bases, 'cmykPlain', [app14(adobeBody(t))])));
  }
  for (const length of [5, 6, 8, 11]) {
    const body = adobeBody(0).subarray(0, length);
    out.push(f(`cmyk-short-${length}`, withSegments(bases, 'cmykPlain', [app14(body)])));
    out.push(f(`ycbcr-short-${length}`, withSegments(bases, 'baseline', [app14(body)])));
  }
  out.push(
    f('cmyk-after-sof', withSegments(bases, 'cmykPlain', [app14(adobeBody(0))], 'after-sof')),
    f('ycck-after-sof', withSegments(bases, 'cmykPlain', [app14(adobeBody(2))], 'after-sof')),
    f('ycbcr-transform-0-after-sof', withSegments(bases, 'baseline', [app14(adobeBody(0))], 'after-sof')),
    f('cmyk-lower-case', withSegments(bases, 'cmykPlain', [app14(Buffer.concat([Buffer.from('adobe'), adobeBody(0).subarray(5)]))])),
    f('cmyk-two-transforms-0-then-2', withSegments(bases, 'cmykPlain', [app14(adobeBody(0)), app14(adobeBody(2))])),
    f('cmyk-long-app14', withSegments(bases, 'cmykPlain', [app14(Buffer.concat([adobeBody(0), Buffer.alloc(1000, 0x41)]))])),
    f('grey-transform-1', withSegments(bases, 'grey', [app14(adobeBody(1))])),
  );
  return out;
}
