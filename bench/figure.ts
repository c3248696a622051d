// One measured figure of `npm run bench`.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What to compare it with (FACTS.md or a yardstick measured in the same run). */
  note?: string;
}

export interface BenchSection {
  title: string;
  run(): Promise<Figure[]>;
}
