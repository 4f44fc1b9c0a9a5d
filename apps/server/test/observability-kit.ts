/**
 * Shared by the observability suites: scraping `/metrics` over HTTP and reading samples out of the parsed
 * Prometheus text (parse-prometheus-text-format, a parser independent of prom-client).
 *
 * That parser folds every series of a histogram into one when the histogram has labels besides `le` (its
 * `flattenMetrics` keeps only label-less count and sum). So the text is parsed twice: as it is (families with
 * their declared types), and with histograms declared untyped, which makes the parser return their
 * `_bucket`, `_sum` and `_count` lines as plain samples with all their labels.
 */
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

export interface Scrape {
  status: number;
  contentType: string | null;
  families: Map<string, ParsedFamily>;
  /** Histograms' `<name>_bucket`, `<name>_sum` and `<name>_count` samples, labels intact. */
  histogramSeries: Map<string, ParsedFamily>;
}

/** Families by name; the untyped parse returns one family per run of lines, so runs of a name are joined. */
function byName(families: ParsedFamily[]): Map<string, ParsedFamily> {
  const map = new Map<string, ParsedFamily>();
  for (const family of families) {
    const seen = map.get(family.name);
    if (seen) seen.metrics.push(...family.metrics);
    else map.set(family.name, { ...family, metrics: [...family.metrics] });
  }
  return map;
}

export async function scrape(url: string, bearer: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${bearer}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}: ${text}`);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    families: byName(parsePrometheusTextFormat(text)),
    histogramSeries: byName(
      parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped')),
    ),
  };
}

function matches(labels: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([name, value]) => labels?.[name] === value);
}

/** The value of the one counter/gauge sample with these labels; 0 when absent (a counter not yet moved). */
export function sample(scraped: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = scraped.families.get(name);
  const found = family?.metrics.filter((metric) => matches(metric.labels, labels)) ?? [];
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value === undefined ? 0 : Number(found[0].value);
}

/** Count and sum of the one histogram series with these labels (zeros when absent). */
export function histogram(
  scraped: Scrape,
  name: string,
  labels: Record<string, string>,
): { count: number; sum: number; buckets: Record<string, number> } {
  if (scraped.families.get(name)?.type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
  const series = (suffix: string) =>
    scraped.histogramSeries.get(`${name}${suffix}`)?.metrics.filter((m) => matches(m.labels, labels)) ?? [];
  const one = (suffix: string) => {
    const found = series(suffix);
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
    return Number(found[0]?.value ?? 0);
  };
  return {
    count: one('_count'),
    sum: one('_sum'),
    buckets: Object.fromEntries(series('_bucket').map((m) => [m.labels?.le ?? '', Number(m.value)])),
  };
}
