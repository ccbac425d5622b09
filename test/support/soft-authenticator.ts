// A software passkey authenticator for API tests: a real ES256 key per credential (node:crypto), a
// CBOR attestation object of format "none", and assertions whose authenticatorData, clientDataJSON and
// signature are made exactly as a platform authenticator makes them. Knobs let a test break one thing.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';

export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  rpId: string;
  counter: number;
}

// Flags of authenticatorData: user present, user verified, backup eligible/state, attested credential data.
const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

function counterBytes(counter: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(counter >>> 0);
  return out;
}

export class SoftAuthenticator {
  readonly credentials = new Map<string, SoftCredential>();
  /** The provider's AAGUID (zeros: a provider that does not say who it is). */
  aaguid = Buffer.alloc(16);

  constructor(readonly origin: string) {}

  /** navigator.credentials.create: a new resident credential for the options' relying party and user. */
  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }, knobs: { userVerified?: boolean; origin?: string; credentialId?: string } = {}) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = encodeCBOR(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const credentialId = knobs.credentialId ? Buffer.from(knobs.credentialId, 'base64url') : randomBytes(32);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const flags = UP | (knobs.userVerified === false ? 0 : UV) | BE | BS | AT;
    const authData = Buffer.concat([sha256(rpId), Buffer.from([flags]), counterBytes(0), this.aaguid, idLength, credentialId, Buffer.from(cose)]);
    const attestationObject = encodeCBOR(new Map<string, CBORType>([['fmt', 'none'], ['attStmt', new Map<string, CBORType>()], ['authData', new Uint8Array(authData)]]));
    const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: knobs.origin ?? this.origin, crossOrigin: false });
    const id = b64url(credentialId);
    this.credentials.set(id, { id, privateKey, userHandle: options.user.id, rpId, counter: 0 });
    return {
      id,
      rawId: id,
      response: {
        clientDataJSON: b64url(Buffer.from(clientDataJSON)),
        attestationObject: b64url(attestationObject),
        transports: ['internal', 'hybrid'] as Array<'internal' | 'hybrid'>,
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
      type: 'public-key' as const,
    };
  }

  /**
   * navigator.credentials.get for one of its credentials (the first unless `credentialId`); the counter
   * goes up by one unless `counter` says what to send. `tamper` flips a bit of the signature.
   */
  get(
    options: { challenge: string; rpId?: string },
    knobs: { credentialId?: string; counter?: number; tamper?: boolean; userVerified?: boolean; origin?: string; userHandle?: string | null } = {},
  ) {
    const credential = knobs.credentialId ? this.credentials.get(knobs.credentialId) : [...this.credentials.values()][0];
    if (!credential) throw new Error('the soft authenticator has no such credential');
    credential.counter = knobs.counter ?? credential.counter + 1;
    const flags = UP | (knobs.userVerified === false ? 0 : UV) | BE | BS;
    const authData = Buffer.concat([sha256(options.rpId ?? credential.rpId), Buffer.from([flags]), counterBytes(credential.counter)]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: knobs.origin ?? this.origin, crossOrigin: false }));
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    if (knobs.tamper) signature[signature.length - 1] ^= 0x01;
    const userHandle = knobs.userHandle === undefined ? credential.userHandle : knobs.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
      type: 'public-key' as const,
    };
  }

  /** A credential the server never saw, signing correctly (an unknown passkey). */
  stranger(options: { challenge: string; rp?: { id?: string } }) {
    const other = new SoftAuthenticator(this.origin);
    other.create({ challenge: options.challenge, rp: options.rp ?? {}, user: { id: b64url(randomBytes(32)) } });
    return other;
  }
}
