// The video check in the browser: guide the face into the oval, capture the frames the server asks for
// while showing each challenge in its slot, submit, show the outcome. Used by the registration wizard
// and by the profile's face step-up: `checks` says which server check it talks to.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type VideoCheck } from '../../api.js';
import { StepHeading } from '../../components/StepHeading.js';
import { describeError } from '../../format.js';
import type { Session } from '../../session.js';
import { CameraView, type OvalState } from './CameraView.js';
import { capturePlan, captureFrames, promptIndex, toForm, type CapturePlan } from './capture.js';
import { useFaceGuidance } from './useFaceGuidance.js';

type Phase =
  | { kind: 'positioning' }
  | { kind: 'starting' }
  | { kind: 'recording'; plan: CapturePlan; frame: number }
  | { kind: 'sending' }
  | { kind: 'retry'; reasons: string[]; attemptsLeft: number | null }
  | { kind: 'error'; message: string };

/** The view is 3:4 (portrait), like a phone held upright; see .camera-view in styles.css. */
const VIEW_ASPECT = 3 / 4;

/** What a video check's answer must say; the registration's and the step-up's both do. */
export interface CheckResult {
  outcome: 'PASSED' | 'RETRY' | 'UNDER_REVIEW' | 'LOCKED';
  reasons?: string[];
  attemptsLeft?: number;
  lockedUntil?: string;
}

/** The server check the step talks to: issue one, submit its frames. */
export interface VideoChecks<R extends CheckResult = CheckResult> {
  start(): Promise<VideoCheck>;
  submit(checkId: string, form: FormData): Promise<R>;
}

/** The registration's video check. */
export function registrationChecks(session: Session): VideoChecks {
  return {
    start: () => api.startVideoCheck(session.id, session.token),
    submit: (checkId, form) => api.submitVideoCheck(session.id, session.token, checkId, form),
  };
}

/** Errors after which this check cannot go on: the registration or the session is gone. */
const LOST = ['UNAUTHORIZED', 'REGISTRATION_NOT_FOUND', 'REGISTRATION_EXPIRED', 'INVALID_STATE', 'SESSION_REQUIRED'];

export function VideoCheckStep<R extends CheckResult>({
  checks,
  stream,
  title,
  onPassed,
  onUnderReview,
  onLocked,
  onSessionLost,
}: {
  checks: VideoChecks<R>;
  stream: MediaStream;
  title?: string;
  onPassed: (result: R) => void;
  onUnderReview?: () => void;
  onLocked: (lockedUntil: string | null) => void;
  onSessionLost: (message: string) => void;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'positioning' });
  const { status, guidance, faces, wellPlaced } = useFaceGuidance(video, VIEW_ASPECT, phase.kind === 'positioning');
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const showResult = (result: R) => {
    if (result.outcome === 'PASSED') return onPassed(result);
    if (result.outcome === 'UNDER_REVIEW' && onUnderReview) return onUnderReview();
    if (result.outcome === 'LOCKED') return onLocked(result.lockedUntil ?? null);
    setPhase({ kind: 'retry', reasons: result.reasons ?? [], attemptsLeft: typeof result.attemptsLeft === 'number' ? result.attemptsLeft : null });
  };

  const fail = (error: unknown) => {
    if (error instanceof ApiError && error.code === 'LOCKED') {
      const until = error.details.lockedUntil;
      return onLocked(typeof until === 'string' ? until : null);
    }
    if (error instanceof ApiError && LOST.includes(error.code)) {
      return onSessionLost(describeError(t, error));
    }
    setPhase({ kind: 'error', message: describeError(t, error) });
  };

  const start = async () => {
    setPhase({ kind: 'starting' });
    try {
      const check = await checks.start();
      const plan = capturePlan(check);
      setPhase({ kind: 'recording', plan, frame: 0 });
      abort.current = new AbortController();
      const element = video.current;
      if (!element) throw new Error('camera view is gone');
      const { frames, timestamps } = await captureFrames(element, plan, check.capture.maxFrameBytes, (frame) => setPhase({ kind: 'recording', plan, frame: frame + 1 }), abort.current.signal);
      setPhase({ kind: 'sending' });
      showResult(await checks.submit(check.checkId, toForm(frames, timestamps)));
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      fail(error);
    }
  };

  const oval: OvalState = phase.kind === 'recording' ? 'recording' : phase.kind !== 'positioning' ? 'idle' : guidance === 'good' || status === 'unavailable' ? 'good' : guidance ? 'adjust' : 'idle';
  const showCamera = phase.kind === 'positioning' || phase.kind === 'starting' || phase.kind === 'recording' || phase.kind === 'sending';

  return (
    <section className="video-check">
      <StepHeading>{title ?? t('video.title')}</StepHeading>
      {showCamera && (
        <CameraView stream={stream} videoRef={video} oval={oval}>
          {phase.kind === 'positioning' && (
            <p className={`guidance camera-caption guidance-${guidance ?? 'loading'}`} role="status" aria-live="polite" data-faces={faces}>
              {status === 'loading' ? t('video.loading') : status === 'unavailable' ? t('video.guidance.unavailable') : guidance ? t(`video.guidance.${guidance}`) : t('video.loading')}
            </p>
          )}
          {phase.kind === 'starting' && (
            <p className="guidance camera-caption" role="status">
              {t('common.sending')}
            </p>
          )}
          {phase.kind === 'recording' && <Recording plan={phase.plan} frame={phase.frame} />}
          {phase.kind === 'sending' && (
            <p className="guidance camera-caption" role="status" aria-live="polite">
              {t('video.sending')}
            </p>
          )}
        </CameraView>
      )}
      {phase.kind === 'positioning' && (
        <>
          <button type="button" className="primary video-start" disabled={!wellPlaced} onClick={() => void start()}>
            {t('video.start')}
          </button>
          <p className="hint video-intro">{t('video.intro')}</p>
        </>
      )}
      {phase.kind === 'retry' && <Retry reasons={phase.reasons} attemptsLeft={phase.attemptsLeft} onRetry={() => setPhase({ kind: 'positioning' })} />}
      {phase.kind === 'error' && (
        <div className="outcome">
          <p className="error" role="alert">
            {phase.message}
          </p>
          <button type="button" className="primary" onClick={() => setPhase({ kind: 'positioning' })}>
            {t('video.retry')}
          </button>
        </div>
      )}
    </section>
  );
}

function Recording({ plan, frame }: { plan: CapturePlan; frame: number }) {
  const { t } = useTranslation();
  const index = promptIndex(plan, Math.min(frame, plan.frameCount - 1));
  const prompt = plan.prompts[index];
  const percent = Math.round((frame / plan.frameCount) * 100);
  return (
    <div className="recording">
      <div className="prompt-box">
        {plan.prompts.length > 1 && <p className="prompt-count">{t('video.promptCount', { n: index + 1, total: plan.prompts.length })}</p>}
        <p className="prompt" role="status" aria-live="assertive">
          {t(`video.challenge.${prompt}`, { defaultValue: t('video.challenge.unknown') })}
        </p>
      </div>
      <div className="progress" role="progressbar" aria-label={t('video.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

function Retry({ reasons, attemptsLeft, onRetry }: { reasons: string[]; attemptsLeft: number | null; onRetry: () => void }) {
  const { t } = useTranslation();
  const texts = [...new Set((reasons.length ? reasons : ['unknown']).map((reason) => t(`video.reasons.${reason}`, { defaultValue: t('video.reasons.unknown') })))];
  return (
    <div className="outcome" role="alert">
      <h2>{t('video.retryTitle')}</h2>
      <ul className="reasons">
        {texts.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
      {attemptsLeft !== null && <p className="attempts">{t('video.attemptsLeft', { count: attemptsLeft })}</p>}
      <button type="button" className="primary" onClick={onRetry}>
        {t('video.retry')}
      </button>
    </div>
  );
}
