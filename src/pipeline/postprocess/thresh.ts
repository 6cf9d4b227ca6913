/**
 * PaddleClas `ThreshOutput` for yes/no models (person_exists, car_exists, safety_helmet, ...):
 * the score is the probability of class 1; below the threshold the answer is class 0 with score
 * 1 - p(1) (not p(0)), otherwise class 1 with p(1).
 */

import type {ClassScore} from '../output/record.js';

export type {ThreshSpec} from '../../models/head-spec.js';

export interface ThreshResult {
  decision: ClassScore;
  /** the threshold the decision was taken with */
  threshold: number;
}

export function decideThreshold(probs: ArrayLike<number>, threshold: number, labels: readonly string[]): ThreshResult {
  if (probs.length !== 2) throw new Error(`a yes/no model has 2 outputs, this one has ${probs.length}`);
  const score = probs[1]!;
  const decision: ClassScore = score < threshold ? {class_id: 0, label: labels[0] ?? '0', score: 1 - score} : {class_id: 1, label: labels[1] ?? '1', score};
  return {decision, threshold};
}
