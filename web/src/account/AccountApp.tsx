// The citizen's Digital ID in use: /signin (SMS code), /profile and /block (block my Digital ID without
// signing in; /block/done is its confirmation, also after the profile's block). Pages switch with the history API.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout } from '../components/Layout.js';
import './i18n.js';
import { BlockPage } from './BlockPage.js';
import { ProfilePage } from './ProfilePage.js';
import { SigninPage } from './SigninPage.js';
import { InteractionPage } from '../oidc/InteractionPage.js';
import { interactionUid } from '../oidc/oidcApi.js';

type Page = 'signin' | 'profile' | 'block' | 'block/done' | 'consent';

function pageOf(pathname: string): Page {
  if (pathname.startsWith('/profile')) return 'profile';
  if (pathname.startsWith('/block/done')) return 'block/done';
  if (pathname.startsWith('/block')) return 'block';
  if (pathname.startsWith('/consent')) return 'consent';
  return 'signin';
}

export default function AccountApp() {
  const { t } = useTranslation();
  // The confirmation only follows a block in this page: a link straight to it shows the block form.
  const [page, setPage] = useState<Page>(() => {
    const first = pageOf(location.pathname);
    if (first !== 'block/done') return first;
    history.replaceState(null, '', `/block${location.search}`);
    return 'block';
  });
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
      {(page === 'signin' || page === 'consent') && interactionUid() ? (
        // A service waits (OpenID Connect): sign-in, step-up and consent, then back to it.
        <InteractionPage uid={interactionUid()!} />
      ) : page === 'profile' ? (
        <ProfilePage onSignedOut={(message) => go('signin', message)} onBlocked={() => go('block/done')} />
      ) : page === 'block' || page === 'block/done' ? (
        <BlockPage done={page === 'block/done'} onBlocked={() => go('block/done')} onSignin={() => go('signin')} />
      ) : (
        <SigninPage notice={notice} onSignedIn={() => go('profile')} onBlock={() => go('block')} />
      )}
    </Layout>
  );
}
