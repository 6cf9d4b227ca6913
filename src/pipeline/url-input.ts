/**
 * A URL given where lcnet expects a file path (`lcnet classify https://host/cat.jpg`, or a line of
 * a path list). lcnet reads local files only: fetching images is a downloader's job (retries,
 * authentication, rate limits), so such an input gets an error record that says how to fetch it
 * first, rather than "no such file or directory", or, when the URL holds a '?', being taken for
 * a glob pattern that matches nothing.
 */

/** scheme://..., as RFC 3986 spells a scheme (http, https, ftp, s3, gs, file...) */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The error of an input that is a URL; one wording, so that reports group these records together. */
export const URL_NOT_READ = 'URLs are not read: lcnet classifies local files; download the image first (for example with curl -O URL), then classify the file';

export function isUrl(input: string): boolean {
  return URL_LIKE.test(input);
}
