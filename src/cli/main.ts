// The orderstream CLI (npm run cli -- <command> --help). Works on the running service over HTTP
// (--url, --token) or on the files of a stopped one (--data-dir); see target.ts.
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliError } from './cli-error.js';
import { CliModule } from './cli.module.js';

await CommandFactory.run(CliModule, {
  logger: ['error'],
  cliName: 'orderstream',
  serviceErrorHandler: (error: Error) => {
    if (error instanceof CliError) {
      console.error(`error: ${error.message}`);
      process.exitCode = error.exitCode;
      return;
    }
    console.error(error);
    process.exitCode = 2;
  },
});
