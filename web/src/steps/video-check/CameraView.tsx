import { useEffect, useRef, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { OVAL } from './guidance.rules.js';

export type OvalState = 'idle' | 'adjust' | 'good' | 'recording';

/** The camera picture, mirrored like a mirror, with the oval the face goes in. */
export function CameraView({ stream, videoRef, oval }: { stream: MediaStream; videoRef: RefObject<HTMLVideoElement | null>; oval: OvalState }) {
  const { t } = useTranslation();
  const attached = useRef<MediaStream | null>(null);
  useEffect(() => {
    const video = videoRef.current;
    if (!video || attached.current === stream) return;
    attached.current = stream;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
  }, [stream, videoRef]);

  // The SVG's view box is 300×400, the view's 3:4 aspect; the oval's numbers are shared with the rules.
  const cx = OVAL.cx * 300;
  const cy = OVAL.cy * 400;
  const rx = OVAL.rx * 300;
  const ry = OVAL.ry * 400;
  return (
    <div className={`camera-view oval-${oval}`}>
      <video ref={videoRef} className="camera-video" muted playsInline autoPlay aria-label={t('video.cameraLabel')} />
      <svg className="camera-overlay" viewBox="0 0 300 400" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <defs>
          <mask id="oval-hole">
            <rect width="300" height="400" fill="white" />
            <ellipse cx={cx} cy={cy} rx={rx} ry={ry} fill="black" />
          </mask>
        </defs>
        <rect width="300" height="400" fill="rgba(10, 20, 30, 0.55)" mask="url(#oval-hole)" />
        <ellipse className="oval" cx={cx} cy={cy} rx={rx} ry={ry} fill="none" strokeWidth="5" vectorEffect="non-scaling-stroke" />
      </svg>
    </div>
  );
}
