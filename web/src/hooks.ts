import { useEffect, useState } from 'react';
import { serverNow } from './api.js';

/** Seconds left until a server timestamp (ISO or ms), ticking once a second; 0 when passed. */
export function useSecondsUntil(deadline: string | number | null | undefined): number {
  const target = typeof deadline === 'string' ? Date.parse(deadline) : (deadline ?? NaN);
  const compute = () => (Number.isFinite(target) ? Math.max(0, Math.ceil((target - serverNow()) / 1000)) : 0);
  const [seconds, setSeconds] = useState(compute);
  useEffect(() => {
    setSeconds(compute());
    if (!Number.isFinite(target)) return;
    const timer = setInterval(() => {
      const left = compute();
      setSeconds(left);
      if (left <= 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target]);
  return seconds;
}
