// The load generator of bench/support/load-process.ts, run as a child process: autocannon, a paced rate or
// sequential refresh-token chains in a process of its own, so the CPU the benchmark process measures is the
// app's alone. It receives one plan over IPC, runs it (load-plan.ts), and answers with the result and its own CPU time.
import type { LoadPlan, LoadResult } from './load-process.js';
import { runPlan } from './load-plan.js';

process.once('message', async (plan: LoadPlan) => {
  const before = process.cpuUsage();
  const measured = await runPlan(plan);
  const cpu = process.cpuUsage(before);
  const result: LoadResult = { ...measured, cpuMs: (cpu.user + cpu.system) / 1000 };
  process.send!(result, () => process.exit(0));
});
process.send!('ready');
