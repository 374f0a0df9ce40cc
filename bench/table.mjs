// The benchmark table printed by bench/run.mjs and bench/node-run.mjs (see bench/report.mjs).
import { textTable } from './report.mjs';

export function printTable(adapter, results) {
  console.log(`\n${textTable(adapter, results)}`);
}
