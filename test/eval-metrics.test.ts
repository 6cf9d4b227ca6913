/**
 * The metric code against small hand-computed cases: ties, k larger than the number of classes,
 * the empty set, both on-error modes, ImageNet-ReaL with empty lists, and the documented accuracy.
 */

import assert from 'node:assert/strict';
import {computeMetrics, type LabeledPrediction, type Prediction} from '../src/eval/metrics.js';

const top = (...ids: number[]): Prediction => ({topk: ids.map((classId, i) => ({classId, score: 1 / (i + 2)}))});
const item = (relPath: string, label: number, prediction: Prediction): LabeledPrediction => ({relPath, label, prediction});

/** Every number reachable in `v` (recursively). */
function numbersIn(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap(numbersIn);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(numbersIn);
  return [];
}

describe('eval metrics', () => {
  // a: right; b: right class second; c: wrong; d: failed; e: a tie the predictor ranked 2 before 3
  const basic: LabeledPrediction[] = [
    item('a.jpg', 1, top(1, 2, 3, 4, 5)),
    item('b.jpg', 1, top(2, 1, 3, 4, 5)),
    item('c.jpg', 2, top(3, 4, 5, 6, 7)),
    item('d.jpg', 2, {error: 'cannot decode'}),
    item('e.jpg', 3, {topk: [{classId: 2, score: 0.4}, {classId: 3, score: 0.4}]}),
  ];

  it("counts a failed image as a miss with onError 'wrong' (the default)", () => {
    const m = computeMetrics(basic, {numClasses: 10});
    assert.equal(m.onError, 'wrong');
    assert.equal(m.n, 5);
    assert.equal(m.correctTop1, 1);
    assert.equal(m.correctTop5, 3);
    assert.equal(m.top1, 20);
    assert.equal(m.top5, 60);
    assert.equal(m.top5K, 5);
    assert.equal(m.classesPresent, 3);
    assert.ok(Math.abs(m.meanPerClassTop1! - 50 / 3) < 1e-12);
    assert.deepEqual(
      m.worstClasses.map((c) => [c.classId, c.n, c.correct, c.top1]),
      [
        [2, 2, 0, 0],
        [3, 1, 0, 0],
        [1, 2, 1, 50],
      ],
    );
    assert.deepEqual(
      m.confusions.map((c) => [c.trueClass, c.predicted, c.count]),
      [
        [1, 2, 1],
        [2, 3, 1],
        [3, 2, 1],
      ],
    );
    assert.deepEqual(m.failed, [{relPath: 'd.jpg', error: 'cannot decode'}]);
    assert.equal(m.shortPredictions, 1);
    assert.equal(m.real, null);
    assert.equal(m.documented, null);
    assert.equal(m.difference, null);
  });

  it("leaves a failed image out of every accuracy with onError 'exclude' but still lists it", () => {
    const m = computeMetrics(basic, {numClasses: 10, onError: 'exclude'});
    assert.equal(m.n, 4);
    assert.equal(m.top1, 25);
    assert.equal(m.top5, 75);
    assert.deepEqual(
      m.worstClasses.map((c) => [c.classId, c.n, c.correct]),
      [
        [2, 1, 0],
        [3, 1, 0],
        [1, 2, 1],
      ],
    );
    assert.deepEqual(m.failed, [{relPath: 'd.jpg', error: 'cannot decode'}]);
  });

  it("uses the predictor's order for tied scores, never re-sorting", () => {
    const tie = {topk: [{classId: 7, score: 0.5}, {classId: 4, score: 0.5}, {classId: 9, score: 0.9}]};
    const m = computeMetrics([item('x', 4, tie), item('y', 9, tie)], {numClasses: 10});
    assert.equal(m.correctTop1, 0, 'class 4 is second even though its score equals the first; class 9 is third despite the highest score');
    assert.equal(m.correctTop5, 2);
  });

  it('judges top-5 on min(5, numClasses) entries and counts short predictions', () => {
    const m = computeMetrics([item('x', 2, top(0, 1, 2)), item('y', 0, top(1, 2))], {numClasses: 3});
    assert.equal(m.top5K, 3);
    assert.equal(m.top5, 50);
    assert.equal(m.top1, 0);
    assert.equal(m.shortPredictions, 1);
    const six = computeMetrics([item('z', 5, top(0, 1, 2, 3, 4, 5))], {numClasses: 1000});
    assert.equal(six.correctTop5, 0, 'a sixth entry is beyond top-5');
  });

  it('reports n = 0 and null accuracies for the empty set, with no NaN anywhere', () => {
    for (const m of [
      computeMetrics([], {numClasses: 1000, real: [[1]], documented: {top1: 71.32, top5: 90.03}}),
      computeMetrics([item('f', 1, {error: 'x'})], {numClasses: 1000, onError: 'exclude', real: [[1]], documented: {top1: 71.32, top5: 90.03}}),
    ]) {
      assert.equal(m.n, 0);
      assert.equal(m.top1, null);
      assert.equal(m.top5, null);
      assert.equal(m.meanPerClassTop1, null);
      assert.equal(m.classesPresent, 0);
      assert.deepEqual(m.worstClasses, []);
      assert.deepEqual(m.confusions, []);
      assert.equal(m.real?.top1, null);
      assert.deepEqual(m.difference, {top1: null, top5: null});
      assert.ok(numbersIn(m).every((v) => Number.isFinite(v)));
    }
  });

  describe('ImageNet-ReaL', () => {
    const real = [[1], [], [7, 2], [4]];
    const results = [
      item('val/ILSVRC2012_val_00000001.JPEG', 1, top(1, 0)),
      item('val/ILSVRC2012_val_00000002.JPEG', 2, top(2, 0)),
      item('val/ILSVRC2012_val_00000003.jpeg', 5, top(2, 5)),
      item('val/ILSVRC2012_val_00000004.JPEG', 4, {error: 'broken'}),
      item('val/ILSVRC2012_val_00000005.JPEG', 4, top(4)),
      item('other.jpg', 4, top(4)),
    ];

    it('skips empty lists and unmatched names and counts a failure as wrong', () => {
      const r = computeMetrics(results, {numClasses: 10, real}).real!;
      assert.deepEqual({...r, top1: Number(r.top1!.toFixed(6))}, {top1: 66.666667, correct: 2, counted: 3, skippedEmpty: 1, skippedUnmatched: 2});
    });

    it("excludes a failure with onError 'exclude'", () => {
      const r = computeMetrics(results, {numClasses: 10, real, onError: 'exclude'}).real!;
      assert.deepEqual(r, {top1: 100, correct: 2, counted: 2, skippedEmpty: 1, skippedUnmatched: 2});
    });
  });

  it('compares with the documented accuracy in percentage points and names classes', () => {
    const names = ['zero', 'one, uno', 'two'];
    const m = computeMetrics([item('a', 1, top(1)), item('b', 1, top(2))], {numClasses: 3, documented: {top1: 40, top5: null}, classNames: names});
    assert.deepEqual(m.documented, {top1: 40, top5: null});
    assert.deepEqual(m.difference, {top1: 10, top5: null});
    assert.deepEqual(m.confusions, [{trueClass: 1, trueName: 'one, uno', predicted: 2, predictedName: 'two', count: 1}]);
    assert.equal(m.worstClasses[0]?.name, 'one, uno');
  });

  it('limits the class lists and breaks count ties by class id', () => {
    const many = Array.from({length: 30}, (_, i) => item(`i${i}`, i % 15, top((i % 15) + 1)));
    const m = computeMetrics(many, {numClasses: 20, listLimit: 4});
    assert.deepEqual(
      m.worstClasses.map((c) => c.classId),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      m.confusions.map((c) => [c.trueClass, c.predicted, c.count]),
      [
        [0, 1, 2],
        [1, 2, 2],
        [2, 3, 2],
        [3, 4, 2],
      ],
    );
  });
});
