/**
 * The APP1 segments of a JPEG file as OpenCV's JpegDecoder receives them: libjpeg's marker reader
 * (jdmarker.c, libjpeg-turbo 2.1 as Debian 12 builds OpenCV 4.6 against) saves every APP1 it
 * meets before the first scan, because JpegDecoder::readHeader (grfmt_jpeg.cpp) asks for them with
 * jpeg_save_markers(APP1, 0xffff). The walk below follows that reader, not the JPEG standard, so
 * that hostile files give what OpenCV sees:
 * - bytes between segments that are not a marker are skipped (next_marker: non-FF bytes, FF fill
 *   bytes and FF 00 pairs), where a strict parser would give up;
 * - a segment whose length field is 0 or 1 is not saved and the walk goes on right after the
 *   length field (save_marker, skip_variable, get_interesting_appn treat it as empty);
 * - an APP1 after the first SOS never counts: the EXIF lookup happens before the later scans are
 *   read, checked against OpenCV 4.6 with an APP1 between the scans of a progressive JPEG.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const DNL = 0xdc;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP15 = 0xef;
const COM = 0xfe;
const TEM = 0x01;

/** Frame headers libjpeg-turbo 2.1 decodes; the other SOFn stop it (JERR_SOF_UNSUPPORTED) */
const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc9, 0xca]);
const UNSUPPORTED_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc8, 0xcb, 0xcd, 0xce, 0xcf]);
/** Table and restart-interval segments: parsed by their own readers, which reject a length under 2 */
const TABLES = new Set([0xc4, 0xcc, 0xdb, 0xdd]);

/**
 * The payloads (the bytes after the length field) of the APP1 segments before the first SOS, in
 * file order, as views into `file`. Null when libjpeg's marker reader stops with an error before
 * the first scan, so that OpenCV decodes no image at all: no FF D8 FF signature (OpenCV picks its
 * JPEG decoder by those three bytes), a second SOI, a second frame header, an unsupported or
 * unknown marker, SOS before any frame header, EOI, or a segment or the data ending before the
 * first SOS (OpenCV's memory source cannot supply more bytes: libjpeg suspends and
 * JpegDecoder::readHeader fails). The contents of tables and frame headers are not checked: a
 * broken table fails the decode later, whatever the EXIF says.
 */
export function jpegApp1Payloads(file: Uint8Array): Uint8Array[] | null {
  if (file.length < 3 || file[0] !== 0xff || file[1] !== SOI || file[2] !== 0xff) return null;
  const payloads: Uint8Array[] = [];
  let sawFrame = false;
  let pos = 2;
  for (;;) {
    const found = nextMarker(file, pos);
    if (found === null) return null;
    const marker = found.marker;
    pos = found.after;
    if (marker === SOS) return sawFrame ? payloads : null;
    if (marker === EOI || marker === SOI || UNSUPPORTED_SOF.has(marker)) return null;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === TEM) continue;
    const isFrame = SUPPORTED_SOF.has(marker);
    const isVariable = (marker >= APP0 && marker <= APP15) || marker === COM || marker === DNL;
    if (!isFrame && !isVariable && !TABLES.has(marker)) return null;
    if (isFrame && sawFrame) return null;
    sawFrame ||= isFrame;
    if (pos + 2 > file.length) return null;
    const length = (file[pos]! << 8) | file[pos + 1]!;
    if (length < 2) {
      if (!isVariable) return null;
      pos += 2;
      continue;
    }
    if (pos + length > file.length) return null;
    if (marker === APP1) payloads.push(file.subarray(pos + 2, pos + length));
    pos += length;
  }
}

/** jdmarker.c next_marker: the marker code after `pos`, skipping garbage, fill bytes and FF 00 */
function nextMarker(b: Uint8Array, pos: number): {marker: number; after: number} | null {
  for (;;) {
    while (pos < b.length && b[pos] !== 0xff) pos++;
    while (pos < b.length && b[pos] === 0xff) pos++;
    if (pos >= b.length) return null;
    const code = b[pos++]!;
    if (code !== 0) return {marker: code, after: pos};
  }
}
