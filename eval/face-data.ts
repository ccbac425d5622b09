// Locates the shared face data (FACE_DATA_DIR, default ../shared/faces) and extracts video frames with ffmpeg.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadConfig } from '../src/platform/config.js';

export function faceDataDir(): string | null {
  const dir = loadConfig().faceDataDir;
  return fs.existsSync(path.join(dir, 'pairs')) ? dir : null;
}

export function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** JPEG frames of a video at `fps`, starting at `startSeconds`, at most `count`, with capture times in ms. */
export function extractFrames(video: string, options: { fps: number; count: number; startSeconds?: number; quality?: number }): { frames: Buffer[]; timestamps: number[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frames-'));
  try {
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-ss', String(options.startSeconds ?? 0), '-i', video, '-vf', `fps=${options.fps}`, '-frames:v', String(options.count), '-q:v', String(options.quality ?? 4), path.join(dir, 'f%04d.jpg')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
    const frames = files.map((f) => fs.readFileSync(path.join(dir, f)));
    return { frames, timestamps: frames.map((_, i) => Math.round((i * 1000) / options.fps)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Persons of faces/pairs: folder name → JPEG paths. */
export function pairPersons(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const person of fs.readdirSync(path.join(dir, 'pairs')).sort()) {
    const p = path.join(dir, 'pairs', person);
    if (!fs.statSync(p).isDirectory()) continue;
    out.set(person, fs.readdirSync(p).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(p, f)));
  }
  return out;
}
