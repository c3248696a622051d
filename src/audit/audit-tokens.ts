// Nest injection tokens of the audit module.
export const SIGNING_KEY = Symbol('AuditSigningKey');
