// Did the head turn, or only the nose? Judged on the pixels, because the face mesh is a learned model:
// on a photo whose nose region was warped sideways it draws a plausibly turned head, outline included
// (its rigid fit is as good as a real turn's on the shared data). Between the frontal frame and the
// turned one, a real head changes the pixels around its outline — ears, jaw, hair at the temples and on
// top — about as much as around the nose, while the background stays; a warped photo changes the nose
// region only, and a tilted photo changes the background as much as the head. Pure: thumbnails in.
import { POINT } from './engine/frame-measures.js';

export interface FrameThumb {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

export interface TurnImageEvidence {
  /** Mean change of the pixels (0–255, global brightness change removed) in each region. */
  nose: number;
  periphery: number;
  background: number | null;
  /** periphery / nose and background / periphery. */
  peripheryToNose: number;
  backgroundToPeriphery: number | null;
}

export interface TurnImageRules {
  /** Least change around the head's outline relative to the nose region's. */
  minPeripheryToNose: number;
  /** Most change of the background relative to the head's outline (a tilted photo moves everything). */
  maxBackgroundToPeriphery: number;
}

type Rect = [number, number, number, number];

function regionChange(a: FrameThumb, b: FrameThumb, rects: Rect[], offset: number): number | null {
  let sum = 0;
  let n = 0;
  const seen = new Set<number>();
  for (const [x0, y0, x1, y1] of rects) {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(a.height, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(a.width, Math.ceil(x1)); x++) {
        const i = y * a.width + x;
        if (seen.has(i)) continue;
        seen.add(i);
        sum += Math.abs(b.data[i] - a.data[i] - offset);
        n++;
      }
    }
  }
  return n > 0 ? sum / n : null;
}

/**
 * The change of the pixels around the nose, around the head's outline and in the background between
 * `frontal` and `turned`, placed by the frontal frame's mesh points (pixels of a frame `frameWidth` wide).
 */
export function turnImageEvidence(frontal: FrameThumb, turned: FrameThumb, points: ReadonlyArray<readonly number[]>, frameWidth: number): TurnImageEvidence | null {
  const size = frontal.width * frontal.height;
  if (frontal.width !== turned.width || frontal.height !== turned.height || frontal.data.length !== size || turned.data.length !== size) return null;
  const s = frontal.width / frameWidth;
  const p = (k: keyof typeof POINT) => [points[POINT[k]][0] * s, points[POINT[k]][1] * s];
  const [lx, ly] = p('outlineL2');
  const [rx, ry] = p('outlineR2');
  const [nx, ny] = p('noseTip');
  const [fx, fy] = p('forehead');
  const [, cy] = p('chin');
  const w = Math.abs(rx - lx);
  if (!(w > 2)) return null;
  const left = Math.min(lx, rx);
  const right = Math.max(lx, rx);
  // Global brightness change (exposure) is not motion.
  let mean = 0;
  for (let i = 0; i < frontal.data.length; i++) mean += turned.data[i] - frontal.data[i];
  mean /= frontal.data.length;
  const nose = regionChange(frontal, turned, [[nx - 0.15 * w, ny - 0.15 * w, nx + 0.15 * w, ny + 0.15 * w]], mean) ?? 0;
  const periphery =
    regionChange(
      frontal,
      turned,
      [
        [left - 0.25 * w, ly - 0.25 * w, left + 0.08 * w, cy],
        [right - 0.08 * w, ry - 0.25 * w, right + 0.25 * w, cy],
        [fx - 0.35 * w, fy - 0.3 * w, fx + 0.35 * w, fy + 0.05 * w],
      ],
      mean,
    ) ?? 0;
  // The background: the frame's outer columns, beside the head (a tilted photo moves its edges most).
  const edge = Math.max(2, Math.round(0.12 * frontal.width));
  const background = regionChange(
    frontal,
    turned,
    [
      [0, 0, Math.min(edge, left - 0.3 * w), frontal.height],
      [Math.max(frontal.width - edge, right + 0.3 * w), 0, frontal.width, frontal.height],
    ],
    mean,
  );
  return {
    nose,
    periphery,
    background,
    peripheryToNose: periphery / Math.max(1e-6, nose),
    backgroundToPeriphery: background === null ? null : background / Math.max(1e-6, periphery),
  };
}

export function isHeadTurn(e: TurnImageEvidence, rules: TurnImageRules): boolean {
  return e.peripheryToNose >= rules.minPeripheryToNose && (e.backgroundToPeriphery === null || e.backgroundToPeriphery <= rules.maxBackgroundToPeriphery);
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

type Shape = Array<[number, number]>;

/** Centred and scaled to unit RMS radius: position and size removed. */
function normalizeShape(points: ReadonlyArray<readonly number[]>): Shape {
  let cx = 0;
  let cy = 0;
  for (const p of points) {
    cx += p[0];
    cy += p[1];
  }
  cx /= points.length;
  cy /= points.length;
  let ss = 0;
  for (const p of points) ss += (p[0] - cx) ** 2 + (p[1] - cy) ** 2;
  const scale = Math.sqrt(ss / points.length) || 1;
  return points.map((p) => [(p[0] - cx) / scale, (p[1] - cy) / scale]);
}

/** `shape` rotated in the image plane onto `target` (least squares): in-plane rotation removed. */
function rotateOnto(shape: Shape, target: Shape): Shape {
  let a = 0;
  let b = 0;
  for (let i = 0; i < shape.length; i++) {
    a += shape[i][0] * target[i][0] + shape[i][1] * target[i][1];
    b += shape[i][0] * target[i][1] - shape[i][1] * target[i][0];
  }
  const angle = Math.atan2(b, a);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return shape.map(([x, y]) => [c * x - s * y, s * x + c * y]);
}

/**
 * How much the face's 2-D mesh shape changes over a sequence once its position, size and in-plane
 * rotation are removed (generalised Procrustes against the median shape): the 90th percentile over frames
 * of the RMS distance from the median shape, in units of the shape's RMS radius. A photo held still,
 * zoomed or panned keeps one shape — only the mesh's noise (≤ 0.023 on the shared still and zoom/pan
 * replays, small faces included); a live face turns and nods a little, talks, blinks (≥ 0.031 in every
 * 4-second window of the shared videos). Null with fewer than 6 frames of mesh points.
 */
export function shapeMotion(frames: ReadonlyArray<ReadonlyArray<readonly number[]>>): number | null {
  const shapes = frames.filter((f) => f.length >= 8).map(normalizeShape);
  if (shapes.length < 6 || shapes.some((s) => s.length !== shapes[0].length)) return null;
  let reference = shapes[0];
  let aligned: Shape[] = shapes;
  for (let round = 0; round < 3; round++) {
    aligned = shapes.map((s) => rotateOnto(s, reference));
    reference = reference.map((_, i) => [quantile(aligned.map((s) => s[i][0]), 0.5), quantile(aligned.map((s) => s[i][1]), 0.5)]);
  }
  const residuals = aligned.map((s) => Math.sqrt(s.reduce((sum, [x, y], i) => sum + (x - reference[i][0]) ** 2 + (y - reference[i][1]) ** 2, 0) / s.length));
  return quantile(residuals, 0.9);
}
