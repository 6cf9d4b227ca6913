/**
 * sharp (libvips), loaded on first use. JPEGs, most of every collection, never need it, and
 * loading it costs a decoding worker about 0.1 s of CPU and tens of MiB at start-up. lcnet decodes
 * each buffer once and parallelises across images, so libvips' operation cache is off and each
 * image gets one libvips thread (both are settings of the whole process).
 */

import type {default as Sharp} from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

export function libvips(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({default: sharp}) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}
