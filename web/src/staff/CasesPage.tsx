// Moderation: the queue of open cases (oldest first, time to the 24-hour target) and one case with its
// evidence and the decision form.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { staffApi, type CaseDetail, type CaseSummary, type DecisionReasons, type LivenessEvidence, type StaffMe } from './staffApi.js';
import { navigate, type OnError } from './StaffApp.js';
import { formatScore, formatTime, humanize, locale, timeLeft } from './format.js';
import { STAFF_NS } from './i18n.js';
import { ErrorLine, ListBody, useAction } from './parts.js';

export function CaseQueue({ onError }: { onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [status, setStatus] = useState('open');
  const [claim, setClaim] = useState('all');
  const [overdue, setOverdue] = useState(false);
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    const query = new URLSearchParams({ status, claim, ...(overdue ? { overdue: 'true' } : {}) });
    staffApi
      .cases(query.toString())
      .then((r) => {
        setCases(r.cases);
        setError(null);
      })
      .catch((e) => setError(onError(e)));
  }, [status, claim, overdue, onError]);
  useEffect(load, [load]);

  return (
    <section>
      <h1>{t('cases.heading')}</h1>
      <div className="staff-filters">
        <label>
          {t('cases.filterStatus')}{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {(['open', 'approved', 'rejected'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`cases.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cases.filterClaim')}{' '}
          <select value={claim} onChange={(e) => setClaim(e.target.value)}>
            {(['all', 'mine', 'unclaimed'] as const).map((c) => (
              <option key={c} value={c}>
                {t(`cases.claim.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {t('cases.overdueOnly')}
        </label>
        <button type="button" className="secondary" onClick={load}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorLine error={error} />
      <ListBody items={cases}>
        {(rows) => (
        <table className="staff-table">
          <thead>
            <tr>
              <th>{t('cases.created')}</th>
              <th>{t('cases.timeLeft')}</th>
              <th>{t('cases.citizen')}</th>
              <th>{t('cases.similarity')}</th>
              <th>{t('cases.liveness')}</th>
              <th>{t('cases.takenBy')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-case-id={c.id}>
                <td data-label={t('cases.created')}>{formatTime(c.createdAt)}</td>
                <td data-label={t('cases.timeLeft')} className={c.secondsLeft < 0 ? 'overdue' : c.secondsLeft < 3 * 3600 ? 'due-soon' : undefined}>
                  {c.status === 'open' ? timeLeft(t, c.secondsLeft) : t(`cases.status.${c.status}`)}
                </td>
                <td data-label={t('cases.citizen')}>
                  {c.citizen.maskedName ?? '—'} · {c.citizen.phone}
                </td>
                <td data-label={t('cases.similarity')}>{formatScore(c.similarity)}</td>
                <td data-label={t('cases.liveness')}>{formatScore(c.livenessScore)}</td>
                <td data-label={t('cases.takenBy')}>{c.claimedBy ?? '—'}</td>
                <td className="row-action">
                  <a href={`/staff/cases/${c.id}`} onClick={(e) => (e.preventDefault(), navigate(`/staff/cases/${c.id}`))}>
                    {t('cases.open')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        )}
      </ListBody>
    </section>
  );
}

interface TraceStep {
  challenge?: string;
  met?: boolean;
  atMs?: number | null;
  detail?: string;
}

/** The challenges the citizen was asked to perform, in order, each done or not, with the measurement. */
function ChallengeTrace({ value }: { value: unknown[] }) {
  const { t } = useTranslation(STAFF_NS);
  if (value.length === 0) return <p>{t('trace.none')}</p>;
  return (
    <ol className="trace">
      {(value as TraceStep[]).map((step, i) => (
        <li key={i}>
          <strong>{t(`challenges.${step.challenge}`, { defaultValue: humanize(String(step.challenge ?? '—')) })}</strong>
          {': '}
          <span className={step.met ? 'success' : 'overdue'}>{step.met ? t('trace.met') : t('trace.notMet')}</span>
          {typeof step.atMs === 'number' && <> · {t('trace.at', { seconds: (step.atMs / 1000).toLocaleString(locale(), { maximumFractionDigits: 1 }) })}</>}
          {step.detail && (
            <>
              <br />
              <small className="trace-detail">{step.detail}</small>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

export function CaseView({ id, me, onError }: { id: string; me: StaffMe; onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [reasons, setReasons] = useState<DecisionReasons>({ approve: [], reject: [] });
  // Nothing is pre-selected: the moderator chooses, and approving a mismatch is confirmed once more.
  const [decision, setDecision] = useState<'approve' | 'reject' | null>(null);
  const { busy, error, setError, act } = useAction(onError);
  const confirmDialog = useRef<HTMLDialogElement>(null);
  const pending = useRef<{ reason: string; note: string } | null>(null);

  const load = useCallback(() => {
    staffApi
      .case(id)
      .then((r) => {
        setDetail(r.case);
        setReasons(r.reasons);
      })
      .catch((e) => setError(onError(e)));
  }, [id, onError]);
  useEffect(load, [load]);


  const record = (choice: 'approve' | 'reject', reason: string, note: string) => void act(() => staffApi.decide(id, choice, reason, note), load);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!decision) {
      setError(t('case.chooseDecision'));
      return;
    }
    const form = new FormData(event.currentTarget);
    const reason = String(form.get('reason') ?? '');
    const note = String(form.get('note') ?? '');
    if (decision === 'approve') {
      pending.current = { reason, note };
      confirmDialog.current?.showModal();
      return;
    }
    record(decision, reason, note);
  };

  const confirmApprove = () => {
    confirmDialog.current?.close();
    if (pending.current) record('approve', pending.current.reason, pending.current.note);
    pending.current = null;
  };

  if (!detail) {
    return (
      <section>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
      </section>
    );
  }
  const mine = detail.claimedBy === me.staff.login;
  const open = detail.status === 'open';
  const evidence = detail.evidence;

  return (
    <section className="case-view">
      <p>
        <a href="/staff/cases" onClick={(e) => (e.preventDefault(), navigate('/staff/cases'))}>
          ← {t('common.back')}
        </a>
      </p>
      <h1>{t('case.heading', { id: id.slice(0, 8).toUpperCase() })}</h1>
      <p className={detail.secondsLeft < 0 && open ? 'overdue' : undefined}>
        {open ? timeLeft(t, detail.secondsLeft) : t('case.decided', { status: t(`cases.status.${detail.status}`), by: detail.decidedBy ?? '—', at: formatTime(detail.decidedAt) })}
      </p>
      {evidence ? (
        <div className="evidence">
          <figure>
            <figcaption>{t('case.reference')}</figcaption>
            {evidence.referencePhoto ? <img src={evidence.referencePhoto} alt={t('case.reference')} className="reference-photo" /> : '—'}
          </figure>
          <figure>
            <figcaption>{t('case.frames')}</figcaption>
            <div className="frames">
              {evidence.frames.map((src, i) => (
                <img key={i} src={src} alt={`${t('case.frames')} ${i + 1}`} />
              ))}
            </div>
          </figure>
        </div>
      ) : (
        <p className="notice">{t('case.evidenceGone')}</p>
      )}
      <div className="case-facts">
        <div>
          <h2>{t('case.scores')}</h2>
          <dl>
            <dt>{t('cases.similarity')}</dt>
            <dd>{formatScore(detail.similarity)}</dd>
            <dt>{t('cases.liveness')}</dt>
            <dd>{formatScore(detail.livenessScore)}</dd>
            {evidence &&
              Object.entries(evidence.scores)
                // Similarity and liveness are shown above from the case itself.
                .filter(([k]) => k !== 'similarity' && k !== 'liveness' && k !== 'livenessScore')
                .map(([k, v]) => (
                  <div key={k} className="dl-row">
                    <dt>{t(`evidence.${k}`, { defaultValue: humanize(k) })}</dt>
                    <dd>{typeof v === 'number' ? formatScore(v) : JSON.stringify(v)}</dd>
                  </div>
                ))}
          </dl>
          <h2>{t('case.reasonsFromCheck')}</h2>
          {detail.reasons.length > 0 ? (
            <ul className="check-reasons">
              {detail.reasons.map((r) => (
                <li key={r}>{t(`checkReasons.${r}`, { defaultValue: humanize(r) })}</li>
              ))}
            </ul>
          ) : (
            <p>—</p>
          )}
        </div>
        <div>
          <h2>{t('case.citizen')}</h2>
          <dl>
            <dt>{t('case.name')}</dt>
            <dd>{detail.citizen.maskedName ?? '—'}</dd>
            <dt>{t('case.phone')}</dt>
            <dd>{detail.citizen.phone}</dd>
            <dt>{t('case.iin')}</dt>
            <dd>{detail.citizen.iin ?? '—'}</dd>
            <dt>{t('case.language')}</dt>
            <dd>{t(`languages.${detail.citizen.language}`, { defaultValue: detail.citizen.language })}</dd>
          </dl>
        </div>
        {evidence && (
          <div>
            <h2>{t('case.trace')}</h2>
            <ChallengeTrace value={evidence.challengeTrace} />
          </div>
        )}
        {evidence?.liveness && <LivenessTable evidence={evidence.liveness} />}
      </div>
      <ErrorLine error={error} />
      {open && (
        <div className="decision">
          <h2>{t('case.decision')}</h2>
          {!mine && (
            <p>
              {detail.claimedBy ? `${t('cases.takenBy')}: ${detail.claimedBy}. ` : ''}
              {t('case.claimFirst')}{' '}
              <button type="button" className="primary" disabled={busy} onClick={() => void act(() => staffApi.claimCase(id), load)}>
                {t('common.claim')}
              </button>
            </p>
          )}
          {mine && (
            <form onSubmit={submit} className="staff-form">
              <fieldset className="decision-choice">
                <legend className="visually-hidden">{t('case.decision')}</legend>
                <label>
                  <input type="radio" name="decision" value="approve" checked={decision === 'approve'} onChange={() => setDecision('approve')} /> {t('case.approve')}
                </label>
                <label>
                  <input type="radio" name="decision" value="reject" checked={decision === 'reject'} onChange={() => setDecision('reject')} /> {t('case.reject')}
                </label>
              </fieldset>
              <div className="field">
                <label htmlFor="decision-reason">{t('case.reason')}</label>
                <select id="decision-reason" name="reason" required defaultValue="" key={decision ?? 'none'} disabled={!decision}>
                  <option value="" disabled>
                    {decision ? t('case.chooseReason') : t('case.chooseDecision')}
                  </option>
                  {(decision ? reasons[decision] : []).map((r) => (
                    <option key={r} value={r}>
                      {t(`reasons.${decision}.${r}`, { defaultValue: r })}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="decision-note">{t('case.note')}</label>
                <textarea id="decision-note" name="note" maxLength={1000} rows={3} />
              </div>
              <div className="actions">
                <button type="submit" className="primary" disabled={busy}>
                  {t('case.submit')}
                </button>
                <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => staffApi.releaseCase(id), load)}>
                  {t('common.release')}
                </button>
              </div>
            </form>
          )}
          <dialog ref={confirmDialog} className="modal" aria-labelledby="confirm-title" aria-describedby="confirm-text">
            <h2 id="confirm-title">{t('case.confirmTitle')}</h2>
            <p id="confirm-text">{t('case.confirmText', { similarity: formatScore(detail.similarity), threshold: formatScore(Number(evidence?.scores.matchThreshold ?? NaN)) })}</p>
            <div className="actions">
              <button type="button" className="primary" onClick={confirmApprove}>
                {t('case.confirmYes')}
              </button>
              <button type="button" className="secondary" autoFocus onClick={() => confirmDialog.current?.close()}>
                {t('case.confirmNo')}
              </button>
            </div>
          </dialog>
        </div>
      )}
      {!open && detail.decisionReason && (
        <p className="decision-reason">
          {t('case.reason')}: {t(`reasons.${detail.status === 'approved' ? 'approve' : 'reject'}.${detail.decisionReason}`, { defaultValue: detail.decisionReason })}
          {detail.decisionNote ? ` — ${detail.decisionNote}` : ''}
        </p>
      )}
    </section>
  );
}

/** Which liveness signals decided the check, with their values and thresholds. */
function LivenessTable({ evidence }: { evidence: LivenessEvidence }) {
  const { t } = useTranslation(STAFF_NS);
  return (
    <div className="liveness-evidence">
      <h2>{t('case.liveness')}</h2>
      <p>
        {t(`case.livenessMode.${evidence.mode}`)}. <strong>{t(`case.livenessVerdict.${evidence.verdict}`)}</strong>
      </p>
      <table>
        <thead>
          <tr>
            <th>{t('case.signal')}</th>
            <th>{t('case.signalValue')}</th>
            <th>{t('case.signalThreshold')}</th>
            <th>{t('case.signalPassed')}</th>
          </tr>
        </thead>
        <tbody>
          {evidence.signals.map((s, i) => (
            <tr key={i}>
              <td>{s.signal}</td>
              <td>{s.value === null ? '—' : String(s.value)}</td>
              <td>{s.threshold === undefined ? '—' : String(s.threshold)}</td>
              <td>{s.passed ? '✓' : '✗'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
