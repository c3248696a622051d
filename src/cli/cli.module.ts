import { Module } from '@nestjs/common';
import { AnchorCommand } from './commands/anchor.command.js';
import { AnchorsCommand } from './commands/anchors.command.js';
import { BackupCommand } from './commands/backup.command.js';
import { ExportCommand } from './commands/export.command.js';
import { KeygenCommand } from './commands/keygen.command.js';
import { ProjectionsCommand, RebuildCommand, ReplayCommand } from './commands/projections.command.js';
import { PublicKeyCommand } from './commands/public-key.command.js';
import { VerifyExportCommand } from './commands/verify-export.command.js';
import { VerifyProofCommand } from './commands/verify-proof.command.js';
import { RewrapKeysCommand } from './commands/rewrap-keys.command.js';
import { VerifyCommand } from './commands/verify.command.js';

@Module({ providers: [VerifyCommand, AnchorCommand, AnchorsCommand, ExportCommand, VerifyExportCommand, VerifyProofCommand, KeygenCommand, ProjectionsCommand, RebuildCommand, ReplayCommand, BackupCommand, PublicKeyCommand, RewrapKeysCommand] })
export class CliModule {}
