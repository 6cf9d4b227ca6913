/**
 * Read-ahead for the files a decoding worker has been given but not yet reached. The worker reads
 * each file with one synchronous read when its turn comes: the cheapest way for a file in the
 * page cache, but a file that is not (a collection larger than the memory, a network file system)
 * stops the worker for as long as the disk takes. So each file is handed to the kernel when its
 * job arrives, several images before it is read: the native addon opens it on libuv's thread
 * pool and asks for its data (posix_fadvise WILLNEED), and the disk works while the worker
 * decodes. Without the addon (another platform) files are simply read in their turn.
 */

import {nativeAddon} from './native-addon.js';

/** Starts reading the file at `path` into the page cache, in the background; never fails. */
export function readAhead(path: string): void {
  nativeAddon().addon?.readAhead(path);
}
