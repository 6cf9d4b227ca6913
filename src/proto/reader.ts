/**
 * A minimal protocol-buffers wire-format decoder. `readFields` splits one message into its raw
 * fields; callers interpret them with the schema they know (ONNX, Paddle framework.proto).
 * Hand-written on purpose: a protobuf library would need both schemas compiled in, and lcnet
 * reads only a few fields of each, with exact control over unknown and repeated ones.
 */

export interface ProtoField {
  field: number;
  wire: number;
  /** varint value (wire 0) as bigint, or the fixed value's bytes (wire 1/5), or the payload (wire 2) */
  varint?: bigint;
  bytes?: Uint8Array;
}

export class ProtoDecodeError extends Error {}

export function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new ProtoDecodeError('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 70n) throw new ProtoDecodeError('varint too long');
  }
}

export function readFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtoDecodeError('field number 0');
    switch (wire) {
      case 0: {
        const [v, p2] = readVarint(buf, pos);
        pos = p2;
        out.push({field, wire, varint: v});
        break;
      }
      case 1:
        if (pos + 8 > buf.length) throw new ProtoDecodeError('truncated fixed64');
        out.push({field, wire, bytes: buf.subarray(pos, pos + 8)});
        pos += 8;
        break;
      case 2: {
        const [len, p2] = readVarint(buf, pos);
        const end = p2 + Number(len);
        if (end > buf.length) throw new ProtoDecodeError('truncated length-delimited field');
        out.push({field, wire, bytes: buf.subarray(p2, end)});
        pos = end;
        break;
      }
      case 5:
        if (pos + 4 > buf.length) throw new ProtoDecodeError('truncated fixed32');
        out.push({field, wire, bytes: buf.subarray(pos, pos + 4)});
        pos += 4;
        break;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

/** Signed interpretation of a varint (int32/int64 fields). */
export function asSigned(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

export function asString(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

export function asFloat32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
}

export function asFloat64(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}

/** Repeated varint field values, accepting both packed and unpacked encodings. */
export function repeatedVarints(fields: ProtoField[], field: number): bigint[] {
  const out: bigint[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire === 0) out.push(f.varint!);
    else if (f.wire === 2) {
      let pos = 0;
      const b = f.bytes!;
      while (pos < b.length) {
        const [v, p] = readVarint(b, pos);
        out.push(v);
        pos = p;
      }
    }
  }
  return out;
}

/** Repeated float field values, packed or not. */
export function repeatedFloats(fields: ProtoField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire === 5) out.push(asFloat32(f.bytes!));
    else if (f.wire === 2) {
      const b = f.bytes!;
      for (let i = 0; i + 4 <= b.length; i += 4) out.push(asFloat32(b.subarray(i, i + 4)));
    }
  }
  return out;
}
