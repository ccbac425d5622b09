import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Guidance } from './guidance.rules.js';

export type GuideStatus = 'loading' | 'ready' | 'unavailable';

/** Consecutive well-placed looks before Start is enabled: one lucky frame is not "well placed". */
const GOOD_STREAK = 2;
const LOOK_EVERY_MS = 150;
/** A phone that cannot load the detector in this time gets the check without live hints. */
const LOAD_TIMEOUT_MS = 30_000;

export function useFaceGuidance(videoRef: RefObject<HTMLVideoElement | null>, viewAspect: number, active: boolean) {
  const [status, setStatus] = useState<GuideStatus>('loading');
  const [guidance, setGuidance] = useState<Guidance | null>(null);
  const [faces, setFaces] = useState<string>('');
  const [wellPlaced, setWellPlaced] = useState(false);
  const guide = useRef<import('./face-guide.js').FaceGuide | null>(null);

  useEffect(() => {
    let cancelled = false;
    const timeout = setTimeout(() => !cancelled && !guide.current && setStatus('unavailable'), LOAD_TIMEOUT_MS);
    import('./face-guide.js')
      .then(({ createFaceGuide }) => createFaceGuide())
      .then((created) => {
        if (cancelled) return;
        guide.current = created;
        setStatus('ready');
      })
      .catch(() => !cancelled && setStatus('unavailable'))
      .finally(() => clearTimeout(timeout));
    return () => {
      cancelled = true;
      clearTimeout(timeout);
    };
  }, []);

  useEffect(() => {
    if (!active || status !== 'ready') return;
    let stopped = false;
    let streak = 0;
    const look = async () => {
      while (!stopped) {
        const video = videoRef.current;
        if (video && guide.current) {
          try {
            const { guidance: next, faces: seen } = await guide.current.assess(video, viewAspect);
            if (stopped) return;
            setFaces(seen.map((f) => [f.x, f.y, f.width, f.height].map((n) => n.toFixed(2)).join(',')).join(' '));
            streak = next === 'good' ? streak + 1 : 0;
            setGuidance(next);
            setWellPlaced(streak >= GOOD_STREAK);
          } catch {
            setStatus('unavailable');
            return;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
      }
    };
    void look();
    return () => {
      stopped = true;
      setWellPlaced(false);
    };
  }, [active, status, videoRef, viewAspect]);

  return { status, guidance, faces, wellPlaced: status === 'unavailable' || wellPlaced };
}
