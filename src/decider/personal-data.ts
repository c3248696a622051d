// Personal data, declared next to each event type (in the decider files): whose data an event
// holds (its data subject, a customer's user id) and which values are personal, each with what it
// reads as once the subject is erased. The platform (src/personal-data) seals those values per
// subject before the append and unseals them on the way out; it knows no event type itself.
// Pure: types and data only.

/**
 * A personal value's path in the event's data: keys joined by dots, `*` for every element of an
 * array (e.g. `shippingAddress`, `commands.*.shippingAddress`). What the path names is sealed as a
 * whole, so name the smallest value that holds the personal data.
 */
export type PersonalPath = string;

/** What a personal value reads as once erased, from the rest of the data. (Method syntax: so a declaration of any event type fits the platform's catalogue.) */
type ErasedValue<Data> = { of(data: Data): unknown }['of'];

export interface PersonalFields<Data> {
  /** The data subject: whose personal data this is. */
  subject(data: Data): string | undefined;
  /** Each personal path, with what it reads as once the subject is erased (given the rest of the data). */
  erased: Record<PersonalPath, ErasedValue<Data>>;
}

/** Every event type of a union, with its personal data or null for none: a new type is a compile error until declared. */
export type PersonalDataOf<Event extends { type: string; data: unknown }> = {
  [Type in Event['type']]: PersonalFields<Extract<Event, { type: Type }>['data']> | null;
};

/** What an erased piece of text reads as. */
export const ERASED = '[erased]';

/** A postal address once its subject is erased: every line erased, the shape kept for readers. */
export const ERASED_ADDRESS = { name: ERASED, line1: ERASED, postalCode: ERASED, city: ERASED, country: ERASED };
