// A rule of the domain said no. The kind tells the HTTP edge which status to answer with;
// the code is stable and documented for API consumers. The domain never throws HttpException.

export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
