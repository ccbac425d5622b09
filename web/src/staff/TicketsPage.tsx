// BMG-update requests: the operator's list and one request with the service-centre checklist.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { staffApi, type StaffMe, type TicketSummary } from './staffApi.js';
import { navigate, type OnError } from './StaffApp.js';
import { formatTime } from './format.js';
import { STAFF_NS } from './i18n.js';
import { ErrorLine, ListBody, useAction } from './parts.js';

export function TicketQueue({ onError }: { onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [status, setStatus] = useState('open');
  const [tickets, setTickets] = useState<TicketSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    staffApi
      .tickets(status)
      .then((r) => setTickets(r.tickets))
      .catch((e) => setError(onError(e)));
  }, [status, onError]);
  useEffect(load, [load]);

  return (
    <section>
      <h1>{t('tickets.heading')}</h1>
      <div className="staff-filters">
        <label>
          {t('cases.filterStatus')}{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {(['open', 'resolved', 'declined', 'all'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`tickets.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={load}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorLine error={error} />
      <ListBody items={tickets}>
        {(rows) => (
        <table className="staff-table">
          <thead>
            <tr>
              <th>{t('tickets.created')}</th>
              <th>{t('tickets.phone')}</th>
              <th>{t('tickets.iin')}</th>
              <th>{t('tickets.note')}</th>
              <th>{t('cases.takenBy')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((ticket) => (
              <tr key={ticket.id} data-ticket-id={ticket.id}>
                <td data-label={t('tickets.created')}>{formatTime(ticket.createdAt)}</td>
                <td data-label={t('tickets.phone')}>{ticket.phone}</td>
                <td data-label={t('tickets.iin')}>{ticket.iin}</td>
                <td data-label={t('tickets.note')}>{ticket.note || '—'}</td>
                <td data-label={t('cases.takenBy')}>{ticket.status === 'open' ? (ticket.claimedBy ?? '—') : t(`tickets.status.${ticket.status}`)}</td>
                <td className="row-action">
                  <a href={`/staff/tickets/${ticket.id}`} onClick={(e) => (e.preventDefault(), navigate(`/staff/tickets/${ticket.id}`))}>
                    {t('tickets.open')}
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

export function TicketView({ id, me, onError }: { id: string; me: StaffMe; onError: OnError }) {
  const { t } = useTranslation(STAFF_NS);
  const [ticket, setTicket] = useState<TicketSummary | null>(null);
  const [items, setItems] = useState<string[]>([]);
  const [checked, setChecked] = useState<Record<string, boolean>>({});
  const { busy, error, setError, act } = useAction(onError);

  const load = useCallback(() => {
    staffApi
      .ticket(id)
      .then((r) => {
        setTicket(r.ticket);
        setItems(r.checklist);
      })
      .catch((e) => setError(onError(e)));
  }, [id, onError]);
  useEffect(load, [load]);


  const resolve = (event: FormEvent<HTMLFormElement>, outcome: 'bound' | 'declined') => {
    event.preventDefault();
    const note = String(new FormData(event.currentTarget.form ?? event.currentTarget).get('note') ?? '');
    void act(() => staffApi.resolveTicket(id, outcome, checked, note), load);
  };

  if (!ticket) return <section>{error ? <p className="error" role="alert">{error}</p> : <p role="status">{t('common.loading')}</p>}</section>;
  const open = ticket.status === 'open';
  const mine = ticket.claimedBy === me.staff.login;
  const all = items.every((item) => checked[item]);

  return (
    <section className="ticket-view">
      <p>
        <a href="/staff/tickets" onClick={(e) => (e.preventDefault(), navigate('/staff/tickets'))}>
          ← {t('common.back')}
        </a>
      </p>
      <h1>{t('ticket.heading', { id: id.slice(0, 8).toUpperCase() })}</h1>
      <dl className="ticket-facts">
        <dt>{t('tickets.phone')}</dt>
        <dd>{ticket.phone}</dd>
        <dt>{t('tickets.iin')}</dt>
        <dd>{ticket.iin}</dd>
        <dt>{t('case.language')}</dt>
        <dd>{t(`languages.${ticket.language}`, { defaultValue: ticket.language })}</dd>
        <dt>{t('tickets.note')}</dt>
        <dd>{ticket.note || '—'}</dd>
        <dt>{t('tickets.created')}</dt>
        <dd>{formatTime(ticket.createdAt)}</dd>
      </dl>
      <ErrorLine error={error} />
      {!open && (
        <p className="success">
          {t('ticket.done', { status: t(`tickets.status.${ticket.status}`), by: ticket.resolvedBy ?? '—', at: formatTime(ticket.resolvedAt) })}
          {ticket.resolutionNote ? ` — ${ticket.resolutionNote}` : ''}
        </p>
      )}
      {open && !mine && (
        <p>
          {ticket.claimedBy ? `${t('cases.takenBy')}: ${ticket.claimedBy}. ` : ''}
          <button type="button" className="primary" disabled={busy} onClick={() => void act(() => staffApi.claimTicket(id), load)}>
            {t('common.claim')}
          </button>
        </p>
      )}
      {open && mine && (
        <form className="staff-form" onSubmit={(e) => resolve(e, 'bound')}>
          <fieldset className="checklist">
            <legend>{t('ticket.procedure')}</legend>
            {items.map((item) => (
              <label key={item}>
                <input type="checkbox" name={item} checked={!!checked[item]} onChange={(e) => setChecked({ ...checked, [item]: e.target.checked })} />{' '}
                {t(`ticket.checklist.${item}`, { defaultValue: item })}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="ticket-note">{t('ticket.note')}</label>
            <textarea id="ticket-note" name="note" maxLength={500} rows={3} />
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !all}>
              {t('ticket.bind')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={(e) => {
                const form = (e.currentTarget as HTMLButtonElement).form!;
                const note = String(new FormData(form).get('note') ?? '');
                void act(() => staffApi.resolveTicket(id, 'declined', checked, note), load);
              }}
            >
              {t('ticket.decline')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
