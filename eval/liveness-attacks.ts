// Presentation-attack generators for eval:liveness, made at eval time from a reference photo (never
// committed as video): a still photo held to the camera, the same photo zoomed and panned, a photo
// "animated" by 2-D warps (the nose region shifted sideways against a fixed outline, cheek skin pasted
// over the eyes for 3 frames), and a printed photo tilted about its vertical axis. The animated attacks
// are tailored to the challenges of the check, as an attacker who reads the prompts would make them.
// Frames are JPEGs at the capture rate; identical frames are byte-identical, so an analysis cache keyed by
// content sees them once.
import sharp from 'sharp';
import type { Challenge } from '../src/biometrics/challenges.rules.js';
import { POINT } from '../src/biometrics/engine/frame-measures.js';

export interface Raw {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Where the face is on the base frame: from the engine's motion points of that frame. */
export interface FaceLayout {
  noseTip: [number, number];
  /** Outer and inner corners, top and bottom lid of each eye. */
  eyes: Array<{ outer: [number, number]; inner: [number, number]; top: [number, number]; bottom: [number, number] }>;
  /** Cheek-to-cheek width (outline points at the ears). */
  faceWidth: number;
}

export function layoutFromPoints(points: Array<[number, number, number]>): FaceLayout {
  const p = (k: keyof typeof POINT): [number, number] => [points[POINT[k]][0], points[POINT[k]][1]];
  return {
    noseTip: p('noseTip'),
    eyes: [
      { outer: p('eyeLOuter'), inner: p('eyeLInner'), top: p('eyeLTop'), bottom: p('eyeLBottom') },
      { outer: p('eyeROuter'), inner: p('eyeRInner'), top: p('eyeRTop'), bottom: p('eyeRBottom') },
    ],
    faceWidth: Math.abs(p('outlineR2')[0] - p('outlineL2')[0]),
  };
}

/** The canvas a photo is shown on: 480×640 (a phone held upright), the photo filling it. */
export async function baseFrame(photo: Buffer, width = 480, height = 640): Promise<Raw> {
  const { data, info } = await sharp(photo).rotate().resize(width, height, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

export function toJpeg(image: Raw, quality = 88): Promise<Buffer> {
  return sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

function sample(src: Raw, x: number, y: number, out: Uint8Array, o: number, fill = 40): void {
  if (x < 0 || y < 0 || x > src.width - 1 || y > src.height - 1) {
    out[o] = out[o + 1] = out[o + 2] = fill;
    return;
  }
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(src.width - 1, x0 + 1);
  const y1 = Math.min(src.height - 1, y0 + 1);
  const fx = x - x0;
  const fy = y - y0;
  for (let c = 0; c < 3; c++) {
    const a = src.data[(y0 * src.width + x0) * 3 + c];
    const b = src.data[(y0 * src.width + x1) * 3 + c];
    const d = src.data[(y1 * src.width + x0) * 3 + c];
    const e = src.data[(y1 * src.width + x1) * 3 + c];
    out[o + c] = Math.round((a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy);
  }
}

/** Maps every output pixel through `inverse` (output → source position). */
function remap(src: Raw, inverse: (x: number, y: number) => [number, number]): Raw {
  const out = new Uint8Array(src.data.length);
  const p: [number, number] = [0, 0];
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const [sx, sy] = inverse(x, y);
      p[0] = sx;
      p[1] = sy;
      sample(src, sx, sy, out, (y * src.width + x) * 3);
    }
  }
  return { data: out, width: src.width, height: src.height };
}

/**
 * A fake head turn: the nose region shifted sideways by `amount` face widths (> 0 = towards the image's
 * right) with a Gaussian fall-off, so the eyes follow partly and the outline, ears and hair stay put.
 */
export function warpTurn(src: Raw, face: FaceLayout, amount: number): Raw {
  const [cx, cy] = face.noseTip;
  const sigma = 0.2 * face.faceWidth;
  const shift = amount * face.faceWidth;
  return remap(src, (x, y) => {
    const g = Math.exp(-((x - cx) ** 2 + ((y - cy) * 0.8) ** 2) / (2 * sigma * sigma));
    return [x - shift * g, y];
  });
}

/** A printed photo turned about its vertical axis by `degrees` (> 0: its right edge away from the camera). */
export function tiltPhoto(src: Raw, degrees: number): Raw {
  const a = (degrees * Math.PI) / 180;
  const f = 1.2 * src.width;
  const cx = src.width / 2;
  const cy = src.height / 2;
  return remap(src, (x, y) => {
    const u = x - cx;
    const v = y - cy;
    const X = (u * f) / (f * Math.cos(a) - u * Math.sin(a));
    const Y = (v * (f + X * Math.sin(a))) / f;
    return [cx + X, cy + Y];
  });
}

/** Zoom (1 = as is) and pan (fractions of the size) of the photo, as a hand moving a photo closer. */
export function zoomPan(src: Raw, zoom: number, panX: number, panY: number): Raw {
  const cx = src.width / 2;
  const cy = src.height / 2;
  return remap(src, (x, y) => [cx + (x - cx) / zoom - panX * src.width, cy + (y - cy) / zoom - panY * src.height]);
}

/** A fake blink: skin from below each eye pasted over it with a soft edge. */
export function pasteSkinOverEyes(src: Raw, face: FaceLayout): Raw {
  const out = new Uint8Array(src.data);
  for (const eye of face.eyes) {
    const w = Math.hypot(eye.outer[0] - eye.inner[0], eye.outer[1] - eye.inner[1]);
    const cx = (eye.outer[0] + eye.inner[0]) / 2;
    const cy = (eye.top[1] + eye.bottom[1]) / 2;
    const rx = 0.75 * w;
    const ry = 0.45 * w;
    const dy = 1.1 * w; // the cheek below the eye
    for (let y = Math.floor(cy - ry); y <= Math.ceil(cy + ry); y++) {
      for (let x = Math.floor(cx - rx); x <= Math.ceil(cx + rx); x++) {
        if (x < 0 || y < 0 || x >= src.width || y + dy >= src.height) continue;
        const r = Math.hypot((x - cx) / rx, (y - cy) / ry);
        if (r >= 1) continue;
        const alpha = r < 0.7 ? 1 : (1 - r) / 0.3;
        const o = (y * src.width + x) * 3;
        const so = (Math.round(y + dy) * src.width + x) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = Math.round(out[o + c] * (1 - alpha) + src.data[so + c] * alpha);
      }
    }
  }
  return { data: out, width: src.width, height: src.height };
}

/** Sensor-like noise (deterministic per frame), so that a still photo's frames are not byte-identical. */
export function addNoise(src: Raw, seed: number, amplitude = 3): Raw {
  const out = new Uint8Array(src.data.length);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const n = ((s >>> 0) / 4294967296 - 0.5) * 2 * amplitude;
    out[i] = Math.max(0, Math.min(255, Math.round(src.data[i] + n)));
  }
  return { data: out, width: src.width, height: src.height };
}

export type AnimatedKind = 'warped-turns' | 'pasted-blinks';

/**
 * Frames of a photo animated to answer `challenges`, each in its slot of `slotMs` (the browser's prompt
 * schedule), starting `reactMs` into the slot. `warped-turns` fakes a turn by warping the nose region,
 * `pasted-blinks` by tilting the printed photo; both fake a blink by pasting skin over the eyes for 3
 * frames. Without challenges (passive), one fake blink and one small fake turn in `passiveMs`.
 */
export function animationSchedule(
  kind: AnimatedKind,
  challenges: readonly Challenge[],
  options: { fps: number; slotMs: number; passiveMs: number; reactMs?: number; warpAmount?: number; tiltDegrees?: number },
): Array<{ turn: number; blink: boolean }> {
  const frameMs = 1000 / options.fps;
  const react = options.reactMs ?? 600;
  const plan: Array<{ challenge: Challenge | 'SMALL_TURN'; at: number }> =
    challenges.length > 0 ? challenges.map((c, k) => ({ challenge: c, at: k * options.slotMs + react })) : [{ challenge: 'BLINK', at: 900 }, { challenge: 'SMALL_TURN', at: 1800 }];
  const total = challenges.length > 0 ? challenges.length * options.slotMs : options.passiveMs;
  const n = Math.round(total / frameMs);
  const frames = Array.from({ length: n }, () => ({ turn: 0, blink: false }));
  // A turn: 4 frames to the full amount, held 4 frames, 4 frames back (≈ 0.8 s at 15 fps).
  const ramp = [0.25, 0.5, 0.75, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25];
  for (const step of plan) {
    const i0 = Math.round(step.at / frameMs);
    if (step.challenge === 'BLINK') {
      for (let i = i0; i < Math.min(n, i0 + 3); i++) frames[i].blink = true;
    } else {
      // The person's left is the image's right on an unmirrored camera picture.
      const sign = step.challenge === 'TURN_LEFT' ? 1 : step.challenge === 'TURN_RIGHT' ? -1 : 0.4;
      ramp.forEach((r, j) => {
        if (i0 + j < n) frames[i0 + j].turn = sign * r;
      });
    }
  }
  return frames;
}
