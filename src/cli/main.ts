#!/usr/bin/env node
// The orderstream CLI (`npx orderstream <command> --help`, or `npm run cli -- <command>`): the
// built code, no compilation per call. Works on the running service over HTTP (--url, and the
// token in ORDERSTREAM_TOKEN) or on the files of a stopped one (--data-dir); see target.ts.
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module.js';
import { plainCliError } from './plain-error.js';

const sayPlainly = (error: unknown) => {
  const { message, exitCode } = plainCliError(error);
  console.error(`error: ${message}`);
  process.exitCode = exitCode;
};

try {
  await CommandFactory.run(CliModule, { logger: ['error'], cliName: 'orderstream', serviceErrorHandler: sayPlainly });
} catch (error) {
  sayPlainly(error);
}
