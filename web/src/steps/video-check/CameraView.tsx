import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { OVAL } from './guidance.rules.js';

export type OvalState = 'idle' | 'adjust' | 'good' | 'recording';

/**
 * The camera picture, mirrored like a mirror, with the oval the face goes in. Its children (the
 * guidance, the challenge prompt and the progress) sit on the picture, next to the oval, so they are
 * always on screen with it.
 */
export function CameraView({
  stream,
  videoRef,
  oval,
  children,
}: {
  stream: MediaStream;
  videoRef: RefObject<HTMLVideoElement | null>;
  oval: OvalState;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const attached = useRef<MediaStream | null>(null);
  useEffect(() => {
    const video = videoRef.current;
    if (!video || attached.current === stream) return;
    attached.current = stream;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
  }, [stream, videoRef]);

  // A rounded box whose huge shadow darkens everything around the oval; its numbers are the rules' OVAL.
  const ovalBox = {
    left: `${(OVAL.cx - OVAL.rx) * 100}%`,
    top: `${(OVAL.cy - OVAL.ry) * 100}%`,
    width: `${OVAL.rx * 200}%`,
    height: `${OVAL.ry * 200}%`,
  };
  return (
    <div className={`camera-view oval-${oval}`}>
      <video ref={videoRef} className="camera-video" muted playsInline autoPlay aria-label={t('video.cameraLabel')} />
      <div className="oval" style={ovalBox} aria-hidden="true" />
      {children}
    </div>
  );
}
