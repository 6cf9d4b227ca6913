/**
 * Decoding of PaddleClas attribute heads (PersonAttribute, VehicleAttribute, TableAttribute in
 * deploy/python/postprocess.py), from the network's sigmoid outputs: no activation is applied
 * here, the exported graphs end in a sigmoid already. The texts are PaddleClas's own, character
 * for character; `output` is PaddleClas's 0/1 vector (with its own, sometimes different,
 * comparison), and `fields` names each decoded attribute for one CSV column apiece.
 */

import {ATTRIBUTE_OUTPUTS, type AttributeSpec, type PersonAttributeSpec, type TableAttributeSpec, type VehicleAttributeSpec} from '../../models/head-spec.js';
import {argmax, pyFloat} from './py-format.js';

export type {AttributeSpec, PersonAttributeSpec, TableAttributeSpec, VehicleAttributeSpec} from '../../models/head-spec.js';
export {ATTRIBUTE_OUTPUTS} from '../../models/head-spec.js';

export interface DecodedAttributes {
  /** what PaddleClas prints: a list (person, table) or one string (vehicle) */
  attributes: string[] | string;
  /** PaddleClas `output`: 1 where the attribute is over its threshold */
  output: number[];
  /** each decoded attribute under a column name, in PaddleClas's order */
  fields: [string, string][];
}

export const PERSON_FIELDS = ['gender', 'age', 'direction', 'glasses', 'hat', 'hold_objects', 'bag', 'upper', 'lower', 'boots'] as const;
export const VEHICLE_FIELDS = ['color', 'type'] as const;
export const TABLE_FIELDS = ['source', 'number', 'color', 'clarity', 'obstruction', 'angle'] as const;

export function attributeFields(kind: AttributeSpec['kind']): readonly string[] {
  return kind === 'person-attribute' ? PERSON_FIELDS : kind === 'vehicle-attribute' ? VEHICLE_FIELDS : TABLE_FIELDS;
}

const AGES = ['AgeLess18', 'Age18-60', 'AgeOver60'];
const DIRECTIONS = ['Front', 'Side', 'Back'];
const BAGS = ['HandBag', 'ShoulderBag', 'Backpack'];
const UPPER = ['UpperStride', 'UpperLogo', 'UpperPlaid', 'UpperSplice'];
const LOWER = ['LowerStripe', 'LowerPattern', 'LongCoat', 'Trousers', 'Shorts', 'Skirt&Dress'];
const COLORS = ['yellow', 'orange', 'green', 'gray', 'red', 'blue', 'white', 'golden', 'brown', 'black'];
const TYPES = ['sedan', 'suv', 'van', 'hatchback', 'mpv', 'pickup', 'bus', 'truck', 'estate'];

function checkLength(res: ArrayLike<number>, kind: AttributeSpec['kind']): void {
  if (res.length !== ATTRIBUTE_OUTPUTS[kind]) throw new Error(`${kind} decodes ${ATTRIBUTE_OUTPUTS[kind]} outputs, the model has ${res.length}`);
}

export function decodePersonAttribute(res: ArrayLike<number>, s: PersonAttributeSpec): DecodedAttributes {
  checkLength(res, s.kind);
  const thr = s.threshold;
  const gender = res[22]! > thr ? 'Female' : 'Male';
  const age = AGES[argmax(res, 19, 22)]!;
  const direction = DIRECTIONS[argmax(res, 23, 26)]!;
  const glasses = `Glasses: ${res[1]! > s.glassesThreshold ? 'True' : 'False'}`;
  const hat = `Hat: ${res[0]! > thr ? 'True' : 'False'}`;
  const hold = `HoldObjectsInFront: ${res[18]! > s.holdThreshold ? 'True' : 'False'}`;
  const b = argmax(res, 15, 18);
  const bag = res[15 + b]! > thr ? BAGS[b]! : 'No bag';
  let upper = `Upper: ${res[3]! > res[2]! ? 'LongSleeve' : 'ShortSleeve'}`;
  UPPER.forEach((name, i) => {
    if (res[4 + i]! > thr) upper += ` ${name}`;
  });
  let lower = 'Lower: ';
  let anyLower = false;
  LOWER.forEach((name, i) => {
    if (res[8 + i]! > thr) {
      lower += ` ${name}`;
      anyLower = true;
    }
  });
  if (!anyLower) lower += ` ${LOWER[argmax(res, 8, 14)]!}`;
  const boots = res[14]! > thr ? 'Boots' : 'No boots';
  const attributes = [gender, age, direction, glasses, hat, hold, bag, upper, lower, boots];
  // PaddleClas compares `output` with 0.5 itself, not with `threshold`
  const output = Array.from(res, (v, i) => (v > (i === 1 ? s.glassesThreshold : i === 18 ? s.holdThreshold : 0.5) ? 1 : 0));
  return {attributes, output, fields: PERSON_FIELDS.map((f, i) => [f, attributes[i]!])};
}

export function decodeVehicleAttribute(res: ArrayLike<number>, s: VehicleAttributeSpec): DecodedAttributes {
  checkLength(res, s.kind);
  const c = argmax(res, 0, 10);
  const t = argmax(res, 10, 19);
  // the label takes >= its threshold, `output` takes >
  const color = res[c]! >= s.colorThreshold ? `Color: (${COLORS[c]!}, prob: ${pyFloat(res[c]!)})` : 'Color unknown';
  const type = res[t + 10]! >= s.typeThreshold ? `Type: (${TYPES[t]!}, prob: ${pyFloat(res[t + 10]!)})` : 'Type unknown';
  const output = Array.from(res, (v, i) => (v > (i < 10 ? s.colorThreshold : s.typeThreshold) ? 1 : 0));
  return {attributes: `${color}, ${type}`, output, fields: [['color', color], ['type', type]]};
}

export function decodeTableAttribute(res: ArrayLike<number>, s: TableAttributeSpec): DecodedAttributes {
  checkLength(res, s.kind);
  const [source, number, color, clarity] = s.thresholds;
  // PaddleClas decides obstruction and angle with the number threshold (its own slip, kept so
  // that the texts agree; all six are 0.5 in the published configuration)
  const attributes = [
    res[0]! > source ? 'Scanned' : 'Photo',
    res[1]! > number ? 'Little' : 'Numerous',
    res[2]! > color ? 'Black-and-White' : 'Multicolor',
    res[3]! > clarity ? 'Clear' : 'Blurry',
    res[4]! > number ? 'Without-Obstacles' : 'With-Obstacles',
    res[5]! > number ? 'Horizontal' : 'Tilted',
  ];
  const output = Array.from(res, (v, i) => (v > s.thresholds[i]! ? 1 : 0));
  return {attributes, output, fields: TABLE_FIELDS.map((f, i) => [f, attributes[i]!])};
}

export function decodeAttributes(res: ArrayLike<number>, s: AttributeSpec): DecodedAttributes {
  switch (s.kind) {
    case 'person-attribute':
      return decodePersonAttribute(res, s);
    case 'vehicle-attribute':
      return decodeVehicleAttribute(res, s);
    case 'table-attribute':
      return decodeTableAttribute(res, s);
  }
}
