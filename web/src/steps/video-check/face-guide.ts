// Live face guidance in the browser: Human's face detector on tfjs' WASM backend. This module is
// imported dynamically by the video step only, so Human and its models never load before it.
import { Human } from '@vladmandic/human';
import { guidanceFor, toView, type FaceBox, type Guidance } from './guidance.rules.js';

export interface Assessment {
  guidance: Guidance;
  /** The faces as seen in the view (for diagnostics: data-faces on the guidance line). */
  faces: FaceBox[];
}

export interface FaceGuide {
  assess(video: HTMLVideoElement, viewAspect: number): Promise<Assessment>;
}

export async function createFaceGuide(): Promise<FaceGuide> {
  const human = new Human({
    backend: 'wasm',
    wasmPath: '/models/tfjs-wasm/',
    modelBasePath: '/models/human/',
    debug: false,
    async: true,
    warmup: 'none',
    // Guidance must describe the current picture, never a cached one.
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: 3, minConfidence: 0.5, skipFrames: 0, skipTime: 0, return: false },
      mesh: { enabled: false },
      iris: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  await human.load();

  const probe = document.createElement('canvas');
  probe.width = 24;
  probe.height = 24;
  const probeContext = probe.getContext('2d', { willReadFrequently: true });

  const brightness = (video: HTMLVideoElement, box: FaceBox): number | null => {
    if (!probeContext) return null;
    const w = video.videoWidth;
    const h = video.videoHeight;
    probeContext.drawImage(video, box.x * w, box.y * h, Math.max(1, box.width * w), Math.max(1, box.height * h), 0, 0, probe.width, probe.height);
    const { data } = probeContext.getImageData(0, 0, probe.width, probe.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    return sum / (data.length / 4);
  };

  return {
    async assess(video, viewAspect) {
      if (video.readyState < 2 || video.videoWidth === 0) return { guidance: 'noFace', faces: [] };
      const result = await human.detect(video);
      const faces: FaceBox[] = result.face.map((face) => {
        const [x, y, width, height] = face.boxRaw;
        return { x, y, width, height };
      });
      const videoAspect = video.videoWidth / video.videoHeight;
      const inView = faces.map((face) => toView(face, videoAspect, viewAspect));
      return { guidance: guidanceFor(inView, faces.length === 1 ? brightness(video, faces[0]) : null), faces: inView };
    },
  };
}
