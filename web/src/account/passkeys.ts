// The browser's side of passkeys (@simplewebauthn/browser): the server's options in, the credential out.
// What the citizen did (cancelled, no passkey support, this device already has one) becomes a reason
// the pages can say in words; the server's errors pass through as ApiError.
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { accountApi, type PasskeyView } from './accountApi.js';

export type PasskeyProblem = 'unsupported' | 'cancelled' | 'alreadyAdded' | 'failed';

export class PasskeyCeremonyError extends Error {
  constructor(readonly problem: PasskeyProblem) {
    super(problem);
  }
}

export function passkeysSupported(): boolean {
  return browserSupportsWebAuthn();
}

function problemOf(err: unknown): PasskeyProblem {
  if (err instanceof WebAuthnError && err.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'alreadyAdded';
  // NotAllowedError: the citizen closed the prompt, or it timed out; AbortError: the page aborted it.
  const name = err instanceof WebAuthnError ? (err.cause as Error | undefined)?.name ?? err.name : err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError' || (err instanceof WebAuthnError && err.code === 'ERROR_CEREMONY_ABORTED')) return 'cancelled';
  if (name === 'NotSupportedError' || name === 'SecurityError') return 'unsupported';
  return 'failed';
}

async function ceremony<T>(run: () => Promise<T>): Promise<T> {
  if (!passkeysSupported()) throw new PasskeyCeremonyError('unsupported');
  try {
    return await run();
  } catch (err) {
    throw new PasskeyCeremonyError(problemOf(err));
  }
}

/** Sign in with any passkey of this site the browser holds; opens the session (cookie) on success. */
export async function signInWithPasskey(): Promise<void> {
  if (!passkeysSupported()) throw new PasskeyCeremonyError('unsupported');
  const options = await accountApi.passkeySigninOptions();
  // The server makes these options with @simplewebauthn/server: the browser library's own type.
  const response = await ceremony(() => startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON }));
  await accountApi.passkeySignin(response);
}

/** Make a passkey on this device and add it to the Digital ID; the server names it (renamed after). */
export async function addPasskey(): Promise<PasskeyView> {
  if (!passkeysSupported()) throw new PasskeyCeremonyError('unsupported');
  const options = await accountApi.passkeyOptions();
  const response = await ceremony(() => startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON }));
  return accountApi.addPasskey(response);
}
