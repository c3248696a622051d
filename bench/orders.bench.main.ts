// Runs only the order throughput section: `node dist/bench/orders.bench.main.js [orders] [concurrency]`.
import { ordersBench } from './orders.bench.js';

const [orders, concurrency] = process.argv.slice(2).map(Number);
const figures = await ordersBench({ ...(orders ? { orders } : {}), ...(concurrency ? { concurrency } : {}) });
console.log(`orders end to end: ${figures.ordersPerSecond.toFixed(1)} orders/s (${figures.totalSeconds.toFixed(1)} s); ` +
  `POST /v1/orders ${figures.acceptedPerSecond.toFixed(1)}/s, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms`);
