// Preloaded (`--require`) into Triggerline processes when BENCH_CPU_PROFILE=1, next to
// `--cpu-prof`. V8 writes the profile only on a normal exit, but Nest's shutdown hook closes
// the app on SIGTERM and then raises SIGTERM again, which kills the process first: this
// listener turns that second signal into a normal exit (and exits anyway after 10 s).
let received = 0;
process.on('SIGTERM', () => {
  received += 1;
  if (received > 1) {
    process.exit(0);
  }
  setTimeout(() => process.exit(0), 10_000).unref();
});
