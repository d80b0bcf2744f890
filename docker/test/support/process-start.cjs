// Preloaded (NODE_OPTIONS=--require) into the runtime client's Node by the cold-start test: reports
// when this process began, in Unix time. The container shares the host's kernel clock, so the test
// can measure from here to the moment the first response reaches its Runtime API.
// https://nodejs.org/api/perf_hooks.html#performancetimeorigin
process.stderr.write(`process-start ${performance.timeOrigin}\n`);
