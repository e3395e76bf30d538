import { benchCycle } from './cycle';
import { main as benchStore } from './store';
import { benchClickLatency } from './click-latency';
import { benchDaemonFootprint } from './daemon-footprint';
import { benchNotificationCpu } from './notification-cpu';

/**
 * `npm run bench`: every benchmark in order, then a summary against the targets. A benchmark,
 * not a test: it prints figures and fails only when a part cannot run at all.
 * BENCH_SECONDS shortens the daemon footprint run (default 60 s).
 */

interface Row {
  measure: string;
  figure: string;
  target: string;
}

function section(title: string): void {
  console.log(`\n== ${title}`);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);

  section('poll cycle: parse + evaluate');
  const cycle = benchCycle();
  rows.push({
    measure: 'cycle, 1000 nodes x 4 rules (median CPU)',
    figure: `${cycle.medianMs.toFixed(1)} ms (worst ${cycle.worstMs.toFixed(1)})`,
    target: '< 150 ms',
  });

  section('alert store');
  await benchStore();
  rows.push({ measure: 'store transitions/s, deliveries/s', figure: 'printed above', target: '-' });

  section(`daemon next to the local agent, ${seconds} s at the default interval`);
  const footprint = await benchDaemonFootprint(seconds);
  if (typeof footprint === 'string') {
    console.log(`skipped: ${footprint}`);
    rows.push({ measure: 'daemon CPU / RSS', figure: 'skipped (no agent)', target: '-' });
  } else {
    console.log(
      `over ${footprint.seconds.toFixed(0)} s after start: ${footprint.cpuPercent.toFixed(3)} % ` +
        `of one core; start-up took ${footprint.startupCpuMs.toFixed(0)} ms CPU; RSS ` +
        `${footprint.rssMb.toFixed(1)} MB (peak ${footprint.peakRssMb.toFixed(1)} MB)`,
    );
    rows.push(
      {
        measure: 'daemon CPU, one core',
        figure: `${footprint.cpuPercent.toFixed(3)} %`,
        target: '< 0.5 %',
      },
      { measure: 'daemon RSS', figure: `${footprint.rssMb.toFixed(1)} MB`, target: '< 90 MB' },
    );
  }

  section('Slack click latency (HTTP mode, signed block_actions)');
  const clicks = await benchClickLatency();
  console.log(
    `${clicks.clicks} clicks: p50 ${clicks.p50Ms.toFixed(1)} ms, p99 ${clicks.p99Ms.toFixed(1)} ms, ` +
      `max ${clicks.maxMs.toFixed(1)} ms, ${clicks.failed} not answered 200`,
  );
  rows.push({
    measure: 'click answer p99',
    figure: `${clicks.p99Ms.toFixed(1)} ms`,
    target: '< 300 ms',
  });

  section('CPU per delivered Slack notification');
  const notifications = await benchNotificationCpu();
  for (const phase of notifications.phases) {
    console.log(
      `${phase.name}: ${phase.delivered} deliveries in ${phase.messages} Slack messages, ` +
        `${phase.cpuMsPerDelivery.toFixed(2)} ms CPU per delivery`,
    );
  }
  console.log(`${notifications.failed} deliveries failed`);
  rows.push({
    measure: `CPU per notification (${notifications.slackMessages} Slack messages)`,
    figure: `${notifications.cpuMsPerMessage.toFixed(2)} ms`,
    target: '< 1.6 ms',
  });
  rows.push({
    measure: `CPU per outbox delivery (${notifications.delivered} delivered)`,
    figure: `${notifications.cpuMsPerDelivery.toFixed(2)} ms`,
    target: '(one delivery may send an update and a thread reply)',
  });

  section('summary');
  console.table(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
