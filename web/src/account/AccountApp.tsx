// The citizen's Digital ID in use: /signin (SMS code) and /profile. Pages switch with the history API.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout } from '../components/Layout.js';
import './i18n.js';
import { ProfilePage } from './ProfilePage.js';
import { SigninPage } from './SigninPage.js';

type Page = 'signin' | 'profile';

function pageOf(pathname: string): Page {
  return pathname.startsWith('/profile') ? 'profile' : 'signin';
}

export default function AccountApp() {
  const { t } = useTranslation();
  const [page, setPage] = useState<Page>(() => pageOf(location.pathname));
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const onPopState = () => setPage(pageOf(location.pathname));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const go = (next: Page, message: string | null = null) => {
    setNotice(message);
    if (pageOf(location.pathname) !== next) history.pushState(null, '', `/${next}${location.search}`);
    setPage(next);
    window.scrollTo(0, 0);
  };

  return (
    <Layout step={null} total={0} tagline={t('account:tagline')}>
      {page === 'profile' ? <ProfilePage onSignedOut={(message) => go('signin', message)} /> : <SigninPage notice={notice} onSignedIn={() => go('profile')} />}
    </Layout>
  );
}
