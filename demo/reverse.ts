/**
 * The reversal experiment, runnable: examples/reverse.ts itself, its printed lines, the tables of
 * right and wrong answers, and the first input's weights before and after training.
 */
import type { Context } from '../src/index';
import { OFF_X, REVERSE_SETTINGS, TRAIN_X, main as runReverse, reverse, type RunResult } from '../examples/reverse';
import { element, markReady, pageContext, setStatus, showError, start } from './site';
import { groupedBars } from './charts';

function answers(r: RunResult): string {
  const row = (x: number[], got: number[]) => {
    const right = got.join('') === reverse(x).join('');
    return `<tr><td>${x.join('')}</td><td>${reverse(x).join('')}</td><td>${got.join('')}</td><td class="${right ? 'ok' : 'wrong'}">${right ? 'right' : 'wrong'}</td></tr>`;
  };
  const section = (title: string) => `<tr><th colspan="4" scope="rowgroup">${title}</th></tr>`;
  return '<thead><tr><th scope="col">input</th><th scope="col">expected</th><th scope="col">output</th><th scope="col">answer</th></tr></thead>' +
    `<tbody>${section('trained on (first digit 0)')}${TRAIN_X.map((x, i) => row(x, r.train[i])).join('')}</tbody>` +
    `<tbody>${section('new (first digit 1)')}${OFF_X.map((x, i) => row(x, r.off[i])).join('')}</tbody>`;
}

async function train(ctx: Context, baseStatus: string): Promise<void> {
  const button = element<HTMLButtonElement>('train');
  button.disabled = true;
  const printed: string[] = [];
  try {
    setStatus(`Training twice, ${REVERSE_SETTINGS.epochs.toLocaleString('en')} epochs each, on ${ctx.backend}…`);
    const t0 = performance.now();
    const { glorot, zeroRow } = await runReverse({ context: ctx, log: (line) => printed.push(line) });
    const seconds = (performance.now() - t0) / 1000;
    element('glorot').innerHTML = answers(glorot);
    element('zero').innerHTML = answers(zeroRow);
    const cells = (row: number[]) => row.map((v) => `<td>${v.toFixed(4)}</td>`).join('');
    element('weights').innerHTML = '<thead><tr><th scope="col">kernel row 0</th><th scope="col">out 0</th><th scope="col">out 1</th><th scope="col">out 2</th><th scope="col">out 3</th></tr></thead><tbody>' +
      `<tr><td>1) before</td>${cells(glorot.rowBefore)}</tr><tr><td>1) after</td>${cells(glorot.rowAfter)}</tr>` +
      `<tr><td>2) before</td>${cells(zeroRow.rowBefore)}</tr><tr><td>2) after</td>${cells(zeroRow.rowAfter)}</tr></tbody>`;
    groupedBars(element('weights-chart'), glorot.rowBefore.flatMap((v, i) => [
      { label: `out ${i}`, group: 'before training', value: v },
      { label: `out ${i}`, group: 'after training', value: glorot.rowAfter[i] },
    ]), 'run 1, kernel row 0');
    element('printed').textContent = printed.join('\n');
    setStatus(`${baseStatus} Both runs took ${seconds.toFixed(1)} s.`);
  } finally {
    button.disabled = false;
  }
}

start(async () => {
  const ctx = await pageContext({ cpuOk: true });
  const baseStatus = element('status').textContent ?? '';
  element('train').addEventListener('click', () => {
    window.demo.ready = false;
    train(ctx, baseStatus).then(markReady, showError);
  });
  await train(ctx, baseStatus);
});
