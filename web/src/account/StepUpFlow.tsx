// "Confirm with your face": the registration's camera and video-check steps, talking to the step-up
// check of the signed-in citizen. A pass raises this sign-in to high for 15 minutes.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CameraStep } from '../steps/camera/CameraStep.js';
import { LockedStep } from '../steps/locked/LockedStep.js';
import { VideoCheckStep, type VideoChecks } from '../steps/video-check/VideoCheckStep.js';
import { accountApi, type StepUpResult } from './accountApi.js';

const stepUpChecks: VideoChecks<StepUpResult> = {
  start: () => accountApi.startStepUp(),
  submit: (checkId, form) => accountApi.submitStepUp(checkId, form),
};

type Phase = { kind: 'camera' } | { kind: 'check'; stream: MediaStream } | { kind: 'locked'; until: string | null };

export function StepUpFlow({ intro, onPassed, onCancel, onSignedOut }: { intro?: string; onPassed: (result: StepUpResult) => void; onCancel: () => void; onSignedOut: (message: string) => void }) {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'camera' });
  const stream = phase.kind === 'check' ? phase.stream : null;
  // The camera is switched off as soon as the check is over (or left).
  useEffect(() => () => stream?.getTracks().forEach((track) => track.stop()), [stream]);

  return (
    <div className="step-up">
      {intro && <p className="notice">{intro}</p>}
      {phase.kind === 'camera' && <CameraStep onCamera={(opened) => setPhase({ kind: 'check', stream: opened })} />}
      {phase.kind === 'check' && (
        <VideoCheckStep
          checks={stepUpChecks}
          stream={phase.stream}
          title={t('account:stepUp.title')}
          onPassed={onPassed}
          onLocked={(until) => setPhase({ kind: 'locked', until })}
          onSessionLost={onSignedOut}
        />
      )}
      {phase.kind === 'locked' && <LockedStep lockedUntil={phase.until} onRetry={() => setPhase({ kind: 'camera' })} />}
      <button type="button" className="secondary step-up-cancel" onClick={onCancel}>
        {t('account:stepUp.cancel')}
      </button>
    </div>
  );
}
