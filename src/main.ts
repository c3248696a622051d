import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config/app-config.js';
import { createApp } from './http/create-app.js';

const config = loadConfig();
const app = await createApp(config);
await app.listen(config.port, config.host);
const { port } = app.getHttpServer().address() as AddressInfo;
// Tests and scripts wait for this line (with PORT=0 it is the only way to learn the port).
console.log(`orderstream listening on http://${config.host}:${port} (data in ${config.dataDir})`);
