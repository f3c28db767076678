/** The demo's terminal output: colours when asked for, and a live "fetching" line on a terminal. */
import { escapeControl as safe } from '../text.js';

/** Where the demo prints, and how. */
export interface DemoOutput {
  write(text: string): void;
  /** Redraw a progress line in place (a terminal). */
  live: boolean;
  /** Colour the states (a terminal, and NO_COLOR unset). */
  colour: boolean;
}

/** The demo's colours; each is the identity when colour is off. */
export function painter(colour: boolean) {
  const paint = (code: string) => (text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const p = { bold: paint('1'), dim: paint('2'), red: paint('31'), green: paint('32'), yellow: paint('33'), cyan: paint('36') };
  // Maps: the keys come from outside (the state, the unit status file); the text is printed escaped.
  const states: ReadonlyMap<string, (t: string) => string> = new Map([
    ['idle', p.dim],
    ['fetching', p.yellow],
    ['available', p.green],
    ['failed', p.red],
  ]);
  const workloads: ReadonlyMap<string, (t: string) => string> = new Map([
    ['active', p.green],
    ['blocked', p.red],
    ['maintenance', p.yellow],
    ['waiting', p.cyan],
    ['unknown', p.dim],
  ]);
  return {
    ...p,
    /** A resource state, coloured. */
    state: (s: string) => (states.get(s) ?? String)(safe(s)),
    /** A workload status, coloured. */
    workload: (s: string) => (workloads.get(s.trim()) ?? String)(safe(s)),
  };
}

/** The demo's colours, as {@link painter} makes them. */
export type Painter = ReturnType<typeof painter>;

/** A live "fetching" line on a terminal (redrawn in place); nothing when the output is not live. */
export class Progress {
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;
  #since = 0;
  #names: string[] = [];
  #shown = false;
  readonly #out: DemoOutput;
  readonly #paint: Painter;

  constructor(out: DemoOutput, paint: Painter) {
    this.#out = out;
    this.#paint = paint;
  }

  /** Prints a line above the progress line, then shows the resources still being fetched. */
  print(line: string, fetching: string[]): void {
    this.#clear();
    this.#out.write(line + '\n');
    this.#names = fetching;
    if (!this.#out.live) return;
    if (fetching.length === 0) return this.stop();
    if (!this.#timer) {
      this.#since = Date.now();
      this.#timer = setInterval(() => this.#draw(), 80);
    }
    this.#draw();
  }

  /** Stops redrawing and clears the progress line. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
  }

  #draw(): void {
    const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
    const seconds = ((Date.now() - this.#since) / 1000).toFixed(1);
    const frame = this.#paint.yellow(frames[this.#frame++ % frames.length]!);
    this.#out.write(`\r\x1b[K  ${frame} fetching ${this.#names.join(', ')}  ${this.#paint.dim(seconds + ' s')}`);
    this.#shown = true;
  }

  #clear(): void {
    if (this.#shown) this.#out.write('\r\x1b[K');
    this.#shown = false;
  }
}
