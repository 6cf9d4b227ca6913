/** Input limits, kept apart from the decoder so that reading them does not load libvips. */

/** sharp's own default pixel limit (0x3FFF x 0x3FFF) */
export const DEFAULT_MAX_PIXELS = 268402689;
