import assert from 'node:assert/strict';
import {decodePersonAttribute, decodeTableAttribute, decodeVehicleAttribute, type PersonAttributeSpec, type TableAttributeSpec} from '../src/pipeline/postprocess/attributes.js';
import {pyFloat} from '../src/pipeline/postprocess/py-format.js';
import {decodeRow, parsePostprocess, withThreshold, type PostprocessSpec} from '../src/pipeline/postprocess/spec.js';
import {decideThreshold} from '../src/pipeline/postprocess/thresh.js';

// the published parameters (FACTS.md §4, deploy yamls)
const PERSON: PersonAttributeSpec = {kind: 'person-attribute', threshold: 0.5, glassesThreshold: 0.3, holdThreshold: 0.6};
const VEHICLE = {kind: 'vehicle-attribute', colorThreshold: 0.5, typeThreshold: 0.5} as const;
const TABLE: TableAttributeSpec = {kind: 'table-attribute', thresholds: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]};

/** sigmoid outputs that are over 0.5 exactly where `bits` is 1 */
const fromBits = (bits: number[]) => Float32Array.from(bits, (b) => (b ? 0.8 : 0.2));

describe('post-processing: ThreshOutput (yes/no)', function () {
  it('decides class 1 at the threshold itself and class 0 below it, scoring 1 - p(1)', function () {
    const labels = ['nobody', 'someone'];
    assert.deepEqual(decideThreshold([0.5, 0.5], 0.5, labels), {decision: {class_id: 1, label: 'someone', score: 0.5}, threshold: 0.5});
    // p(0) + p(1) need not be 1: the score of "no" is 1 - p(1), not p(0)
    const no = decideThreshold([0.7, 0.25], 0.5, labels);
    assert.deepEqual(no, {decision: {class_id: 0, label: 'nobody', score: 0.75}, threshold: 0.5});
    // the docs' operating point for person_exists: 0.97 is "nobody" there
    const strict = decideThreshold(Float32Array.of(0.03, 0.97), 0.9794, labels);
    assert.equal(strict.decision.label, 'nobody');
    assert.equal(strict.threshold, 0.9794);
    assert.ok(Math.abs(strict.decision.score - 0.03) < 1e-6);
    assert.equal(decideThreshold([0.0206, 0.9794], 0.9794, labels).decision.label, 'someone');
    assert.throws(() => decideThreshold([0.1, 0.2, 0.7], 0.5, labels), /2 outputs/);
  });

  it('--threshold replaces the published value; a top-k model refuses it', function () {
    const spec: PostprocessSpec = {kind: 'thresh', threshold: 0.5};
    assert.deepEqual(withThreshold(spec, 0.9167), {kind: 'thresh', threshold: 0.9167});
    assert.equal(withThreshold(spec, undefined), spec);
    // named as the library's options: the CLI words them as flags (src/cli/error-message.ts)
    assert.throws(() => withThreshold({kind: 'topk', topk: 5}, 0.5), /^Error: threshold applies to .*\(use topk\)$/);
    assert.throws(() => withThreshold(spec, 1.5), /between 0 and 1/);
    const body = decodeRow(Float32Array.of(0.2, 0.8), withThreshold(spec, 0.9), ['no_car', 'contains_car'], 5);
    assert.deepEqual(body, {decision: {class_id: 0, label: 'no_car', score: 0.2}, threshold: 0.9});
  });
});

describe('post-processing: PersonAttribute', function () {
  it('decodes the two documented demo outputs exactly as PaddleClas prints them', function () {
    const bits4 = [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1];
    const a = decodePersonAttribute(fromBits(bits4), PERSON);
    assert.deepEqual(a.attributes, ['Male', 'Age18-60', 'Back', 'Glasses: False', 'Hat: False', 'HoldObjectsInFront: False', 'Backpack', 'Upper: LongSleeve UpperPlaid', 'Lower:  Trousers', 'No boots']);
    assert.deepEqual(a.output, bits4);
    const bits7 = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0];
    const b = decodePersonAttribute(fromBits(bits7), PERSON);
    assert.deepEqual(b.attributes, ['Female', 'Age18-60', 'Side', 'Glasses: False', 'Hat: False', 'HoldObjectsInFront: False', 'No bag', 'Upper: ShortSleeve', 'Lower:  Skirt&Dress', 'No boots']);
    assert.deepEqual(b.output, bits7);
    assert.deepEqual(b.fields[0], ['gender', 'Female']);
    assert.deepEqual(b.fields[8], ['lower', 'Lower:  Skirt&Dress']);
  });

  it('thresholds at the boundary: strictly greater, glasses 0.3, hold 0.6, output always at 0.5 but for those two', function () {
    const res = new Float64Array(26).fill(0.1);
    res[22] = 0.5; // exactly the threshold: not Female
    res[1] = 0.3; // exactly the glasses threshold: no glasses
    res[18] = 0.6; // exactly the hold threshold: not holding
    res[15] = 0.5; // the likeliest bag but not over 0.5: no bag
    res[12] = 0.45; // no lower garment over 0.5: the likeliest one, Shorts
    let a = decodePersonAttribute(res, PERSON);
    assert.deepEqual([a.attributes[0], a.attributes[3], a.attributes[5], a.attributes[6], a.attributes[8]], ['Male', 'Glasses: False', 'HoldObjectsInFront: False', 'No bag', 'Lower:  Shorts']);
    assert.deepEqual([a.output[1], a.output[18], a.output[22]], [0, 0, 0]);
    res[1] = 0.31;
    res[18] = 0.61;
    res[0] = 0.6; // a hat for the default threshold, not for 0.7
    a = decodePersonAttribute(res, {...PERSON, threshold: 0.7});
    assert.deepEqual([a.attributes[3], a.attributes[4], a.attributes[5]], ['Glasses: True', 'Hat: False', 'HoldObjectsInFront: True']);
    // PaddleClas's output vector keeps 0.5 whatever `threshold` is
    assert.deepEqual([a.output[0], a.output[1], a.output[18]], [1, 1, 1]);
    // ties go to the first index, as numpy's argmax
    const tie = new Float64Array(26).fill(0.4);
    const t = decodePersonAttribute(tie, PERSON);
    assert.deepEqual([t.attributes[1], t.attributes[2], t.attributes[7], t.attributes[8]], ['AgeLess18', 'Front', 'Upper: ShortSleeve', 'Lower:  LowerStripe']);
  });
});

describe('post-processing: VehicleAttribute and TableAttribute', function () {
  it('vehicle: the documented demo, with probabilities printed as Python prints a float', function () {
    const res = new Float32Array(19).fill(0.01);
    res[0] = 0.9893476963043213;
    res[13] = 0.9734097719192505;
    const v = decodeVehicleAttribute(res, VEHICLE);
    assert.equal(v.attributes, 'Color: (yellow, prob: 0.9893476963043213), Type: (hatchback, prob: 0.9734097719192505)');
    assert.deepEqual(v.output, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    assert.deepEqual(v.fields, [
      ['color', 'Color: (yellow, prob: 0.9893476963043213)'],
      ['type', 'Type: (hatchback, prob: 0.9734097719192505)'],
    ]);
  });

  it('vehicle: a label at exactly its threshold (>=) but not in output (>); below it is unknown', function () {
    const res = new Float64Array(19).fill(0.1);
    res[4] = 0.5;
    res[11] = 0.4999;
    const v = decodeVehicleAttribute(res, VEHICLE);
    assert.equal(v.attributes, 'Color: (red, prob: 0.5), Type unknown');
    assert.equal(v.output.reduce((a, b) => a + b, 0), 0);
    res[4] = 0.3;
    assert.equal(decodeVehicleAttribute(res, VEHICLE).attributes, 'Color unknown, Type unknown');
  });

  it('table: the documented demo; 0.5 is the false side; obstruction and angle use the number threshold as PaddleClas does', function () {
    const t = decodeTableAttribute(fromBits([0, 1, 1, 0, 1, 0]), TABLE);
    assert.deepEqual(t.attributes, ['Photo', 'Little', 'Black-and-White', 'Blurry', 'Without-Obstacles', 'Tilted']);
    assert.deepEqual(t.output, [0, 1, 1, 0, 1, 0]);
    assert.deepEqual(decodeTableAttribute(fromBits([1, 1, 1, 1, 1, 1]), TABLE).attributes, ['Scanned', 'Little', 'Black-and-White', 'Clear', 'Without-Obstacles', 'Horizontal']);
    assert.deepEqual(decodeTableAttribute([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], TABLE).output, [0, 0, 0, 0, 0, 0]);
    const odd = decodeTableAttribute([0.1, 0.1, 0.1, 0.1, 0.7, 0.7], {kind: 'table-attribute', thresholds: [0.5, 0.9, 0.5, 0.5, 0.5, 0.5]});
    assert.deepEqual(odd.attributes.slice(4), ['With-Obstacles', 'Tilted']);
    assert.deepEqual(odd.output.slice(4), [1, 1]);
  });

  it('records carry the decoded attributes, PaddleClas output and raw probabilities by label, with no second sigmoid', function () {
    const labels = ['Scanned|Photo', 'Little|Numerous', 'Black-and-White|Multicolor', 'Clear|Blurry', 'Without-Obstacles|With-Obstacles', 'Horizontal|Tilted'];
    const body = decodeRow(Float32Array.of(0.25, 0.75, 0.5, 0.125, 1, 0), TABLE, labels, 5);
    assert.deepEqual(body, {
      attributes: ['Photo', 'Little', 'Multicolor', 'Blurry', 'Without-Obstacles', 'Tilted'],
      output: [0, 1, 0, 0, 1, 0],
      probabilities: {'Scanned|Photo': 0.25, 'Little|Numerous': 0.75, 'Black-and-White|Multicolor': 0.5, 'Clear|Blurry': 0.125, 'Without-Obstacles|With-Obstacles': 1, 'Horizontal|Tilted': 0},
    });
    assert.throws(() => decodeRow(new Float32Array(5), TABLE, labels, 5), /6 outputs/);
  });
});

describe('post-processing: helpers and specs', function () {
  it('prints floats as Python repr does', function () {
    assert.equal(pyFloat(0.9734097719192505), '0.9734097719192505');
    assert.equal(pyFloat(1), '1.0');
    assert.equal(pyFloat(0.5), '0.5');
    assert.equal(pyFloat(0.0001), '0.0001');
    assert.equal(pyFloat(0.00005), '5e-05');
    assert.equal(pyFloat(Math.fround(1.5e-7)), '1.500000053056283e-07');
    assert.equal(pyFloat(1e16), '1e+16');
    assert.equal(pyFloat(0), '0.0');
  });

  it('parses catalogue specs and refuses bad ones', function () {
    assert.deepEqual(parsePostprocess({kind: 'thresh', threshold: 0.5}, 'x'), {kind: 'thresh', threshold: 0.5});
    assert.deepEqual(parsePostprocess({kind: 'topk', topk: 5}, 'x'), {kind: 'topk', topk: 5});
    assert.throws(() => parsePostprocess({kind: 'thresh', threshold: 2}, 'x'), /x: postprocess threshold/);
    assert.throws(() => parsePostprocess({kind: 'softmax'}, 'x'), /kind must be one of/);
    assert.throws(() => parsePostprocess({kind: 'table-attribute', thresholds: [0.5]}, 'x'), /6 numbers/);
  });
});
