/** The extensions lcnet takes from directories and glob patterns by default (`--ext` changes them). */
export const DEFAULT_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif', 'bmp'];
