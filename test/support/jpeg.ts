// Small real images for tests that need reference photos, independent of the shared face data.
import sharp from 'sharp';

/** A decodable JPEG of the given size in a plain colour (different colours → different bytes). */
export function makeJpeg(options: { width?: number; height?: number; colour?: { r: number; g: number; b: number } } = {}): Promise<Buffer> {
  const { width = 240, height = 320, colour = { r: 180, g: 140, b: 120 } } = options;
  return sharp({ create: { width, height, channels: 3, background: colour } }).jpeg({ quality: 80 }).toBuffer();
}

export function makePng(): Promise<Buffer> {
  return sharp({ create: { width: 240, height: 320, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
}
