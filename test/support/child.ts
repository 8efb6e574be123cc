import type { ChildProcess } from 'node:child_process';

/** A test or bench that dies (an uncaught error, process.exit) takes this child with it rather than leave it running. */
export function killWithParent(child: ChildProcess): void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}
