/**
 * vitest's default reporter (a line per test file when it ends, with its duration and its slow
 * tests), plus a line when each file starts: the GPU files run one at a time, some for minutes,
 * and without it a run says nothing of what it is doing until the file ends.
 */
import { DefaultReporter, type TestModule } from 'vitest/node';

export default class FileProgressReporter extends DefaultReporter {
  onTestModuleStart(testModule: TestModule): void {
    this.log(` ▶ ${testModule.project.name} ${this.relative(testModule.moduleId)}`);
  }
}
