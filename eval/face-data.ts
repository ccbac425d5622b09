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

/** `--data <dir>` from the command line, else FACE_DATA_DIR / ../shared/faces; null when it has no pairs/. */
export function faceDataDirFromArgs(argv: string[]): string | null {
  const i = argv.indexOf('--data');
  const dir = i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : loadConfig().faceDataDir;
  return fs.existsSync(path.join(dir, 'pairs')) ? dir : null;
}

/** The video people: each person's registry photo and live video (from registry/videos.csv), those that exist. */
export function videoPeople(dir: string): Array<{ person: string; photo: string; video: string }> {
  const csv = path.join(dir, 'registry', 'videos.csv');
  if (!fs.existsSync(csv)) return [];
  return fs
    .readFileSync(csv, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const video = path.resolve(path.dirname(csv), line.split(',')[1]);
      const person = path.basename(video, '.mp4');
      return { person, photo: path.join(dir, 'registry', 'photos', `${person}.jpg`), video };
    })
    .filter((p) => fs.existsSync(p.photo) && fs.existsSync(p.video));
}

/** Duration of a video in seconds (ffprobe). */
export function videoSeconds(video: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', video], { encoding: 'utf8' });
  return Number(out.trim()) || 0;
}
