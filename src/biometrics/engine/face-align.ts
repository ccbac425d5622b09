// Face alignment shared by reference photos and live frames: five landmarks from Human's mesh, a
// similarity transform (rotation, uniform scale, shift) onto a canonical template, and the warp that
// samples the aligned crop. Pure: numbers in, numbers out.

/** [x, y] in pixels. */
export type Point2 = [number, number];
/** Row-major 2×3 affine matrix mapping output (crop) coordinates to input (image) coordinates. */
export type Affine = [number, number, number, number, number, number];
type MeshPoint = [number, number, number?] | number[];

// MediaPipe face-mesh indices: eye corners (the eye on the image's left first), nose tip, mouth corners.
const LEFT_EYE = [33, 133];
const RIGHT_EYE = [362, 263];
const NOSE_TIP = 1;
const MOUTH_LEFT = 61;
const MOUTH_RIGHT = 291;

/** The five points of the ArcFace 112×112 template, from the mesh: eye centres, nose tip, mouth corners. */
export function landmarks5(mesh: MeshPoint[]): Point2[] {
  const mid = (ids: number[]): Point2 => [(mesh[ids[0]][0] + mesh[ids[1]][0]) / 2, (mesh[ids[0]][1] + mesh[ids[1]][1]) / 2];
  const at = (i: number): Point2 => [mesh[i][0], mesh[i][1]];
  return [mid(LEFT_EYE), mid(RIGHT_EYE), at(NOSE_TIP), at(MOUTH_LEFT), at(MOUTH_RIGHT)].map(([x, y]) => [round2(x), round2(y)]);
}

/** InsightFace's ArcFace template for a 112×112 crop (the eye on the image's left first). */
export const ARCFACE_112: readonly Point2[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * dlib's mean face (68-point model, points 17–67, in a unit square), reduced to the five points: eye
 * centres (36–41, 42–47), nose tip (30), mouth corners (48, 54). face-api's 128-d net is dlib's
 * ResNet, trained on "face chips" aligned to this shape (dlib get_face_chip_details).
 */
const DLIB_MEAN_5: readonly Point2[] = [
  [0.2254918, 0.2159903],
  [0.7547613, 0.2159903],
  [0.490127, 0.515625],
  [0.254149, 0.780233],
  [0.726104, 0.780233],
];

/** The five points of a dlib face chip of `size` px with `padding` (dlib's default 0.25 at 150 px). */
export function dlibChipTemplate(size = 150, padding = 0.25): Point2[] {
  return DLIB_MEAN_5.map(([x, y]) => [((padding + x) / (2 * padding + 1)) * size, ((padding + y) / (2 * padding + 1)) * size]);
}

/**
 * The template for a square crop of `size` px whose face is framed `margin` times looser than the
 * ArcFace crop (margin 1 = the ArcFace framing), centred the same way.
 */
export function templateFor(size: number, margin = 1): Point2[] {
  const k = size / 112 / margin;
  return ARCFACE_112.map(([x, y]) => [size / 2 + (x - 56) * k, size / 2 + (y - 56) * k]);
}

/**
 * Least-squares similarity transform (Umeyama, no reflection) taking `from` points onto `to` points:
 * returns [a, b, tx, c, d, ty] with to ≈ [a b; c d]·from + t.
 */
export function similarityTransform(from: readonly Point2[], to: readonly Point2[]): Affine {
  const n = Math.min(from.length, to.length);
  if (n < 2) throw new Error('a similarity transform needs at least two points');
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0] / n;
    fy += from[i][1] / n;
    tx += to[i][0] / n;
    ty += to[i][1] / n;
  }
  // For points as complex numbers the best similarity is z ↦ s·z with s = Σ conj(f)·t / Σ |f|².
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = from[i][0] - fx;
    const ay = from[i][1] - fy;
    const bx = to[i][0] - tx;
    const by = to[i][1] - ty;
    re += ax * bx + ay * by;
    im += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  if (!(norm > 0)) throw new Error('the points coincide');
  const a = re / norm;
  const b = im / norm;
  // [a -b; b a]
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

/** The inverse of a similarity (or any invertible) affine matrix. */
export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0) throw new Error('the transform is not invertible');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function applyAffine(m: Affine, [x, y]: Point2): Point2 {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/**
 * The aligned crop: for every output pixel, the image pixel the inverse transform points at, sampled
 * bilinearly (pixels outside the image are black). RGB bytes in, RGB floats (0–255) out.
 */
export function warpAffineRgb(
  image: { data: Uint8Array; width: number; height: number },
  outputToImage: Affine,
  width: number,
  height: number,
  options: { antialias?: boolean } = {},
): Float32Array {
  const out = new Float32Array(width * height * 3);
  const [a, b, c, d, e, f] = outputToImage;
  const { data, width: W, height: H } = image;
  const px = (x: number, y: number, ch: number) => (x < 0 || y < 0 || x >= W || y >= H ? 0 : data[(y * W + x) * 3 + ch]);
  // Shrinking: n×n bilinear samples spread over each output pixel's footprint (an area average), so a
  // large face is not aliased; n = 1 (one sample at the pixel centre) when enlarging.
  const scale = Math.sqrt(Math.abs(a * e - b * d));
  const n = options.antialias ? Math.min(6, Math.max(1, Math.ceil(scale - 1e-6))) : 1;
  const k = 1 / (n * n);
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      const o = (oy * width + ox) * 3;
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          // Sample points: output (ox + (i + .5)/n, oy + (j + .5)/n) ↦ image coordinates, then back to the pixel grid.
          const ux = ox + (i + 0.5) / n;
          const uy = oy + (j + 0.5) / n;
          const sx = a * ux + b * uy + c - 0.5;
          const sy = d * ux + e * uy + f - 0.5;
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const wx = sx - x0;
          const wy = sy - y0;
          for (let ch = 0; ch < 3; ch++) {
            const top = px(x0, y0, ch) * (1 - wx) + px(x0 + 1, y0, ch) * wx;
            const bottom = px(x0, y0 + 1, ch) * (1 - wx) + px(x0 + 1, y0 + 1, ch) * wx;
            out[o + ch] += (top * (1 - wy) + bottom * wy) * k;
          }
        }
      }
    }
  }
  return out;
}

/** Eye-line angle in degrees (0 = level; > 0 = the eye on the image's right is lower). */
export function eyeLineAngle(points: readonly Point2[]): number {
  const [l, r] = points;
  return (Math.atan2(r[1] - l[1], r[0] - l[0]) * 180) / Math.PI;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
