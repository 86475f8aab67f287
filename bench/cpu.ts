/**
 * CPU time read from /proc for bench/stores.ts: the whole machine, and the bench's own Redis and
 * PostgreSQL servers (found by their port, so other sessions' servers on the machine are left out).
 * PostgreSQL's time is split by process: client backends (the verifiers' connections), the
 * background processes (WAL writer, checkpointer, autovacuum launcher...), and children that have
 * exited (autovacuum workers, closed connections: their time goes to the postmaster's cutime).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSample {
  /** Milliseconds of CPU time spent since boot by all cores (/proc/stat: all but idle and iowait). */
  busy: number;
  redis: number;
  /** The servers' PostgreSQL processes: the sum of the three below. */
  postgres: number;
  pgBackends: number;
  pgBackground: number;
  pgExited: number;
  /** The live PostgreSQL processes' own time by kind ("backend", "checkpointer", "autovacuum worker"...). */
  pgByKind: Record<string, number>;
}

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  /** utime + stime, and cutime + cstime, in ticks. */
  own: number;
  children: number;
  cmdline: string[];
}

function procs(): Proc[] {
  const out: Proc[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (name !== 'postgres' && !name.startsWith('redis-server')) continue;
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // ppid is field 4 of proc(5); utime, stime, cutime, cstime fields 14-17
    out.push({
      pid: Number(pid),
      ppid: Number(rest[1]),
      name,
      own: Number(rest[11]) + Number(rest[12]),
      children: Number(rest[13]) + Number(rest[14]),
      cmdline: cmdline.split('\0').filter(Boolean),
    });
  }
  return out;
}

export function machineCpu(ports: { redis: number; postgres: number }): CpuSample {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const ticks = f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3]! - f[4]!;
  const all = procs();
  let redis = 0;
  for (const p of all)
    if (p.name.startsWith('redis-server') && p.cmdline.join(' ').includes(String(ports.redis)))
      redis += p.own + p.children;
  // The postmaster: started with `-p <port>`; its children are the backends and background processes.
  const master = all.find((p) => {
    const i = p.cmdline.indexOf('-p');
    return p.name === 'postgres' && i >= 0 && p.cmdline[i + 1] === String(ports.postgres);
  });
  let backends = 0;
  let background = 0;
  let exited = 0;
  const byKind: Record<string, number> = {};
  if (master) {
    exited = master.own + master.children;
    for (const p of all) {
      if (p.ppid !== master.pid) continue;
      // A client backend's title: "postgres: <user> <database> <host>(<port>) <state>".
      const title = p.cmdline.join(' ');
      const backend = /^postgres: \S+ \S+ [\d.:a-f]+\(\d+\)/.test(title);
      if (backend) backends += p.own;
      else background += p.own;
      const kind = backend
        ? 'backend'
        : title
            .replace(/^postgres: /, '')
            .replace(/\s+(\S+)?$/, '')
            .trim();
      byKind[kind] = (byKind[kind] ?? 0) + p.own * 10;
      exited += p.children;
    }
  }
  const ms = (t: number) => t * 10; // USER_HZ is 100 on Linux
  return {
    busy: ms(ticks),
    redis: ms(redis),
    postgres: ms(backends + background + exited),
    pgBackends: ms(backends),
    pgBackground: ms(background),
    pgExited: ms(exited),
    pgByKind: byKind,
  };
}
