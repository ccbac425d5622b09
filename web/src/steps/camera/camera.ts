// Opening the camera and telling apart why it failed, so each cause gets its own explanation.

export type CameraProblem = 'denied' | 'noCamera' | 'busy' | 'insecure' | 'failed';
export type BrowserFamily = 'chrome' | 'edge' | 'firefox' | 'safariIos' | 'safariMac' | 'samsung' | 'other';

export function cameraAvailable(): boolean {
  return window.isSecureContext && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

export function classifyCameraError(error: unknown): CameraProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'noCamera';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}

export async function openCamera(): Promise<MediaStream> {
  // Only "ideal" constraints: "exact" ones fail on cameras (and test devices) that cannot meet them.
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
  });
}

export function browserFamily(userAgent = navigator.userAgent): BrowserFamily {
  if (/SamsungBrowser/.test(userAgent)) return 'samsung';
  if (/iPhone|iPad|iPod/.test(userAgent)) return 'safariIos';
  if (/Edg\//.test(userAgent)) return 'edge';
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/Chrome\/|Chromium\//.test(userAgent)) return 'chrome';
  if (/Safari\//.test(userAgent)) return 'safariMac';
  return 'other';
}
