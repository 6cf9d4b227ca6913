/** One generated file: what kind of damage it carries (its class), which variant, and its bytes. */
export interface HostileFile {
  /** `<class>/<variant>.<ext>`: stable from run to run, and says what the file is */
  name: string;
  kind: string;
  variant: string;
  bytes: Buffer;
}

export function hostile(kind: string, variant: string, bytes: Buffer, ext = 'jpg'): HostileFile {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(variant)) throw new Error(`variant names are lower-case words: '${variant}'`);
  return {name: `${kind}/${variant}.${ext}`, kind, variant, bytes};
}
