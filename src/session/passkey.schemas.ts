// TypeBox schemas of the WebAuthn messages the passkey routes carry (the JSON forms of
// @simplewebauthn/server's types). Binary fields are base64url strings.
import { Type } from '@sinclair/typebox';

const b64url = (maxLength: number, description?: string) => Type.String({ maxLength, pattern: '^[A-Za-z0-9_-]*$', ...(description ? { description } : {}) });
const Transports = Type.Array(
  Type.Union(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'].map((t) => Type.Literal(t as 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb'))),
  { maxItems: 10 },
);
const Attachment = Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]);
const Extensions = Type.Object({}, { additionalProperties: true, description: 'Client extension results' });
const Descriptor = Type.Object({ id: b64url(1024), type: Type.Literal('public-key'), transports: Type.Optional(Transports) });

export const AuthenticationResponse = Type.Object(
  {
    id: b64url(1024, 'The credential id'),
    rawId: b64url(1024),
    response: Type.Object(
      {
        clientDataJSON: b64url(4096),
        authenticatorData: b64url(4096),
        signature: b64url(1024),
        userHandle: Type.Optional(b64url(128)),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Attachment),
    clientExtensionResults: Extensions,
    type: Type.Literal('public-key'),
  },
  { additionalProperties: false, description: 'The assertion (navigator.credentials.get, as @simplewebauthn/browser startAuthentication returns it)' },
);

export const RegistrationResponse = Type.Object(
  {
    id: b64url(1024, 'The credential id'),
    rawId: b64url(1024),
    response: Type.Object(
      {
        clientDataJSON: b64url(4096),
        attestationObject: b64url(16384),
        authenticatorData: Type.Optional(b64url(16384)),
        transports: Type.Optional(Transports),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(b64url(4096)),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Attachment),
    clientExtensionResults: Extensions,
    type: Type.Literal('public-key'),
  },
  { additionalProperties: false, description: 'The new credential (navigator.credentials.create, as @simplewebauthn/browser startRegistration returns it)' },
);

export const AuthenticationOptions = Type.Object(
  {
    challenge: b64url(128),
    timeout: Type.Optional(Type.Integer()),
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(Type.Array(Descriptor)),
    userVerification: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('preferred'), Type.Literal('discouraged')])),
    hints: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { description: 'PublicKeyCredentialRequestOptionsJSON: pass to @simplewebauthn/browser startAuthentication({ optionsJSON })' },
);

export const RegistrationOptions = Type.Object(
  {
    rp: Type.Object({ name: Type.String(), id: Type.Optional(Type.String()) }),
    user: Type.Object({ id: b64url(128), name: Type.String(), displayName: Type.String() }),
    challenge: b64url(128),
    pubKeyCredParams: Type.Array(Type.Object({ alg: Type.Integer(), type: Type.Literal('public-key') })),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(Type.Array(Descriptor)),
    authenticatorSelection: Type.Optional(
      Type.Object({
        authenticatorAttachment: Type.Optional(Type.String()),
        residentKey: Type.Optional(Type.String()),
        requireResidentKey: Type.Optional(Type.Boolean()),
        userVerification: Type.Optional(Type.String()),
      }),
    ),
    hints: Type.Optional(Type.Array(Type.String())),
    attestation: Type.Optional(Type.String()),
    attestationFormats: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { description: 'PublicKeyCredentialCreationOptionsJSON: pass to @simplewebauthn/browser startRegistration({ optionsJSON })' },
);

export const Passkey = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String({ description: 'The citizen’s name for it; by default the passkey provider or the browser that added it' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
