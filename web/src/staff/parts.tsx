// Small pieces the console's pages share.
import { useState, type ReactNode } from 'react';
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
