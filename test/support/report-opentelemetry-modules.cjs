// Preloaded into a process under test (NODE_OPTIONS=--require): when it gets SIGTERM, it prints
// how many modules of the OpenTelemetry SDK it had loaded, so that a test can tell that a
// process without OTEL_* configuration never loaded the SDK at all.
process.once('SIGTERM', () => {
  const loaded = Object.keys(require.cache).filter((path) =>
    /[\\/]@opentelemetry[\\/](sdk-trace|exporter-trace)/.test(path),
  );
  process.stderr.write(`OpenTelemetry SDK modules loaded: ${loaded.length}\n`);
});
