/**
 * What a local stack has started, stopped in the reverse order: the last thing started (the
 * event sources, the HTTP front) stops first, the emulators last. A step that fails is reported
 * and the rest still run, so a stop never throws and never leaves a process or port behind. A
 * start that fails part-way runs the same teardown over what it had started.
 */
export class Teardown {
  private readonly steps: { readonly name: string; readonly stop: () => unknown }[] = [];

  constructor(private readonly onError: (what: string, err: unknown) => void) {}

  /** Registers `stop` for something just started; returns `value` for chaining. */
  add<T>(name: string, value: T, stop: (value: T) => unknown): T {
    this.steps.push({ name, stop: () => stop(value) });
    return value;
  }

  /** Stops everything registered, last first; running it again does nothing. */
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.stop();
      } catch (err) {
        this.onError(`${step.name} did not stop cleanly`, err);
      }
    }
  }
}
