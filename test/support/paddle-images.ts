/**
 * Image tensors for the Paddle conversion tests: decodes files with sharp the way PaddleX reads
 * them (RGB, EXIF orientation applied, no alpha) and builds NCHW float32 batches with lcnet's
 * OpenCV-exact resize, either stretched to a fixed size or resized on the short side and
 * centre-cropped (PaddleClas ImageNet eval).
 */

import sharp from 'sharp';
import {normalizationTable, resizeCropNormalize, roundHalfEven, type ResizeWindow} from '../../src/pipeline/resize-linear.js';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

async function decodeRgb(file: string): Promise<Rgb> {
  const {data, info} = await sharp(file, {ignoreIcc: true}).autoOrient().removeAlpha().toColourspace('srgb').raw().toBuffer({resolveWithObject: true});
  if (info.channels !== 3) throw new Error(`${file}: decoded to ${info.channels} channels`);
  return {data, width: info.width, height: info.height};
}

async function batch(files: string[], outW: number, outH: number, scale: number, windowFor: (img: Rgb) => ResizeWindow): Promise<Float32Array> {
  const lut = normalizationTable(scale, IMAGENET_MEAN, IMAGENET_STD);
  const out = new Float32Array(files.length * 3 * outW * outH);
  for (const [i, file] of files.entries()) {
    const img = await decodeRgb(file);
    resizeCropNormalize(img.data, img.width, img.height, windowFor(img), lut, false, out, i * 3 * outW * outH);
  }
  return out;
}

/** PaddleX ResizeImage size [w, h]: stretch every image to exactly width x height. */
export function stretchedBatch(files: string[], width: number, height: number, scale: number): Promise<Float32Array> {
  return batch(files, width, height, scale, () => ({dstW: width, dstH: height, cropX: 0, cropY: 0, outW: width, outH: height}));
}

/** PaddleClas ResizeImage resize_short + CropImage: short side to `short`, centre crop `crop`. */
export function shortCropBatch(files: string[], short: number, crop: number, scale: number): Promise<Float32Array> {
  return batch(files, crop, crop, scale, ({width, height}) => {
    // Python: round(w * short / min(w, h)), half to even
    const dstW = roundHalfEven((width * short) / Math.min(width, height));
    const dstH = roundHalfEven((height * short) / Math.min(width, height));
    return {dstW, dstH, cropX: (dstW - crop) >> 1, cropY: (dstH - crop) >> 1, outW: crop, outH: crop};
  });
}
