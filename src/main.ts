import 'reflect-metadata';
import { loadConfig } from './config/app-config.js';
import { createApp } from './http/create-app.js';

const config = loadConfig();
const app = await createApp(config);
await app.listen(config.port, config.host);
console.log(`orderstream listening on http://${config.host}:${config.port} (data in ${config.dataDir})`);
