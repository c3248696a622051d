import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { createApp } from './http/create-app.js';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A setting is wrong: say which, plainly, and stop (no stack trace for an operator's typo).
    console.error(`orderstream: invalid configuration: ${error.message}`);
    process.exit(1);
  }
}

const config = configOrExit();
const app = await createApp(config);
await app.listen(config.port, config.host);
const { port } = app.getHttpServer().address() as AddressInfo;
// Tests and scripts wait for this line (with PORT=0 it is the only way to learn the port).
console.log(`orderstream listening on http://${config.host}:${port} (data in ${config.dataDir})`);
