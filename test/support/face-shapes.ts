// Synthetic face meshes for the motion rules' tests: the MOTION_POINTS of a frontal face, optionally with
// the mouth opened (jaw and lower lip lowered) and moved as a photo moves (zoom, pan, in-plane rotation),
// with a little deterministic noise like the mesh's own.
import { MOTION_POINTS, POINT, type MotionPointName } from '../../src/biometrics/engine/frame-measures.js';

const NAMES = Object.keys(MOTION_POINTS) as MotionPointName[];

/** A rough frontal layout (pixels, face about 200 px wide): every point placed by its name. */
function basePoint(name: MotionPointName, i: number): [number, number, number] {
  const side = name.endsWith('L') || /L\d+$/.test(name) || name.includes('L') ? -1 : 1;
  const k = Number(/\d+$/.exec(name)?.[0] ?? 0);
  if (name.startsWith('outline')) return [300 + side * (100 - 4 * k * k * 0.1), 220 + 14 * k, 20];
  if (name.startsWith('eye')) return [300 + side * (name.includes('Outer') ? 60 : 25), 190 + (name.includes('Top') ? -8 : name.includes('Bottom') ? 8 : 0), 0];
  if (name.startsWith('brow')) return [300 + side * (20 + 15 * k), 165, 0];
  if (name.startsWith('cheek')) return [300 + side * 55, name.includes('Low') ? 270 : 240, 5];
  if (name.startsWith('mouth')) return [300 + side * 35, 300, 2];
  // The midline, top to bottom, in MOTION_POINTS order.
  return [300 + ((i * 7) % 3) - 1, 120 + i * 12, -10];
}

const BASE = NAMES.map((n, i) => basePoint(n, i));
const LOWERED = new Set<number>([POINT.lowerLip, POINT.innerLipBottom, POINT.chin, POINT.chinLow, POINT.outlineL9, POINT.outlineL10, POINT.outlineR9, POINT.outlineR10]);

export interface ShapeMove {
  /** Mouth opening in pixels (jaw and lower lip lowered). */
  mouth?: number;
  zoom?: number;
  panX?: number;
  panY?: number;
  /** In-plane rotation, degrees. */
  roll?: number;
  /** Noise amplitude in pixels (deterministic per seed). */
  noise?: number;
  seed?: number;
}

export function faceShape(move: ShapeMove = {}): Array<[number, number, number]> {
  const { mouth = 0, zoom = 1, panX = 0, panY = 0, roll = 0, noise = 0.4, seed = 1 } = move;
  const a = (roll * Math.PI) / 180;
  let s = (seed * 2654435761) >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296 - 0.5;
  };
  return BASE.map(([x, y, z], i) => {
    const ly = y + (LOWERED.has(i) ? mouth : 0) + 2 * noise * rand();
    const lx = x + 2 * noise * rand();
    const dx = (lx - 300) * zoom;
    const dy = (ly - 220) * zoom;
    return [300 + panX + dx * Math.cos(a) - dy * Math.sin(a), 220 + panY + dx * Math.sin(a) + dy * Math.cos(a), z];
  });
}
