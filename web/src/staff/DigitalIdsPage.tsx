// The administrator's Digital IDs: the blocked ones (masked), a search by IIN or phone, and the unblock
// after an operator has checked the person's identity document: the IIN typed from the document and
// the reason are required, and the IIN must be the chosen Digital ID's.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { validateIin } from '../../../src/iin/iin.rules.js';
import { apiErrorText, maskIin } from '../format.js';
import { staffApi, type DigitalIdForStaff } from './staffApi.js';
import type { OnError } from './StaffApp.js';
import { formatTime } from './format.js';
import { STAFF_NS } from './i18n.js';
import { ErrorLine, ListBody, useAction } from './parts.js';

export function DigitalIdsPage({ onError }: { onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [query, setQuery] = useState('');
  const [shownQuery, setShownQuery] = useState('');
  const [rows, setRows] = useState<DigitalIdForStaff[] | null>(null);
  const [chosen, setChosen] = useState<DigitalIdForStaff | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    (q: string) => {
      setError(null);
      setRows(null);
      staffApi
        .digitalIds(q)
        .then((r) => {
          setRows(r.digitalIds);
          setShownQuery(q);
        })
        .catch((e) => {
          setRows([]);
          setError(onError(e));
        });
    },
    [onError],
  );
  useEffect(() => load(''), [load]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    setChosen(null);
    load(query.trim());
  };

  return (
    <section>
      <h1>{shownQuery ? t('digitalIds.foundHeading') : t('digitalIds.heading')}</h1>
      <form className="staff-filters" onSubmit={search} role="search">
        <label htmlFor="digital-id-query">{t('digitalIds.query')}</label>
        <input id="digital-id-query" className="staff-input" value={query} maxLength={40} autoComplete="off" onChange={(e) => setQuery(e.target.value)} />
        <button type="submit" className="primary">
          {t('digitalIds.find')}
        </button>
        {shownQuery && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setQuery('');
              setChosen(null);
              load('');
            }}
          >
            {t('digitalIds.showBlocked')}
          </button>
        )}
      </form>
      <ErrorLine error={error} />
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ListBody items={rows}>
        {(items) => (
          <table className="staff-table">
            <thead>
              <tr>
                <th>{t('digitalIds.name')}</th>
                <th>{t('digitalIds.iin')}</th>
                <th>{t('digitalIds.phone')}</th>
                <th>{t('digitalIds.status')}</th>
                <th>{t('digitalIds.how')}</th>
                <th>{t('digitalIds.lastUnblock')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-digital-id={d.id}>
                  <td data-label={t('digitalIds.name')}>{d.maskedName ?? '—'}</td>
                  <td data-label={t('digitalIds.iin')}>{d.iinMasked}</td>
                  <td data-label={t('digitalIds.phone')}>{d.phoneMasked}</td>
                  <td data-label={t('digitalIds.status')}>{d.blockedAt ? t('digitalIds.blockedSince', { at: formatTime(d.blockedAt) }) : t('digitalIds.active')}</td>
                  <td data-label={t('digitalIds.how')}>
                    {d.lastBlock
                      ? `${t(`digitalIds.via.${d.lastBlock.via}`)}; ${t('digitalIds.sessionsEnded', { count: d.lastBlock.sessionsEnded })}${d.lastBlock.ipMasked ? `; ${t('digitalIds.from', { ip: d.lastBlock.ipMasked })}` : ''}${d.blockedAt ? '' : ` (${formatTime(d.lastBlock.at)})`}`
                      : '—'}
                  </td>
                  <td data-label={t('digitalIds.lastUnblock')}>{d.lastUnblock ? `${formatTime(d.lastUnblock.at)}, ${d.lastUnblock.by}: ${d.lastUnblock.note}` : '—'}</td>
                  <td className="row-action">
                    {d.blockedAt && (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => {
                          setNotice(null);
                          setChosen(d);
                        }}
                      >
                        {t('digitalIds.unblock')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ListBody>
      {chosen && (
        <UnblockForm
          key={chosen.id}
          digitalId={chosen}
          initialIin={/^\d{12}$/.test(shownQuery) ? shownQuery : ''}
          onError={onError}
          onCancel={() => setChosen(null)}
          onDone={() => {
            setChosen(null);
            setNotice(t('digitalIds.unblocked', { iin: chosen.iinMasked }));
            load(shownQuery);
          }}
        />
      )}
    </section>
  );
}

function UnblockForm({ digitalId, initialIin, onError, onCancel, onDone }: { digitalId: DigitalIdForStaff; initialIin: string; onError: OnError; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation(STAFF_NS);
  const [iin, setIin] = useState(initialIin);
  const [note, setNote] = useState('');
  const [checked, setChecked] = useState(false);
  const { busy, error, setError, act } = useAction(onError);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const check = validateIin(iin);
    if (!check.ok) return setError(apiErrorText(check.code, {}, ''));
    if (maskIin(iin) !== digitalId.iinMasked) return setError(t('digitalIds.iinOther'));
    if (!note.trim()) return setError(t('digitalIds.noteRequired'));
    void act(() => staffApi.unblock(iin, note.trim()), onDone);
  };

  return (
    <form className="staff-form unblock-form" onSubmit={submit} noValidate aria-labelledby="unblock-heading">
      <h2 id="unblock-heading" ref={heading} tabIndex={-1}>
        {t('digitalIds.unblockHeading', { name: digitalId.maskedName ?? digitalId.iinMasked })}
      </h2>
      <p>{t('digitalIds.unblockIntro')}</p>
      <div className="field">
        <label htmlFor="unblock-iin">{t('digitalIds.documentIin')}</label>
        <input id="unblock-iin" className="staff-input" inputMode="numeric" autoComplete="off" maxLength={12} value={iin} onChange={(e) => setIin(e.target.value.replace(/\D/g, '').slice(0, 12))} />
      </div>
      <div className="field">
        <label htmlFor="unblock-note">{t('digitalIds.note')}</label>
        <textarea id="unblock-note" maxLength={500} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <label className="confirm-check">
        <input type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} /> {t('digitalIds.checked')}
      </label>
      <ErrorLine error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !checked}>
          {t('digitalIds.unblockSubmit')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          {t('digitalIds.cancel')}
        </button>
      </div>
    </form>
  );
}
