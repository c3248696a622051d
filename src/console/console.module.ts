// The audit console's room: serves the built single-page app at /console (console.http.ts).
// It holds no data and no routes of its own beyond the files; the app calls the public HTTP API.
import { Module } from '@nestjs/common';
import { builtConsoleDir, loadConsoleAssets } from './console-assets.js';
import { CONSOLE_ASSETS, ConsoleController } from './console.http.js';

@Module({
  controllers: [ConsoleController],
  providers: [{ provide: CONSOLE_ASSETS, useFactory: () => loadConsoleAssets(builtConsoleDir()) }],
})
export class ConsoleModule {}
