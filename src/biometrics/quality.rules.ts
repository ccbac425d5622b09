// Per-frame quality: exactly one face, large and centred enough, enough light, sharp enough.
import type { FrameAnalysis } from './engine/face-engine.js';

export type FrameProblem = 'NO_FACE' | 'MULTIPLE_FACES' | 'FACE_TOO_SMALL' | 'FACE_NOT_CENTERED' | 'POOR_LIGHTING' | 'BLURRY';

export interface QualityRules {
  /**
   * Face height (landmark box) over the frame's shorter side: the same face at the same distance measures
   * the same whether the phone is held upright or sideways.
   */
  minFaceRatio: number;
  /** Largest distance of the face centre from the frame centre, as a share of the frame's width/height. */
  maxCenterOffset: number;
  minBrightness: number;
  maxBrightness: number;
  minSharpness: number;
}

/** A second face counts when it is at least this large relative to the main one (not a face on a poster far behind). */
const SECOND_FACE_MIN_RELATIVE_SIZE = 0.25;
const SECOND_FACE_MIN_SCORE = 0.5;

export function frameProblems(frame: FrameAnalysis, rules: QualityRules): FrameProblem[] {
  const p = frame.primary;
  if (!p) return ['NO_FACE'];
  const problems: FrameProblem[] = [];
  const main = frame.faces[0];
  const others = frame.faces.slice(1).filter((f) => f.score >= SECOND_FACE_MIN_SCORE && main && f.box[2] >= main.box[2] * SECOND_FACE_MIN_RELATIVE_SIZE);
  if (others.length > 0) problems.push('MULTIPLE_FACES');
  const [x, y, w, h] = p.alignBox;
  if (h / Math.min(frame.width, frame.height) < rules.minFaceRatio) problems.push('FACE_TOO_SMALL');
  const dx = Math.abs((x + w / 2) / frame.width - 0.5);
  const dy = Math.abs((y + h / 2) / frame.height - 0.5);
  if (dx > rules.maxCenterOffset || dy > rules.maxCenterOffset) problems.push('FACE_NOT_CENTERED');
  if (p.brightness < rules.minBrightness || p.brightness > rules.maxBrightness) problems.push('POOR_LIGHTING');
  if (p.sharpness < rules.minSharpness) problems.push('BLURRY');
  return problems;
}
