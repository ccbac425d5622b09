// The citizen's registration wizard: one step at a time, driven by the registration's state on the server.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, serverNow, type RegistrationState } from './api.js';
import { AssistantButton } from './components/AssistantButton.js';
import { Layout } from './components/Layout.js';
import { loadSession, saveSession, type Session } from './session.js';
import { currentLanguage } from './i18n/index.js';
import { BmgMismatchStep } from './steps/bmg-mismatch/BmgMismatchStep.js';
import { CameraStep } from './steps/camera/CameraStep.js';
import { CodeStep } from './steps/code/CodeStep.js';
import { DoneStep, RejectedStep, ReviewStep } from './steps/done/DoneStep.js';
import { IinStep } from './steps/iin/IinStep.js';
import { LockedStep } from './steps/locked/LockedStep.js';
import { PhoneStep } from './steps/phone/PhoneStep.js';
import { registrationChecks, VideoCheckStep } from './steps/video-check/VideoCheckStep.js';
import { StartChoice } from './account/StartChoice.js';

type Step = 'restoring' | 'phone' | 'code' | 'iin' | 'bmgMismatch' | 'camera' | 'videoCheck' | 'locked' | 'review' | 'done' | 'rejected';

const STEP_NUMBER: Record<Step, number | null> = {
  restoring: null,
  phone: 1,
  code: 2,
  iin: 3,
  bmgMismatch: 3,
  camera: 4,
  videoCheck: 5,
  locked: 5,
  review: 6,
  done: 6,
  rejected: null,
};
const TOTAL_STEPS = 6;

/**
 * Where the browser's Back button may lead from a step. Each step is its own history entry, but Back
 * never returns past a step the server has completed (a confirmed code, a confirmed IIN, a finished
 * check): only to the phone step before the code is confirmed (another number), from the BMG page to
 * the IIN, and from the recording to the camera permission.
 */
const BACK_TO: Partial<Record<Step, Step>> = { code: 'phone', bmgMismatch: 'iin', videoCheck: 'camera' };

function isStep(value: unknown): value is Step {
  return typeof value === 'string' && value in STEP_NUMBER && value !== 'restoring';
}

function isLocked(lockedUntil: string | null | undefined): lockedUntil is string {
  return typeof lockedUntil === 'string' && Date.parse(lockedUntil) > serverNow();
}

function stepForState(state: RegistrationState): Step {
  switch (state) {
    case 'AWAITING_OTP':
      return 'code';
    case 'AWAITING_IIN':
      return 'iin';
    case 'AWAITING_VIDEO_CHECK':
      return 'camera';
    case 'UNDER_REVIEW':
      return 'review';
    case 'COMPLETED':
      return 'done';
    case 'REJECTED':
      return 'rejected';
  }
}

export function App() {
  const { t, i18n } = useTranslation();
  const [session, setSessionState] = useState<Session | null>(loadSession);
  const [step, setStep] = useState<Step>(() => (loadSession() ? 'restoring' : 'phone'));
  const [bmgIin, setBmgIin] = useState('');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // "Change the number" comes back to the phone step with the number still there to correct.
  const [lastPhone, setLastPhone] = useState<string | undefined>(undefined);
  const [lockedUntil, setLockedUntil] = useState<string | null>(null);
  const firstStep = useRef(true);
  const stepRef = useRef(step);
  stepRef.current = step;
  // The step shown last, and whether the current one came from the Back/Forward buttons.
  const shownStep = useRef<Step | null>(null);
  const fromHistory = useRef(false);

  const setSession = (next: Session | null) => {
    saveSession(next);
    setSessionState(next);
  };

  // After a reload, continue where the registration is.
  useEffect(() => {
    if (step !== 'restoring' || !session) return;
    api
      .get(session.id, session.token)
      .then((registration) => {
        if (registration.person?.maskedName) setSession({ ...session, maskedName: registration.person.maskedName });
        // A lock survives the reload: its countdown at once, not the camera first.
        if (registration.state === 'AWAITING_VIDEO_CHECK' && isLocked(registration.lockedUntil)) {
          setLockedUntil(registration.lockedUntil);
          setStep('locked');
        } else setStep(stepForState(registration.state));
      })
      .catch((error) => {
        if (error instanceof ApiError && error.code === 'NETWORK') return setStep('phone');
        setSession(null);
        setStep('phone');
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Each step is its own history entry (the first shown one replaces the page's entry).
  useEffect(() => {
    if (step === 'restoring') return;
    const previous = shownStep.current;
    shownStep.current = step;
    if (fromHistory.current) {
      fromHistory.current = false;
      return;
    }
    if (previous === null || previous === 'restoring') history.replaceState({ step }, '');
    else if (previous !== step) history.pushState({ step }, '');
  }, [step]);

  useEffect(() => {
    const onPopState = (event: PopStateEvent) => {
      const target: unknown = event.state?.step;
      const current = stepRef.current;
      if (target === current) return;
      if (isStep(target) && BACK_TO[current] === target) {
        fromHistory.current = true;
        if (target === 'phone') {
          setSession(null);
          setNotice(null);
        }
        setStep(target);
        return;
      }
      // Not allowed (back past a completed step, or forward): stay, and put the step's entry back.
      history.pushState({ step: current }, '');
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The page title names the step: "Шаг 3 из 6 — ИИН · Digital ID".
  useEffect(() => {
    const n = STEP_NUMBER[step];
    const name = t(`titles.${step}`);
    document.title = n === null ? `${name} · ${t('app.name')}` : `${t('app.step', { n, total: TOTAL_STEPS })} — ${name} · ${t('app.name')}`;
  }, [step, t, i18n.language]);

  // Move focus to the new step's heading so keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    // A new step starts at the top of the page, with the header in view.
    window.scrollTo(0, 0);
    document.getElementById('step-heading')?.focus({ preventScroll: true });
  }, [step]);

  // The camera stays open from the permission step through the video check, and closes after.
  useEffect(() => {
    if (stream && step !== 'videoCheck') {
      stream.getTracks().forEach((track) => track.stop());
      setStream(null);
    }
  }, [step, stream]);

  const startOver = (message: string | null = null) => {
    setSession(null);
    setNotice(message);
    setStep('phone');
  };

  let content;
  switch (step) {
    case 'restoring':
      content = <p role="status">{t('common.sending')}</p>;
      break;
    case 'phone':
      content = (
        <>
          <StartChoice />
          {notice && (
            <p className="notice" role="alert">
              {notice}
            </p>
          )}
          <PhoneStep
            initialPhone={session?.phone ?? lastPhone}
            onStarted={(phone, started) => {
              setNotice(null);
              setLastPhone(phone);
              setSession({ id: started.id, token: started.token, phone, otp: started.otp });
              setStep('code');
            }}
          />
        </>
      );
      break;
    case 'code':
      content = session && (
        <CodeStep
          session={session}
          onOtpChanged={(otp) => setSession({ ...session, otp })}
          onVerified={() => setStep('iin')}
          onChangePhone={() => startOver()}
          onSessionLost={startOver}
        />
      );
      break;
    case 'iin':
      content = session && (
        <IinStep
          session={session}
          onConfirmed={(iin, maskedName, until) => {
            setSession({ ...session, iin, maskedName });
            // A lock from earlier failed checks of this person or phone shows before the camera.
            if (isLocked(until)) {
              setLockedUntil(until);
              setStep('locked');
            } else setStep('camera');
          }}
          onBmgMismatch={(iin) => {
            setBmgIin(iin);
            setStep('bmgMismatch');
          }}
          onSessionLost={startOver}
        />
      );
      break;
    case 'bmgMismatch':
      content = <BmgMismatchStep onStartOver={() => startOver()} />;
      break;
    case 'camera':
      content = (
        <CameraStep
          maskedName={session?.maskedName}
          onCamera={(opened) => {
            setStream(opened);
            setStep('videoCheck');
          }}
        />
      );
      break;
    case 'videoCheck':
      content =
        session && stream ? (
          <VideoCheckStep
            checks={registrationChecks(session)}
            stream={stream}
            onPassed={() => setStep('done')}
            onUnderReview={() => setStep('review')}
            onLocked={(until) => {
              setLockedUntil(until);
              setStep('locked');
            }}
            onSessionLost={startOver}
          />
        ) : null;
      break;
    case 'locked':
      content = <LockedStep lockedUntil={lockedUntil} onRetry={() => setStep('camera')} />;
      break;
    case 'review':
      content = session && <ReviewStep phone={session.phone} />;
      break;
    case 'done':
      content = <DoneStep maskedName={session?.maskedName} registration={session ?? undefined} />;
      break;
    case 'rejected':
      content = <RejectedStep onStartOver={() => startOver()} />;
      break;
  }

  return (
    <Layout step={STEP_NUMBER[step]} total={TOTAL_STEPS} aside={
        step === 'bmgMismatch' && session ? (
          <AssistantButton phone={session.phone} iin={bmgIin} send={() => api.createAssistantTicket({ registrationId: session.id, iin: bmgIin, language: currentLanguage() }, session.token)} />
        ) : undefined
      }>
      {content}
    </Layout>
  );
}
