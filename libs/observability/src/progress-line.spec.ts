import { ProgressLine } from './progress-line';

function captured(isTTY: boolean): { out: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const out = { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  return { out, written };
}

describe('ProgressLine', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports counted units and bytes each second in a log, one line per report, and a final line', () => {
    const { out, written } = captured(false);
    const progress = new ProgressLine(out, 'export', 'lines');
    progress.start();
    progress.add(1_500, 2 * 1_048_576);
    jest.advanceTimersByTime(1_000);
    progress.add(500, 1_048_576);
    progress.stop();
    progress.stop();
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^export: 1,500 lines, 2\.0 MB, [\d,]+ lines\/s\n$/);
    expect(written[1]).toMatch(/^export: 2,000 lines, 3\.0 MB, [\d,]+ lines\/s\n$/);
  });

  it('shows the detail of reported totals while running, redrawing one line on a terminal', () => {
    const { out, written } = captured(true);
    const progress = new ProgressLine(out, 'backup core', 'rows');
    progress.start();
    progress.set(42, 1_048_576, 'public.storage_records');
    jest.advanceTimersByTime(1_000);
    progress.stop();
    const clearToEnd = '\x1b[K';
    expect(written[0].startsWith('\rbackup core: 42 rows, 1.0 MB, ')).toBe(true);
    expect(written[0].endsWith(` rows/s (public.storage_records)${clearToEnd}`)).toBe(true);
    expect(written[1].startsWith('\rbackup core: 42 rows, 1.0 MB, ')).toBe(true);
    expect(written[1].endsWith(` rows/s${clearToEnd}\n`)).toBe(true);
  });
});
