/**
 * EXIF orientation applied to decoded RGB pixels, as the native decoder applies it after
 * decoding (native/jpeg/jpeg_decode.c orient) and as OpenCV's imdecode does: the sharp path uses
 * it for JPEGs so that both paths turn an image by the same reading of its EXIF.
 */

import type {RgbImage} from './rgb-image.js';

/** The image as EXIF `orientation` (1-8; anything else is 1) says it is to be shown. */
export function orientRgb(image: RgbImage, orientation: number): RgbImage {
  if (!(orientation >= 2 && orientation <= 8)) return image;
  const {data: src, width: w, height: h} = image;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0, o = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++, o += 3) {
      // where the pixel at (x, y) of the turned image is stored
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - x; sy = y; break;
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;
        case 4: sx = x; sy = h - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = h - 1 - x; break;
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;
        default: sx = w - 1 - y; sy = x; break; // 8
      }
      const i = (sy * w + sx) * 3;
      out[o] = src[i]!;
      out[o + 1] = src[i + 1]!;
      out[o + 2] = src[i + 2]!;
    }
  }
  return {data: out, width: ow, height: oh};
}
