/**
 * What the numbers came from: CPU, caches, memory, Node, the library's backends and threads,
 * and the load when the run started and ended (other processes make the numbers noisy).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

import { backendInfo, type BackendInfo } from '../../src/index.js';

import { availableThreads, threadControl } from './threads.js';

export interface MachineInfo {
  cpu: string;
  /** Logical CPUs available to this process. */
  cores: number;
  /** Per cache level, as the kernel reports it (for example `L1d 48K`, `L2 1024K`, `L3 32768K`). */
  caches: string[];
  memoryGiB: number;
  platform: string;
  arch: string;
  node: string;
  backend: BackendInfo;
  /** Whether this build has the native thread pool (`setNumThreads`). */
  threadPool: boolean;
  /** 1-minute load average when the run started. */
  loadAtStart: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** CPU 0's caches from sysfs (Linux); empty elsewhere. */
function caches(): string[] {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  try {
    return readdirSync(dir)
      .filter((d) => d.startsWith('index'))
      .sort()
      .map((d) => {
        const read = (f: string): string => readFileSync(`${dir}/${d}/${f}`, 'utf8').trim();
        const type = read('type');
        const suffix = type === 'Data' ? 'd' : type === 'Instruction' ? 'i' : '';
        return `L${read('level')}${suffix} ${read('size')}`;
      });
  } catch {
    return [];
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: availableThreads(),
    caches: caches(),
    memoryGiB: os.totalmem() / 2 ** 30,
    platform: os.platform(),
    arch: os.arch(),
    node: process.version,
    backend: backendInfo(),
    threadPool: threadControl() !== null,
    loadAtStart: os.loadavg()[0],
  };
}

/** The git commit measured, with `+dirty` when the work tree has changes; null outside a checkout. */
export function sourceRevision(dir: string): string | null {
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${commit}+dirty` : commit;
  } catch {
    return null;
  }
}
