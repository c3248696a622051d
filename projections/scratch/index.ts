// Scratch projections: read models an analyst replays over a range of the log on demand (they
// are not run by the service and keep nothing). Add one here to make it replayable by name.
import type { DocumentProjection } from '../../src/projection-engine/projection.js';
import { dailyStockMovementsProjection } from './daily-stock-movements/daily-stock-movements.projection.js';

export const scratchProjections: readonly DocumentProjection[] = [dailyStockMovementsProjection];
