// Rules of the virtual assistant's BMG-update tickets.

/**
 * The service centre's procedure before an operator changes a BMG binding, recorded item by item.
 * Labels for the console live in web/src/staff/i18n.
 */
export const VERIFICATION_CHECKLIST = [
  'identity_document_presented', // the citizen presented an identity card or passport in person
  'document_iin_matches', // the IIN on the document is the ticket's IIN
  'face_matches_document', // the person in front of the operator is the person on the document
  'phone_possession_confirmed', // a test SMS to the ticket's phone was received on the citizen's handset
  'consent_signed', // the citizen signed the consent to change the binding
] as const;
export type ChecklistItem = (typeof VERIFICATION_CHECKLIST)[number];
export type Checklist = Partial<Record<ChecklistItem, boolean>>;

export function missingChecklistItems(checklist: Checklist): ChecklistItem[] {
  return VERIFICATION_CHECKLIST.filter((item) => checklist[item] !== true);
}

export type TicketStatus = 'open' | 'resolved' | 'declined';
export type TicketOutcome = 'bound' | 'declined';

export const MAX_NOTE_LENGTH = 500;

/** Registration states in which the phone has been proven by the SMS code. */
export function phoneProven(registrationState: string): boolean {
  return registrationState !== 'AWAITING_OTP';
}

/** A ticket is opened from the IIN step, where BMG refused the pair; never from a finished registration. */
export function mayOpenTicket(registrationState: string): boolean {
  return registrationState === 'AWAITING_IIN';
}
