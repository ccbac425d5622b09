// The administrator's Digital IDs: the blocked ones (masked), a search by IIN or phone, the unblock after
// an operator has checked the person's identity document, and the block at the citizen's own request
// (the support centre) when they cannot block it themselves. Both need the IIN typed (it must be the
// chosen Digital ID's) and the reason.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { validateIin } from '../../../src/iin/iin.rules.js';
import { apiErrorText, maskIin } from '../format.js';
import { staffApi, type DigitalIdForStaff } from './staffApi.js';
import type { OnError } from './StaffApp.js';
import { formatTime } from './format.js';
import { STAFF_NS } from './i18n.js';
import { ErrorLine, Notice, StaffTable, useAction, useStaffList, type Column } from './parts.js';

const findDigitalIds = (query: string) => staffApi.digitalIds(query).then((r) => r.digitalIds);

export function DigitalIdsPage({ onError }: { onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [query, setQuery] = useState('');
  const [shownQuery, setShownQuery] = useState('');
  const [chosen, setChosen] = useState<{ digitalId: DigitalIdForStaff; mode: Mode } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useStaffList(findDigitalIds, onError);
  const load = useCallback((q: string) => void list.load(q).then((ok) => ok && setShownQuery(q)), [list.load]);
  useEffect(() => load(''), [load]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    setChosen(null);
    load(query.trim());
  };

  const columns: Column<DigitalIdForStaff>[] = [
    { label: t('digitalIds.name'), cell: (d) => d.maskedName ?? '—' },
    { label: t('digitalIds.iin'), cell: (d) => d.iinMasked },
    { label: t('digitalIds.phone'), cell: (d) => d.phoneMasked },
    { label: t('digitalIds.status'), cell: (d) => (d.blockedAt ? t('digitalIds.blockedSince', { at: formatTime(d.blockedAt) }) : t('digitalIds.active')) },
    {
      label: t('digitalIds.how'),
      cell: (d) =>
        d.lastBlock
          ? `${t(`digitalIds.via.${d.lastBlock.via}`, { by: d.lastBlock.by ?? '' })}; ${t('digitalIds.sessionsEnded', { count: d.lastBlock.sessionsEnded })}${d.lastBlock.ipMasked ? `; ${t('digitalIds.from', { ip: d.lastBlock.ipMasked })}` : ''}${d.blockedAt ? '' : ` (${formatTime(d.lastBlock.at)})`}`
          : '—',
    },
    { label: t('digitalIds.lastUnblock'), cell: (d) => (d.lastUnblock ? `${formatTime(d.lastUnblock.at)}, ${d.lastUnblock.by}: ${d.lastUnblock.note}` : '—') },
  ];

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
      <ErrorLine error={list.error} />
      <Notice text={notice} />
      <StaffTable
        items={list.rows}
        columns={columns}
        rowKey={(d) => d.id}
        rowData={(d) => ({ 'data-digital-id': d.id })}
        action={(d) => (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNotice(null);
              setChosen({ digitalId: d, mode: d.blockedAt ? 'unblock' : 'block' });
            }}
          >
            {t(d.blockedAt ? 'digitalIds.unblock' : 'digitalIds.block')}
          </button>
        )}
      />
      {chosen && (
        <DecisionForm
          key={`${chosen.mode}-${chosen.digitalId.id}`}
          digitalId={chosen.digitalId}
          mode={chosen.mode}
          initialIin={/^\d{12}$/.test(shownQuery) ? shownQuery : ''}
          onError={onError}
          onCancel={() => setChosen(null)}
          onDone={() => {
            setChosen(null);
            setNotice(t(chosen.mode === 'block' ? 'digitalIds.blocked' : 'digitalIds.unblocked', { iin: chosen.digitalId.iinMasked }));
            load(shownQuery);
          }}
        />
      )}
    </section>
  );
}

type Mode = 'block' | 'unblock';

/** The texts of each decision (the unblock's are the form's original ones). */
const FORM_TEXTS = {
  unblock: { heading: 'digitalIds.unblockHeading', intro: 'digitalIds.unblockIntro', note: 'digitalIds.note', checked: 'digitalIds.checked', submit: 'digitalIds.unblockSubmit', noteRequired: 'digitalIds.noteRequired' },
  block: { heading: 'digitalIds.blockHeading', intro: 'digitalIds.blockIntro', note: 'digitalIds.blockNote', checked: 'digitalIds.blockChecked', submit: 'digitalIds.blockSubmit', noteRequired: 'digitalIds.blockNoteRequired' },
} as const;

function DecisionForm({
  digitalId,
  mode,
  initialIin,
  onError,
  onCancel,
  onDone,
}: {
  digitalId: DigitalIdForStaff;
  mode: Mode;
  initialIin: string;
  onError: OnError;
  onCancel: () => void;
  onDone: () => void;
}) {
  const texts = FORM_TEXTS[mode];
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
    if (!note.trim()) return setError(t(texts.noteRequired));
    void act(() => (mode === 'block' ? staffApi.block : staffApi.unblock)(iin, note.trim()), onDone);
  };

  return (
    <form className="staff-form unblock-form" onSubmit={submit} noValidate aria-labelledby="unblock-heading">
      <h2 id="unblock-heading" ref={heading} tabIndex={-1}>
        {t(texts.heading, { name: digitalId.maskedName ?? digitalId.iinMasked })}
      </h2>
      <p>{t(texts.intro)}</p>
      <div className="field">
        <label htmlFor="unblock-iin">{t('digitalIds.documentIin')}</label>
        <input id="unblock-iin" className="staff-input" inputMode="numeric" autoComplete="off" maxLength={12} value={iin} onChange={(e) => setIin(e.target.value.replace(/\D/g, '').slice(0, 12))} />
      </div>
      <div className="field">
        <label htmlFor="unblock-note">{t(texts.note)}</label>
        <textarea id="unblock-note" maxLength={500} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <label className="confirm-check">
        <input type="checkbox" checked={checked} onChange={(e) => setChecked(e.target.checked)} /> {t(texts.checked)}
      </label>
      <ErrorLine error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !checked}>
          {t(texts.submit)}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          {t('digitalIds.cancel')}
        </button>
      </div>
    </form>
  );
}
