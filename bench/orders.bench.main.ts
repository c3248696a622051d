// Runs only the order throughput section: `node dist/bench/orders.bench.main.js [orders] [concurrency] [--trace]`;
// --trace also prints where each order's time went (orders-trace.ts).
import { formatTrace } from './orders-trace.js';
import { ordersBench } from './orders.bench.js';

const args = process.argv.slice(2);
const [orders, concurrency] = args.filter((arg) => !arg.startsWith('--')).map(Number);
const figures = await ordersBench({ ...(orders ? { orders } : {}), ...(concurrency ? { concurrency } : {}), trace: args.includes('--trace') });
console.log(`orders end to end: ${figures.ordersPerSecond.toFixed(1)} orders/s (${figures.totalSeconds.toFixed(1)} s); ` +
  `POST /v1/orders ${figures.acceptedPerSecond.toFixed(1)}/s, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms, ` +
  `${figures.cpuMsPerOrder.toFixed(1)} CPU ms/order`);
if (figures.trace) console.log(formatTrace(figures.trace));
