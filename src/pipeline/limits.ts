/** Input limits, kept apart from the decoder so that reading them does not load libvips. */

/** sharp's own default pixel limit (0x3FFF x 0x3FFF) */
export const DEFAULT_MAX_PIXELS = 268402689;

/**
 * Scans a progressive JPEG may hold. Encoders write about 10: libjpeg's and mozjpeg's default
 * progressive scripts 10 for colour and 6 for greyscale, Photoshop 3 to 5. Every scan of a
 * progressive file is a pass over all of its coefficients, so a file of a few kilobytes with
 * hundreds of scans (each an empty refinement) costs a minute of CPU at 16k x 16k: past this
 * count the file is refused before it is decoded, on both decoder paths.
 */
export const MAX_JPEG_SCANS = 100;

/** CPU seconds one image's decoding may take before it is abandoned with an error record (--decode-timeout). */
export const DEFAULT_DECODE_TIMEOUT_S = 30;

/**
 * What libjpeg may allocate for one decode: the coefficient buffers of a progressive image of
 * `maxPixels` pixels with four full-resolution components (2 bytes a coefficient) and room for
 * its row buffers. No image within the pixel limit needs more; a header that makes libjpeg ask
 * for more is refused instead of taking the machine's memory.
 */
export function jpegMemoryLimit(maxPixels: number): number {
  return 8 * maxPixels + 64 * 1024 * 1024;
}
