/**
 * Cheap facts read from the first bytes of an image file, before any decoder runs: the container
 * format, and for JPEG whether it holds four colour components (CMYK/YCCK) and an Adobe marker.
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'avif' | 'heif' | 'unknown';

export function sniffFormat(b: Uint8Array): ImageFormat {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) return 'tiff';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    return 'heif';
  }
  return 'unknown';
}

function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}

export interface JpegLayout {
  components: number;
  adobe: boolean;
}

/** Walks JPEG marker segments up to the first SOFn; null when the header is malformed. */
export function jpegLayout(b: Uint8Array): JpegLayout | null {
  let pos = 2;
  let adobe = false;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) return null;
    let marker = b[pos + 1]!;
    while (marker === 0xff && pos + 2 < b.length) {
      pos++;
      marker = b[pos + 1]!;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2;
      continue;
    }
    const len = (b[pos + 2]! << 8) | b[pos + 3]!;
    if (len < 2) return null;
    if (marker === 0xee && len >= 7 && ascii(b, pos + 4, 5) === 'Adobe') adobe = true;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (pos + 9 >= b.length) return null;
      return {components: b[pos + 9]!, adobe};
    }
    if (marker === 0xda || marker === 0xd9) return null;
    pos += 2 + len;
  }
  return null;
}
