// The machine's load beside each figure: the bench shares its 2 cores with whatever else runs.
import { loadavg } from 'node:os';

export const loadAverage = (): string => loadavg()[0]!.toFixed(2);
