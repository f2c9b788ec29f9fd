// The package ships no types; only the default export is used (test/helpers/exposition-oracle.ts
// and the parse bench).
declare module 'parse-prometheus-text-format' {
  const parsePrometheusTextFormat: (text: string) => unknown[];
  export default parsePrometheusTextFormat;
}
