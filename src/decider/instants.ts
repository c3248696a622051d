// Arithmetic on instants that deciders are given (never read from a clock): pure and
// deterministic, so a decision replays the same way.

/** The ISO-8601 instant `ms` milliseconds after `at`. */
export function instantAfter(at: Date, ms: number): string {
  return new Date(at.getTime() + ms).toISOString();
}
