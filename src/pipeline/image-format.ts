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
  width: number;
  height: number;
  components: number;
  adobe: boolean;
  /** EXIF orientation (1-8), or null when the file has none or it cannot be read */
  orientation: number | null;
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 Exif payload starting at `at`. */
function exifOrientation(b: Uint8Array, at: number, end: number): number | null {
  if (at + 14 > end || ascii(b, at, 6) !== 'Exif\0\0') return null;
  const tiff = at + 6;
  const little = b[tiff] === 0x49;
  const u16 = (p: number) => (little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!);
  const u32 = (p: number) => (little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000 : b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

/** Walks JPEG marker segments up to the first SOFn; null when the header is malformed. */
export function jpegLayout(b: Uint8Array): JpegLayout | null {
  let pos = 2;
  let adobe = false;
  let orientation: number | null = null;
  let sawExif = false;
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
    if (marker === 0xe1 && !sawExif && ascii(b, pos + 4, 4) === 'Exif') {
      sawExif = true;
      orientation = exifOrientation(b, pos + 4, Math.min(b.length, pos + 2 + len));
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (pos + 9 >= b.length) return null;
      const height = (b[pos + 5]! << 8) | b[pos + 6]!;
      const width = (b[pos + 7]! << 8) | b[pos + 8]!;
      return {width, height, components: b[pos + 9]!, adobe, orientation};
    }
    if (marker === 0xda || marker === 0xd9) return null;
    pos += 2 + len;
  }
  return null;
}
