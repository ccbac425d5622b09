// Small pieces the console's pages share.
import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnError } from './StaffApp.js';
import { STAFF_NS } from './i18n.js';

export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A confirmation of what was just done. */
export function Notice({ text }: { text: string | null }) {
  return text ? (
    <p className="success" role="status">
      {text}
    </p>
  ) : null;
}

/** "Loading…", "Nothing here." or the list. */
export function ListBody<T>({ items, children }: { items: T[] | null; children: (items: T[]) => ReactNode }) {
  const { t } = useTranslation(STAFF_NS);
  if (items === null) return <p role="status">{t('common.loading')}</p>;
  if (items.length === 0) return <p>{t('common.none')}</p>;
  return <>{children(items)}</>;
}

/** Runs one action at a time (buttons disabled meanwhile), then `after` (a reload); failures become text. */
export function useAction(onError: OnError) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (action: () => Promise<unknown>, after: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      after();
    } catch (e) {
      setError(onError(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, act };
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
}

/**
 * The console's list of records: "Loading…" / "Nothing here." / a table whose cells carry their
 * column's label (the narrow layout shows it beside the value), with an optional action cell per row.
 */
export function StaffTable<T>({
  items,
  columns,
  rowKey,
  rowData,
  action,
}: {
  items: T[] | null;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** data-* attributes of a row (the e2e tests find rows by them). */
  rowData?: (row: T) => Record<`data-${string}`, string>;
  action?: (row: T) => ReactNode;
}) {
  return (
    <ListBody items={items}>
      {(rows) => (
        <table className="staff-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label}>{c.label}</th>
              ))}
              {action && <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)} {...rowData?.(row)}>
                {columns.map((c) => (
                  <td key={c.label} data-label={c.label}>
                    {c.cell(row)}
                  </td>
                ))}
                {action && <td className="row-action">{action(row)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ListBody>
  );
}

/**
 * A list loaded from the API: null while loading, empty with the error's text when it failed. `fetch`
 * must be stable (module-level or memoised); `load` resolves to whether it succeeded.
 */
export function useStaffList<T, Q>(fetch: (query: Q) => Promise<T[]>, onError: OnError) {
  const [rows, setRows] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    (query: Q): Promise<boolean> => {
      setError(null);
      setRows(null);
      return fetch(query).then(
        (found) => (setRows(found), true),
        (e: unknown) => (setRows([]), setError(onError(e)), false),
      );
    },
    [fetch, onError],
  );
  return { rows, error, load };
}
