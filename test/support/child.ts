import type { ChildProcess } from 'node:child_process';

/** A test or bench that dies (an uncaught error, process.exit) takes this child with it rather than leave it running. */
export function killWithParent(child: ChildProcess): void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}

/**
 * A command line run at niceness `nice` (0: as is): `nice` execs the command, so the child is the command itself and
 * every thread it starts inherits the niceness. Below 0 needs root (or CAP_SYS_NICE): without it, `nice` says so on
 * stderr and runs the command at the default.
 */
export function atNiceness(command: readonly string[], nice: number): [string, ...string[]] {
  return (nice === 0 ? [...command] : ['nice', '-n', String(nice), ...command]) as [string, ...string[]];
}
