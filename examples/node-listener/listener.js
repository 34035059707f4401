'use strict';
// The lesson's NATS Streaming listener, run by stansim as a queue-group
// member (mode: command). It takes its connection settings from the
// STANSIM_* variables and reports each delivery and each finished message
// as a JSON line on stdout (README, "Bring your own listener").
//
// The lesson's fix is the two signal handlers at the bottom: SIGINT and
// SIGTERM close the connection, so the server drops the subscription at
// once. Started with --no-signal-handlers it is the program before the fix:
// the signal ends the process without close(), and the server keeps the
// subscription until its heartbeats fail.
//
// PROCESS_MS (default 0) is how long handling one event takes before the
// ack, as a database write would.
const stan = require('node-nats-streaming');

const env = process.env;
const withHandlers = !process.argv.includes('--no-signal-handlers');
const processMs = Number(env.PROCESS_MS || 0);

// One JSON line per event; writes to a pipe are synchronous on Linux, so a
// SIGKILL loses nothing already reported.
function report(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

const sc = stan.connect(env.STANSIM_CLUSTER_ID, env.STANSIM_CLIENT_ID, { url: env.STANSIM_NATS_URL });

sc.on('connect', () => {
  const opts = sc.subscriptionOptions()
    .setManualAckMode(true)
    .setAckWait(Number(env.STANSIM_ACK_WAIT_MS))
    .setMaxInFlight(Number(env.STANSIM_MAX_INFLIGHT));
  if (env.STANSIM_START === 'all') {
    opts.setDeliverAllAvailable();
  }
  if (env.STANSIM_DURABLE) {
    opts.setDurableName(env.STANSIM_DURABLE);
  }
  const sub = sc.subscribe(env.STANSIM_CHANNEL, env.STANSIM_GROUP, opts);
  sub.on('error', (err) => {
    console.error('subscription error:', err.message);
    process.exit(1);
  });
  sub.on('message', (msg) => {
    const seq = msg.getSequence();
    report({ ev: 'deliver', seq, data: msg.getData(), redelivered: msg.isRedelivered() });
    setTimeout(() => {
      msg.ack();
      report({ ev: 'done', seq });
    }, processMs);
  });
});

sc.on('error', (err) => {
  console.error('connection error:', err.message);
  process.exit(1);
});

sc.on('close', () => {
  process.exit();
});

if (withHandlers) {
  process.on('SIGINT', () => sc.close());
  process.on('SIGTERM', () => sc.close());
}
