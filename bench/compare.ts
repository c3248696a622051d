// `npm run bench -- --compare <git-ref>`: builds that ref in a temporary git worktree (sharing
// this checkout's node_modules) and runs the same order workload against both builds, one after
// the other, in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Builds `ref` in a temporary worktree and hands its root to `work`; removes the worktree after. */
export async function withBuildOf<T>(ref: string, work: (root: string) => Promise<T>): Promise<T> {
  const root = join(mkdtempSync(join(tmpdir(), 'orderstream-compare-')), 'tree');
  const git = (...args: string[]) => execFileSync('git', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  git('worktree', 'add', '--detach', root, ref);
  try {
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
    execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
    return await work(root);
  } finally {
    git('worktree', 'remove', '--force', root);
    rmSync(join(root, '..'), { recursive: true, force: true });
  }
}
