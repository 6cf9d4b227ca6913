import assert from 'node:assert/strict';
import {app1Orientation, exifBlockOfApp1s, exifBlockOrientation} from '../src/pipeline/exif-orientation.js';
import {jpegApp1Payloads, jpegFileOrientation} from '../src/pipeline/image-format.js';

// Every expected value below is what OpenCV 4.6's cv2.imdecode(IMREAD_COLOR) does with the same
// construction: bench/exif-vs-opencv.py builds each of these cases (the names in the comments are
// its case names) into a real JPEG and reads the orientation off OpenCV's output.

type Order = 'II' | 'MM';

function u16(order: Order, v: number): number[] {
  return order === 'II' ? [v & 0xff, v >>> 8] : [v >>> 8, v & 0xff];
}

function u32(order: Order, v: number): number[] {
  const be = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return order === 'II' ? be.reverse() : be;
}

/** A 12-byte IFD entry whose value field holds `field` (4 bytes) */
function entry(order: Order, tag: number, type: number, count: number, field: number[]): number[] {
  assert.equal(field.length, 4);
  return [...u16(order, tag), ...u16(order, type), ...u32(order, count), ...field];
}

/** An Orientation entry, SHORT unless told, its value in the first two bytes of the field */
function orientation(order: Order, value: number, type = 3, count = 1): number[] {
  return entry(order, 0x0112, type, count, [...u16(order, value), 0, 0]);
}

const OTHER = (order: Order) => entry(order, 0x9999, 3, 1, [...u16(order, 1), 0, 0]);

interface BlockOptions {
  mark?: string;
  magic?: number;
  ifd?: number;
  count?: number;
  tail?: number[];
}

/** A TIFF block: byte order mark, magic, IFD0 offset, IFD0 (count, entries, next 0), tail */
function block(order: Order, entries: number[][], options: BlockOptions = {}): Uint8Array {
  const mark = [...Buffer.from(options.mark ?? order, 'latin1')];
  return Uint8Array.from([
    ...mark,
    ...u16(order, options.magic ?? 42),
    ...u32(order, options.ifd ?? 8),
    ...u16(order, options.count ?? entries.length),
    ...entries.flat(),
    0, 0, 0, 0,
    ...(options.tail ?? []),
  ]);
}

const EXIF = [...Buffer.from('Exif\0\0', 'latin1')];
const XMP = Uint8Array.from(Buffer.from("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'/>", 'latin1'));

function exifApp1(b: Uint8Array): Uint8Array {
  return Uint8Array.from([...EXIF, ...b]);
}

/** Value of the Orientation tag of a one-entry block */
function single(order: Order, value: number, type = 3, count = 1): number | null {
  return exifBlockOrientation(block(order, [orientation(order, value, type, count)]));
}

describe('exifBlockOrientation: what OpenCV 4.6 ExifReader reads for the Orientation tag', () => {
  for (const order of ['II', 'MM'] as const) {
    describe(order, () => {
      it('gives the values 1-8 of a SHORT Orientation entry ("value N")', () => {
        for (let v = 1; v <= 8; v++) assert.equal(single(order, v), v);
      });

      it('gives null for 0, 9 and other values OpenCV does not transform for', () => {
        for (const v of [0, 9, 10, 0xff, 0x106, 0x600, 0xffff]) assert.equal(single(order, v), null, `value ${v}`);
      });

      it('ignores the count and an unknown type ("count N", "type N")', () => {
        for (const count of [0, 2, 0xffffffff]) assert.equal(single(order, 6, 3, count), 6);
        for (const type of [0, 13, 0xffff]) assert.equal(single(order, 6, type), 6);
      });

      it('finds IFD0 wherever its offset points inside the block ("ifd after gap")', () => {
        const gap = new Array<number>(10).fill(0x11);
        const b = block(order, [orientation(order, 6)]);
        const moved = Uint8Array.from([...b.subarray(0, 4), ...u32(order, 18), ...gap, ...b.subarray(8)]);
        assert.equal(exifBlockOrientation(moved), 6);
      });

      it('gives null when the IFD0 offset or its count lies past the end ("ifd offset N")', () => {
        const length = block(order, [orientation(order, 6)]).length;
        for (const ifd of [length - 1, length, 0xffff, 0xfffffffe, 0xffffffff]) {
          assert.equal(exifBlockOrientation(block(order, [orientation(order, 6)], {ifd})), null, `ifd ${ifd}`);
        }
      });

      it('reads the entry count, not the entries present ("count N of [...]")', () => {
        const first = [orientation(order, 6), OTHER(order)];
        const second = [OTHER(order), orientation(order, 6)];
        assert.equal(exifBlockOrientation(block(order, first, {count: 0})), null);
        assert.equal(exifBlockOrientation(block(order, second, {count: 1})), null);
        assert.equal(exifBlockOrientation(block(order, first, {count: 1})), 6);
        // more entries announced than present: the parse fails after Orientation was read
        assert.equal(exifBlockOrientation(block(order, first, {count: 0xffff})), 6);
        assert.equal(exifBlockOrientation(block(order, second, {count: 0xffff})), 6);
      });

      it('keeps the first Orientation entry ("duplicate A then B")', () => {
        assert.equal(exifBlockOrientation(block(order, [orientation(order, 6), orientation(order, 3)])), 6);
        assert.equal(exifBlockOrientation(block(order, [orientation(order, 0), orientation(order, 6)])), null);
        assert.equal(exifBlockOrientation(block(order, [orientation(order, 9), orientation(order, 6)])), null);
      });

      it('needs the magic 42 in the block byte order ("magic N")', () => {
        for (const magic of [0x2a00, 43, 0, 0xffff]) {
          assert.equal(exifBlockOrientation(block(order, [orientation(order, 6)], {magic})), null, `magic ${magic}`);
        }
      });

      it('gives null when the block ends inside the Orientation value ("truncated to N")', () => {
        const full = block(order, [OTHER(order), orientation(order, 5)]);
        // Orientation's value field starts at 8 + 2 + 12 + 8 = 30: its 16 bits end at 32
        for (let n = 0; n < 32; n++) assert.equal(exifBlockOrientation(full.subarray(0, n)), null, `length ${n}`);
        for (let n = 32; n <= full.length; n++) assert.equal(exifBlockOrientation(full.subarray(0, n)), 5, `length ${n}`);
      });

      it('loses Orientation to a rational before it whose data lies outside the block, not after it', () => {
        // "XResolution short by 1 before/after", "WhitePoint ...", "PrimaryChromaticities ..."
        const afterIfd = 8 + 2 + 24 + 4;
        for (const [tag, bytes] of [[0x011a, 8], [0x011b, 8], [0x013e, 16], [0x013f, 48], [0x0211, 24], [0x0214, 48]] as const) {
          const tail = new Array<number>(bytes).fill(1);
          const rational = (offset: number) => entry(order, tag, 5, bytes / 8, u32(order, offset));
          const name = `tag ${tag.toString(16)}`;
          assert.equal(exifBlockOrientation(block(order, [rational(afterIfd), orientation(order, 6)], {tail})), 6, name);
          assert.equal(exifBlockOrientation(block(order, [rational(afterIfd + 1), orientation(order, 6)], {tail})), null, name);
          assert.equal(exifBlockOrientation(block(order, [rational(0x10000), orientation(order, 6)])), null, name);
          assert.equal(exifBlockOrientation(block(order, [orientation(order, 6), rational(afterIfd + 1)], {tail})), 6, name);
        }
      });

      it('loses Orientation to a string longer than 4 bytes before it that ends past the block', () => {
        // "Make count 5 offset 39 before", "... count 2147483647 offset 8 before", "... count 4 offset 0"
        const afterIfd = 8 + 2 + 24 + 4;
        const tail = [...Buffer.from('Canon', 'latin1')];
        for (const tag of [0x010e, 0x010f, 0x0110, 0x0131, 0x0132, 0x8298]) {
          const text = (count: number, offset: number) => entry(order, tag, 2, count, u32(order, offset));
          const name = `tag ${tag.toString(16)}`;
          assert.equal(exifBlockOrientation(block(order, [text(5, afterIfd), orientation(order, 6)], {tail})), 6, name);
          assert.equal(exifBlockOrientation(block(order, [text(5, afterIfd + 1), orientation(order, 6)], {tail})), null, name);
          assert.equal(exifBlockOrientation(block(order, [text(0x7fffffff, 8), orientation(order, 6)])), null, name);
          // up to 4 bytes are in place: the value field is not an offset ("... count 4 offset 65535")
          assert.equal(exifBlockOrientation(block(order, [text(4, 0), orientation(order, 6)])), 6, name);
          assert.equal(exifBlockOrientation(block(order, [text(4, 0xffff), orientation(order, 6)])), 6, name);
          assert.equal(exifBlockOrientation(block(order, [orientation(order, 6), text(5, afterIfd + 1)], {tail})), 6, name);
        }
      });

      it('does not look at tags it does not decode ("ExifOffset before", "Unknown before")', () => {
        for (const tag of [0x8769, 0x8825, 0x1234, 0x0128, 0x0213]) {
          const other = entry(order, tag, 4, 1, u32(order, 0xffffffff));
          assert.equal(exifBlockOrientation(block(order, [other, orientation(order, 6)])), 6, `tag ${tag.toString(16)}`);
        }
      });
    });
  }

  it('reads the first 16 bits of the value field whatever the type: a LONG 6 is 6 in II, 0 in MM', () => {
    // "II/MM type LONG value 6", "MM LONG raw 0x60000", "II LONG raw 0x60000"
    assert.equal(exifBlockOrientation(block('II', [entry('II', 0x0112, 4, 1, u32('II', 6))])), 6);
    assert.equal(exifBlockOrientation(block('MM', [entry('MM', 0x0112, 4, 1, u32('MM', 6))])), null);
    assert.equal(exifBlockOrientation(block('MM', [entry('MM', 0x0112, 4, 1, u32('MM', 0x60000))])), 6);
    assert.equal(exifBlockOrientation(block('II', [entry('II', 0x0112, 4, 1, u32('II', 0x60000))])), null);
    // "II/MM type BYTE value 6": the byte first, padded with zeros
    assert.equal(exifBlockOrientation(block('II', [entry('II', 0x0112, 1, 1, [6, 0, 0, 0])])), 6);
    assert.equal(exifBlockOrientation(block('MM', [entry('MM', 0x0112, 1, 1, [6, 0, 0, 0])])), null);
  });

  it('reads little-endian only under "II": any other mark means big-endian ("entries under mark")', () => {
    for (const mark of ['IM', 'MI', 'XX', '\0\0', 'ii', 'I\0']) {
      assert.equal(exifBlockOrientation(block('MM', [orientation('MM', 6)], {mark})), 6, mark);
      assert.equal(exifBlockOrientation(block('II', [orientation('II', 6)], {mark})), null, mark);
    }
  });

  it('gives null for an empty block', () => {
    assert.equal(exifBlockOrientation(new Uint8Array(0)), null);
  });
});

describe('app1Orientation: the APP1 segment OpenCV 4.6 JpegDecoder reads', () => {
  const six = exifApp1(block('II', [orientation('II', 6)]));
  const three = exifApp1(block('MM', [orientation('MM', 3)]));

  it('reads the first APP1 only, whatever it holds ("XMP then Exif", "Exif 3 then Exif 6")', () => {
    assert.equal(app1Orientation([]), null);
    assert.equal(app1Orientation([six]), 6);
    assert.equal(app1Orientation([XMP, six]), null);
    assert.equal(app1Orientation([six, XMP]), 6);
    assert.equal(app1Orientation([three, six]), 3);
  });

  it('skips 6 bytes without comparing them with "Exif\\0\\0" ("header ...")', () => {
    const tiff = block('II', [orientation('II', 6)]);
    for (const head of ['EXIF\0\0', '\0\0\0\0\0\0', 'XMP!!!', 'Exif\0\x01']) {
      assert.equal(app1Orientation([Uint8Array.from([...Buffer.from(head, 'latin1'), ...tiff])]), 6, JSON.stringify(head));
    }
    assert.equal(app1Orientation([tiff]), null); // "no Exif header, TIFF at 0"
  });

  it('ignores a first APP1 of 6 bytes or fewer and does not look further ("APP1 of N bytes then Exif")', () => {
    for (let n = 0; n <= 7; n++) assert.equal(app1Orientation([three.subarray(0, n), six]), null, `${n} bytes`);
    assert.equal(exifBlockOfApp1s([three.subarray(0, 6)]), null);
    assert.deepEqual(exifBlockOfApp1s([three.subarray(0, 7)]), three.subarray(6, 7));
  });
});

/** A marker segment: FF, marker, big-endian length (payload + 2), payload */
function segment(marker: number, payload: ArrayLike<number>): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...Array.from(payload)];
}

// Just enough of a JPEG for the marker walk: the tables' contents are not looked at
const SOI = [0xff, 0xd8];
const APP0 = segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'));
const DQT = segment(0xdb, new Array<number>(65).fill(1));
const SOF0 = segment(0xc0, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]);
const DHT = segment(0xc4, new Array<number>(20).fill(0));
const SOS = segment(0xda, [1, 1, 0, 0, 63, 0]);
const SCAN = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd9];

function jpeg(...parts: number[][]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

describe('jpegApp1Payloads: the APP1 segments libjpeg saves for OpenCV before the first scan', () => {
  const six = exifApp1(block('II', [orientation('II', 6)]));
  const three = exifApp1(block('MM', [orientation('MM', 3)]));

  it('lists the APP1 payloads before SOS in file order, also after the frame header', () => {
    const file = jpeg(SOI, APP0, segment(0xe1, six), DQT, SOF0, segment(0xe1, XMP), DHT, SOS, SCAN);
    assert.deepEqual(jpegApp1Payloads(file), [six, XMP]);
    assert.equal(jpegFileOrientation(file), 6);
    assert.equal(jpegFileOrientation(jpeg(SOI, APP0, DQT, SOF0, segment(0xe1, six), DHT, SOS, SCAN)), 6);
  });

  it('ignores APP1 segments after the first SOS ("Exif before EOI", "Exif before the second scan")', () => {
    const file = jpeg(SOI, APP0, DQT, SOF0, DHT, SOS, SCAN.slice(0, 4), segment(0xe1, six), SOS, SCAN);
    assert.deepEqual(jpegApp1Payloads(file), []);
    assert.equal(jpegFileOrientation(file), null);
  });

  it('skips garbage, fill bytes and FF 00 between segments as libjpeg does', () => {
    const garbage = [0x00, 0x12, ...Buffer.from('garbage', 'latin1')];
    for (const junk of [garbage, [0xff, 0xff, 0xff], [0xff, 0x00], [0xff, 0x00, 0xff, 0x00, 0x61]]) {
      const file = jpeg(SOI, APP0, junk, segment(0xe1, six), DQT, SOF0, DHT, SOS, SCAN);
      assert.deepEqual(jpegApp1Payloads(file), [six], JSON.stringify(junk));
    }
  });

  it('skips RSTn, TEM and DNL before the frame', () => {
    const file = jpeg(SOI, [0xff, 0xd0, 0xff, 0x01], segment(0xdc, [0, 8]), segment(0xe1, six), DQT, SOF0, DHT, SOS, SCAN);
    assert.deepEqual(jpegApp1Payloads(file), [six]);
  });

  it('saves nothing for a length field of 0 or 1 and reads on after it ("APP1 length N then Exif")', () => {
    for (const marker of [0xe1, 0xe2, 0xfe]) {
      for (const length of [0, 1]) {
        const file = jpeg(SOI, [0xff, marker, 0, length], segment(0xe1, three), DQT, SOF0, DHT, SOS, SCAN);
        assert.deepEqual(jpegApp1Payloads(file), [three], `marker ${marker.toString(16)} length ${length}`);
      }
    }
    // length 2 is an empty APP1, which comes first and hides the Exif one ("APP1 length 2 then Exif")
    const empty = jpeg(SOI, [0xff, 0xe1, 0, 2], segment(0xe1, three), DQT, SOF0, DHT, SOS, SCAN);
    assert.equal(jpegApp1Payloads(empty)?.length, 2);
    assert.equal(jpegFileOrientation(empty), null);
  });

  it('takes Exif in any other segment for nothing ("Exif in marker N then APP1 3")', () => {
    for (const marker of [0xe0, 0xe2, 0xed, 0xfe]) {
      const file = jpeg(SOI, segment(marker, six), segment(0xe1, three), DQT, SOF0, DHT, SOS, SCAN);
      assert.equal(jpegFileOrientation(file), 3, marker.toString(16));
    }
  });

  it('gives null where libjpeg stops before the first scan and OpenCV decodes no image', () => {
    const app1 = segment(0xe1, six);
    const refused: Record<string, Uint8Array> = {
      'no FF after SOI': jpeg(SOI, [0], app1, DQT, SOF0, DHT, SOS, SCAN),
      'not a JPEG': jpeg([0x89, 0x50, 0x4e, 0x47]),
      'second SOI': jpeg(SOI, SOI, app1, DQT, SOF0, DHT, SOS, SCAN),
      'EOI before SOS': jpeg(SOI, app1, [0xff, 0xd9], DQT, SOF0, DHT, SOS, SCAN),
      'unknown marker 0x02': jpeg(SOI, segment(0x02, [0x61, 0x62]), app1, DQT, SOF0, DHT, SOS, SCAN),
      'JPG0 marker': jpeg(SOI, segment(0xf0, [0x61, 0x62]), app1, DQT, SOF0, DHT, SOS, SCAN),
      'DHP marker': jpeg(SOI, segment(0xde, [0x61, 0x62]), app1, DQT, SOF0, DHT, SOS, SCAN),
      'SOF3 segment': jpeg(SOI, segment(0xc3, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]), app1, DQT, SOF0, DHT, SOS, SCAN),
      'second frame header': jpeg(SOI, app1, DQT, SOF0, DHT, SOF0, SOS, SCAN),
      'SOS before frame header': jpeg(SOI, app1, SOS, DQT, SOF0, DHT, SOS, SCAN),
      'DQT length 0': jpeg(SOI, [0xff, 0xdb, 0, 0], app1, DQT, SOF0, DHT, SOS, SCAN),
      'file ends inside APP1': jpeg(SOI, app1.slice(0, -3)),
      'file ends after APP1': jpeg(SOI, app1),
    };
    for (const [name, file] of Object.entries(refused)) {
      assert.equal(jpegApp1Payloads(file), null, name);
      assert.equal(jpegFileOrientation(file), null, name);
    }
  });

  it('follows a length field that runs into the next segment, as libjpeg does ("APP1 length 3 too long")', () => {
    const long = [0xff, 0xe1, (six.length + 5) >> 8, (six.length + 5) & 0xff, ...six];
    const file = jpeg(SOI, long, APP0, DQT, SOF0, DHT, SOS, SCAN);
    const payloads = jpegApp1Payloads(file);
    assert.deepEqual(payloads?.[0], Uint8Array.from([...six, ...APP0.slice(0, 3)]));
    assert.equal(jpegFileOrientation(file), 6);
  });
});
