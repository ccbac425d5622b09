// The digital profile: what the state knows about the citizen, this sign-in's assurance, the sessions
// (revoke one, sign out, sign out everywhere), the activity, and "block my Digital ID".
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import { StepHeading } from '../components/StepHeading.js';
import { formatDate } from '../dates.js';
import { locale } from '../format.js';
import { accountApi, type ActivityEntry, type Me, type SessionView } from './accountApi.js';
import { describeAccountError } from './errors.js';
import { PasskeysSection } from './PasskeysSection.js';
import { PhoneChangeFlow } from './PhoneChangeFlow.js';
import { StepUpFlow } from './StepUpFlow.js';
import { ServicesSection } from '../oidc/ServicesSection.js';

function useDateFormat() {
  // Re-rendered on a language change; Kazakh is written out explicitly where the browser has no Kazakh data.
  useTranslation();
  return {
    date: (iso: string) => formatDate(new Date(`${iso}T00:00:00Z`), 'date', { tag: locale(), timeZone: 'UTC' }),
    clock: (iso: string) => formatDate(new Date(iso), 'clock', { tag: locale() }),
    time: (iso: string) => formatDate(new Date(iso), 'dateTime', { tag: locale() }),
  };
}

export function ProfilePage({ onSignedOut, onBlocked }: { onSignedOut: (notice: string) => void; onBlocked: () => void }) {
  const { t } = useTranslation();
  const format = useDateFormat();
  const [me, setMe] = useState<Me | null>(null);
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const [activity, setActivity] = useState<ActivityEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The face step-up and the change of phone take the page's place while they run; a change of phone
  // that needs a step-up first comes back to the phone once it passed.
  const [mode, setMode] = useState<'view' | 'stepUp' | 'stepUpForPhone' | 'phone'>('view');
  const [notice, setNotice] = useState<string | null>(null);

  const fail = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.code === 'SESSION_REQUIRED') return onSignedOut(t('account:errors.SESSION_REQUIRED'));
      setError(describeAccountError(t, err));
    },
    [onSignedOut, t],
  );
  /** A section's failure that ends the page: the session is gone. */
  const sessionGone = useCallback(
    (err: unknown) => {
      if (!(err instanceof ApiError && err.code === 'SESSION_REQUIRED')) return false;
      onSignedOut(t('account:errors.SESSION_REQUIRED'));
      return true;
    },
    [onSignedOut, t],
  );

  const load = useCallback(async () => {
    try {
      const profile = await accountApi.me();
      const [list, events] = await Promise.all([accountApi.sessions(), accountApi.activity()]);
      setMe(profile);
      setSessions(list.sessions);
      setActivity(events.events);
    } catch (err) {
      fail(err);
    }
  }, [fail]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    document.title = `${t('account:titles.profile')} · ${t('app.name')}`;
  }, [t]);

  const act = async (action: () => Promise<unknown>, after: 'reload' | 'blocked' | { signedOut: string }) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      if (after === 'reload') await load();
      else if (after === 'blocked') onBlocked();
      else onSignedOut(after.signedOut);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  if (!me) {
    return error ? (
      <p className="error" role="alert">
        {error}
      </p>
    ) : (
      <p role="status">{t('common.sending')}</p>
    );
  }

  const show = (next: typeof mode, message: string | null = null) => {
    setMode(next);
    setNotice(message);
    setError(null);
    window.scrollTo(0, 0);
  };

  if (mode === 'stepUp' || mode === 'stepUpForPhone') {
    return (
      <StepUpFlow
        intro={mode === 'stepUpForPhone' ? t('account:phoneChange.stepUpFirst') : t('account:stepUp.intro')}
        onPassed={(result) => {
          void load();
          show(mode === 'stepUpForPhone' ? 'phone' : 'view', result.assuranceUntil ? t('account:stepUp.passed', { time: format.clock(result.assuranceUntil) }) : null);
        }}
        onCancel={() => show('view')}
        onSignedOut={onSignedOut}
      />
    );
  }
  if (mode === 'phone') {
    return (
      <>
        {notice && (
          <p className="success" role="status">
            {notice}
          </p>
        )}
        <PhoneChangeFlow
          iinMasked={me?.iin ?? me?.iinMasked ?? ''}
          onChanged={(phoneMasked) => {
            void load();
            show('view', t('account:phoneChange.done', { phone: phoneMasked }));
          }}
          onCancel={() => show('view')}
          onNeedStepUp={() => show('stepUpForPhone')}
          onSignedOut={onSignedOut}
        />
      </>
    );
  }

  const browserName = (s: SessionView) => {
    const browser = s.browser.name ?? t('account:profile.unknownBrowser');
    return s.browser.os ? t('account:profile.on', { browser, os: s.browser.os }) : browser;
  };

  return (
    <div className="profile">
      <StepHeading>{t('account:profile.title')}</StepHeading>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      <section aria-labelledby="profile-person">
        <h2 id="profile-person">{t('account:profile.person')}</h2>
        <dl className="profile-data">
          <dt>{t('account:profile.lastName')}</dt>
          <dd>{me.lastName}</dd>
          <dt>{t('account:profile.firstName')}</dt>
          <dd>{me.firstName}</dd>
          {me.middleName && (
            <>
              <dt>{t('account:profile.middleName')}</dt>
              <dd>{me.middleName}</dd>
            </>
          )}
          <dt>{t('account:profile.birthDate')}</dt>
          <dd>{format.date(me.birthDate)}</dd>
          <dt>{t('account:profile.sex')}</dt>
          <dd>{me.sex === 'M' ? t('account:profile.sexM') : t('account:profile.sexF')}</dd>
          <dt>{t('account:profile.iin')}</dt>
          <dd className="mono" data-testid="profile-iin">
            {me.iin ?? me.iinMasked}
          </dd>
          <dt>{t('account:profile.phone')}</dt>
          <dd className="mono">{me.phoneMasked}</dd>
          <dt>{t('account:profile.registered')}</dt>
          <dd>
            {format.time(me.registeredAt)}, {t(`account:profile.registeredBy.${me.registeredBy}`)}
          </dd>
          <dt>{t('account:profile.assurance')}</dt>
          <dd>
            <span className={`assurance assurance-${me.assurance}`} data-testid="profile-assurance">
              {t(`account:profile.assuranceLevel.${me.assurance}`)}
            </span>
            {me.assuranceUntil && <span className="hint"> {t('account:stepUp.until', { time: format.clock(me.assuranceUntil) })}</span>}
          </dd>
        </dl>
        <div className="account-actions">
          {me.assurance !== 'high' && (
            <button type="button" className="primary" disabled={busy} onClick={() => show('stepUp')}>
              {t('account:stepUp.button')}
            </button>
          )}
          <button type="button" className="secondary" disabled={busy} onClick={() => show(me.assurance === 'high' ? 'phone' : 'stepUpForPhone')}>
            {t('account:phoneChange.button')}
          </button>
        </div>
        {me.assurance !== 'high' && <p className="hint">{t('account:stepUp.intro')}</p>}
      </section>

      <section aria-labelledby="profile-sessions">
        <h2 id="profile-sessions">{t('account:profile.sessions')}</h2>
        <ul className="session-list">
          {sessions.map((s) => (
            <li key={s.id} className="session-item" data-session-id={s.id}>
              <p className="session-device">
                <strong>{browserName(s)}</strong>
                {s.current && <span className="badge">{t('account:profile.thisDevice')}</span>}
              </p>
              <p className="hint">
                {t('account:profile.since', { time: format.time(s.createdAt) })} · {t('account:profile.lastSeen', { time: format.time(s.lastSeenAt) })}
                {s.ipMasked && <> · {t('account:profile.address', { ip: s.ipMasked })}</>}
              </p>
              {!s.current && (
                <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => accountApi.revoke(s.id), 'reload')}>
                  {t('account:profile.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
        <div className="account-actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void act(() => accountApi.logout(false), { signedOut: t('account:profile.signedOut') })}>
            {t('account:profile.signOut')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => accountApi.logout(true), { signedOut: t('account:profile.signedOut') })}>
            {t('account:profile.signOutEverywhere')}
          </button>
        </div>
      </section>

      <PasskeysSection formatTime={format.time} onChanged={() => void load()} onFailure={sessionGone} />

      <ServicesSection formatTime={format.time} onFailure={sessionGone} />

      <section aria-labelledby="profile-activity">
        <h2 id="profile-activity">{t('account:profile.activity')}</h2>
        {activity.length === 0 ? (
          <p>{t('account:profile.noActivity')}</p>
        ) : (
          <ul className="activity-list">
            {activity.map((event) => (
              <li key={event.id}>
                <span>
                  {event.type === 'signin.failed' && event.method?.startsWith('passkey_')
                    ? t('account:passkeys.failedSignin')
                    : t(`account:profile.activityType.${event.type}`, { defaultValue: event.type })}
                </span>
                {event.type === 'session.started' && event.method && <span> {t(`account:profile.method.${event.method}`, { defaultValue: '' })}</span>}
                <span className="hint">
                  {' '}
                  · {format.time(event.at)}
                  {event.ipMasked && ` · ${event.ipMasked}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="profile-block" className="danger-zone">
        <h2 id="profile-block">{t('account:profile.block')}</h2>
        <p>{t('account:profile.blockIntro')}</p>
        <button
          type="button"
          className="secondary danger"
          disabled={busy}
          onClick={() => {
            if (window.confirm(t('account:profile.blockConfirm'))) void act(() => accountApi.block(), 'blocked');
          }}
        >
          {t('account:profile.block')}
        </button>
      </section>
    </div>
  );
}
