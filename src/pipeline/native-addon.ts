/**
 * lcnet's native addon: libjpeg-turbo decoding (native/jpeg/) and file read-ahead
 * (native/read_ahead.c) behind Node-API. It ships prebuilt in prebuilds/<platform>-<arch>/
 * lcnet-jpeg.node; Node-API keeps one binary loadable by every Node.js release. Where none loads
 * (another platform, a damaged install), JPEGs go through sharp and files are read without
 * read-ahead: the same records, only slower.
 */

import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

export interface NativeAddon {
  /**
   * Decodes `jpeg` as interleaved RGB into `target` (exactly width x height x 3 bytes of the
   * image as `orientation`, an EXIF value 1-8, turns it). Throws an Error whose `code` is
   * ERR_LCNET_JPEG_HEADER (the header cannot be read), ERR_LCNET_JPEG_DATA (the data is
   * damaged, or libjpeg warned about it), or for a limit: ERR_LCNET_JPEG_LAYOUT (libjpeg reads
   * another size than limits[0..1]), ERR_LCNET_JPEG_SCANS, ERR_LCNET_JPEG_TIMEOUT (CPU time),
   * ERR_LCNET_JPEG_MEMORY. limits: [stored width, stored height, max scans, CPU seconds, bytes
   * libjpeg may allocate], 0 for no limit; all checked before a progressive file is buffered.
   */
  decodeInto(jpeg: Uint8Array, orientation: number, target: Uint8Array, limits: Float64Array): void;
  /**
   * Decodes `jpeg` and resamples it in one call (native/resize_linear.c, the WebAssembly kernel's
   * source), writing the network's input into `out`. plan: [width, height, outW, outH, then the
   * x taps (first, second, weight) and the y taps of resize-linear.ts]; norm: scale, mean[3],
   * std[3]; planes: where the R, G and B planes start in `out`; limits as for decodeInto (its
   * size must be the plan's, turned back). Throws as decodeInto does.
   */
  decodeResize(jpeg: Uint8Array, orientation: number, plan: Int32Array, norm: Float32Array, out: Float32Array, planes: Int32Array, limits: Float64Array): void;
  /**
   * Asks the kernel, from libuv's thread pool, to start reading the regular file at `path` into
   * the page cache; returns at once and never fails (read-ahead.ts).
   */
  readAhead(path: string): void;
  /** e.g. "2001005" for 2.1.5 */
  libjpegTurboVersion: string;
  /** the first 16 hex digits of the sha256 of the C sources it was built from (native/jpeg/build.sh) */
  sourceDigest: string;
}

/** Where the addon ships prebuilt (native/jpeg/build.sh; docs/platforms.md), in words for users. */
export const NATIVE_PLATFORMS = 'the native JPEG decoder is prebuilt for linux-x64 and linux-arm64 with glibc 2.17 or later';

const PREBUILD = fileURLToPath(new URL(`../../../prebuilds/${process.platform}-${process.arch}/lcnet-jpeg.node`, import.meta.url));

let loaded: {addon: NativeAddon | null; why: string} | undefined;

/** The addon, or null with the reason it does not load on this platform. */
export function nativeAddon(): {addon: NativeAddon | null; why: string} {
  if (loaded) return loaded;
  try {
    loaded = {addon: createRequire(import.meta.url)(PREBUILD) as NativeAddon, why: ''};
  } catch (e) {
    loaded = {addon: null, why: `no prebuilt native addon loads on ${process.platform}-${process.arch}: ${(e as Error).message.split('\n')[0]}`};
  }
  return loaded;
}
