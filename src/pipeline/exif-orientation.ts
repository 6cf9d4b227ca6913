/**
 * The EXIF orientation OpenCV 4.6 applies when cv2.imdecode(..., IMREAD_COLOR) reads a JPEG, the
 * reference lcnet reproduces. OpenCV's reader is loose in some places and strict in others, and a
 * file that another reader (libvips, a by-the-book parser) rotates may stay as it is in OpenCV, and
 * the other way round. The rules, from modules/imgcodecs/src (grfmt_jpeg.cpp JpegDecoder, exif.cpp
 * ExifReader, loadsave.cpp ApplyExifOrientation), each checked against OpenCV 4.6 itself
 * (bench/exif-vs-opencv.py):
 *
 * 1. Only the first APP1 segment before the first scan is read, whatever it holds: an XMP APP1
 *    before the Exif one hides the orientation. It must be longer than 6 bytes; those 6 bytes are
 *    skipped without being compared with "Exif\0\0".
 * 2. Byte order: "II" is little-endian; anything else, "MM" or not, is read big-endian
 *    (ExifReader::getFormat returns NONE for unknown marks and getU16/getU32 then read big-endian).
 * 3. The 16-bit value after the byte order must be 42 in that byte order (checkTagMark).
 * 4. Only IFD0 is read: its offset, its entry count, then the entries in order. The next-IFD link
 *    and the Exif sub-IFD are never followed, so IFD loops cannot happen.
 * 5. The Orientation entry (0x0112) is read as the first 16-bit value of its value field, whatever
 *    its type and count say: a LONG 6 reads as 6 little-endian and as 0 big-endian; count 0 is
 *    ignored. The first Orientation entry wins (std::map::insert keeps the first).
 * 6. Any read past the end of the block abandons the parse (ExifParsingError), but entries read
 *    before it are kept. So an entry that fails before the Orientation entry (a truncated
 *    directory, or a rational or a string of more than 4 bytes, tags ExifReader decodes, whose data
 *    lies outside the block) cancels the orientation, and one after it does not.
 * 7. ApplyExifOrientation transforms for 2..8; 1, 0 and every other value leave the image as it is.
 *
 * Newer OpenCV sources differ on rule 1 (JpegDecoder::readHeader there parses every APP1 that starts
 * with "Exif\0\0" and skips the others); this module follows 4.6, the version the reference runs.
 */


export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** Bytes JpegDecoder skips at the start of the APP1 payload: the place of "Exif\0\0" */
const EXIF_HEADER_LENGTH = 6;

const ORIENTATION = 0x0112;
/** exif.hpp: ExifReader's field width, and how many bytes a value holds in place (maxDataSize) */
const ENTRY_SIZE = 12;
const IN_PLACE_BYTES = 4;

/**
 * How many bytes past its offset field each tag ExifReader::parseExifEntry decodes reads: its
 * value is an offset to that many bytes of unsigned rationals (getResolution, getWhitePoint,
 * getPrimaryChromaticies, getYCbCrCoeffs, getRefBW).
 */
const RATIONAL_BYTES = new Map<number, number>([
  [0x011a, 8], // XResolution
  [0x011b, 8], // YResolution
  [0x013e, 16], // WhitePoint
  [0x013f, 48], // PrimaryChromaticities
  [0x0211, 24], // YCbCrCoefficients
  [0x0214, 48], // ReferenceBlackWhite
]);
/** Tags ExifReader reads as strings (getString): in place up to 4 bytes, else at an offset */
const STRING_TAGS = new Set([0x010e, 0x010f, 0x0110, 0x0131, 0x0132, 0x8298]);

/** Thrown where ExifReader throws ExifParsingError: a read past the end of the block */
class PastTheEnd extends Error {}

/**
 * The orientation OpenCV applies for a JPEG whose APP1 segments before the first scan have these
 * payloads (bytes after the length field), in file order: rule 1 picks the segment, then
 * exifBlockOrientation. Null when OpenCV leaves the image as decoded for want of a usable tag;
 * 1 when the tag says 1.
 */
export function app1Orientation(app1Payloads: readonly Uint8Array[]): ExifOrientation | null {
  const block = exifBlockOfApp1s(app1Payloads);
  return block === null ? null : exifBlockOrientation(block);
}

/**
 * The bytes JpegDecoder hands to ExifReader::parseExif: the first APP1 payload without its first
 * 6 bytes, or null when there is no APP1 or the first one has 6 bytes or fewer.
 */
export function exifBlockOfApp1s(app1Payloads: readonly Uint8Array[]): Uint8Array | null {
  const first = app1Payloads[0];
  if (first === undefined || first.length <= EXIF_HEADER_LENGTH) return null;
  return first.subarray(EXIF_HEADER_LENGTH);
}

/**
 * What ExifReader::parseExif finds for the Orientation tag in a TIFF-structured block (byte order
 * mark, 42, IFD0 offset, IFD0) and ApplyExifOrientation acts on: 1-8, or null when the tag is
 * missing, unreadable or outside 1-8. OpenCV 4.6 reads PNG eXIf chunks with the same reader, after
 * libpng has dropped those whose first two bytes are not "II" or "MM".
 */
export function exifBlockOrientation(block: Uint8Array): ExifOrientation | null {
  try {
    const value = orientationField(block);
    return value !== null && value >= 1 && value <= 8 ? (value as ExifOrientation) : null;
  } catch (error) {
    if (error instanceof PastTheEnd) return null;
    throw error;
  }
}

/** ExifReader::parseExif's walk of IFD0, stopped at the first Orientation entry */
function orientationField(b: Uint8Array): number | null {
  const little = b[0] === 0x49 && (b.length < 2 || b[1] === 0x49);
  const u16 = (at: number): number => {
    if (at + 2 > b.length) throw new PastTheEnd();
    return little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  };
  const u32 = (at: number): number => {
    if (at + 4 > b.length) throw new PastTheEnd();
    return little
      ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000
      : b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  };
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  const count = u16(ifd);
  for (let i = 0, entry = ifd + 2; i < count; i++, entry += ENTRY_SIZE) {
    const tag = u16(entry);
    if (tag === ORIENTATION) return u16(entry + 8);
    // The other tags ExifReader decodes matter only when reading them throws. A read inside this
    // entry that fails would also fail for the next entry's tag, so only data stored elsewhere
    // counts: rationals, and strings longer than 4 bytes
    const rationals = RATIONAL_BYTES.get(tag);
    if (rationals !== undefined) requireRange(b, u32(entry + 8), rationals);
    if (STRING_TAGS.has(tag)) {
      const length = u32(entry + 4);
      if (length > IN_PLACE_BYTES) requireRange(b, u32(entry + 8), length);
    }
  }
  return null;
}

function requireRange(b: Uint8Array, start: number, length: number): void {
  if (start + length > b.length) throw new PastTheEnd();
}
