// Recording the frames the server asked for: its frame rate, between its minimum and maximum count,
// each JPEG under its size limit. The server judges challenge k only in its slot k (challengeWindowMs
// each, counted from the first frame), so prompt k is shown exactly during slot k; a passive check lasts
// passiveMs (long enough for a natural blink).
import type { VideoCheck } from '../../api.js';

export interface CapturePlan {
  prompts: string[];
  frameCount: number;
  intervalMs: number;
}

/** Defaults for a server that does not send the slot lengths. */
const DEFAULT_SLOT_MS = 3000;
const DEFAULT_PASSIVE_MS = 4000;
const LONGEST_SIDE = 640;

export function capturePlan(check: VideoCheck): CapturePlan {
  const { fps, minFrames, maxFrames } = check.capture;
  const prompts = check.challenges.length > 0 ? check.challenges : ['HOLD'];
  const slotMs = check.capture.challengeWindowMs ?? DEFAULT_SLOT_MS;
  const ms = check.challenges.length > 0 ? slotMs * check.challenges.length : (check.capture.passiveMs ?? DEFAULT_PASSIVE_MS);
  const frameCount = Math.min(maxFrames, Math.max(minFrames, Math.round((fps * ms) / 1000)));
  return { prompts, frameCount, intervalMs: 1000 / Math.max(1, fps) };
}

/** The prompt of frame `frame`: challenge k during its slot (frames are taken on the clock, at intervalMs). */
export function promptIndex(plan: CapturePlan, frame: number): number {
  return Math.min(plan.prompts.length - 1, Math.floor((frame * plan.prompts.length) / plan.frameCount));
}

function toJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', quality));
}

export async function captureFrames(
  video: HTMLVideoElement,
  plan: CapturePlan,
  maxFrameBytes: number,
  onFrame: (index: number) => void,
  signal: AbortSignal,
): Promise<{ frames: Blob[]; timestamps: number[] }> {
  const scale = Math.min(1, LONGEST_SIDE / Math.max(video.videoWidth, video.videoHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  const frames: Blob[] = [];
  const timestamps: number[] = [];
  const started = performance.now();
  for (let i = 0; i < plan.frameCount; i++) {
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    // Wait for this frame's slot on the clock, so encoding time does not stretch the recording.
    const due = started + i * plan.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = performance.now();
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    let quality = 0.85;
    let blob = await toJpeg(canvas, quality);
    while (blob.size > maxFrameBytes && quality > 0.3) {
      quality -= 0.15;
      blob = await toJpeg(canvas, quality);
    }
    frames.push(blob);
    timestamps.push(Math.round(at - started));
    onFrame(i);
  }
  return { frames, timestamps };
}

export function toForm(frames: Blob[], timestamps: number[]): FormData {
  const form = new FormData();
  form.append('timestamps', JSON.stringify(timestamps));
  frames.forEach((frame, i) => form.append('frames', frame, `frame-${String(i).padStart(3, '0')}.jpg`));
  return form;
}
