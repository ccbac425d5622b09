// What to tell the citizen from one look at the camera: pure geometry over the detected faces, in the
// coordinates of what they see (the camera picture cropped to the view, like CSS object-fit: cover).

export type Guidance = 'noFace' | 'oneFace' | 'closer' | 'further' | 'centre' | 'light' | 'good';

/** A face box normalised to the camera picture: 0..1 on both axes. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The oval drawn over the view, in view fractions (the SVG in CameraView uses the same numbers). */
export const OVAL = { cx: 0.5, cy: 0.48, rx: 0.38, ry: 0.35 } as const;

// Sizes by the face box's height in the view. The detector's box is square and takes in the whole head,
// so in a portrait view its width overstates the face; a head about as tall as the oval is right.
const MIN_FACE_HEIGHT = 0.4;
const MAX_FACE_HEIGHT = 0.95;
const MAX_CENTRE_OFFSET_X = 0.13;
const MAX_CENTRE_OFFSET_Y = 0.15;
/** Mean luma (0..255) of the face below which detection and matching degrade. */
const MIN_BRIGHTNESS = 70;

/** Maps a box from the camera picture into the visible crop of a view with another aspect ratio. */
export function toView(box: FaceBox, videoAspect: number, viewAspect: number): FaceBox {
  if (videoAspect > viewAspect) {
    const visible = viewAspect / videoAspect;
    const offset = (1 - visible) / 2;
    return { x: (box.x - offset) / visible, y: box.y, width: box.width / visible, height: box.height };
  }
  const visible = videoAspect / viewAspect;
  const offset = (1 - visible) / 2;
  return { x: box.x, y: (box.y - offset) / visible, width: box.width, height: box.height / visible };
}

export function guidanceFor(faces: FaceBox[], faceBrightness: number | null): Guidance {
  if (faces.length === 0) return 'noFace';
  if (faces.length > 1) return 'oneFace';
  const face = faces[0];
  if (face.height < MIN_FACE_HEIGHT) return 'closer';
  if (face.height > MAX_FACE_HEIGHT) return 'further';
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2;
  if (Math.abs(cx - OVAL.cx) > MAX_CENTRE_OFFSET_X || Math.abs(cy - OVAL.cy) > MAX_CENTRE_OFFSET_Y) return 'centre';
  if (faceBrightness !== null && faceBrightness < MIN_BRIGHTNESS) return 'light';
  return 'good';
}
