// The roles a user may hold. Pure data (deciders use it too): customer (shops), staff (runs the
// warehouse and customer service), analyst (reads and replays the log), auditor (inspects
// history and access), admin (manages users and operations).
export const ROLES = ['customer', 'staff', 'analyst', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
