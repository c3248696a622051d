// Runs only the order throughput section: `node dist/bench/orders.bench.main.js [orders] [concurrency]`.
import 'reflect-metadata';
import { ordersBench } from './orders.bench.js';

const [orders, concurrency] = process.argv.slice(2).map(Number);
for (const figure of await ordersBench({ ...(orders ? { orders } : {}), ...(concurrency ? { concurrency } : {}) })) {
  console.log(`${figure.name}: ${figure.value.toFixed(1)} ${figure.unit} (${figure.note ?? ''})`);
}
process.exit(0);
