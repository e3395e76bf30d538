import type { DaemonProcess, LogLine } from '../support/daemon-process';
import type { FakeMessage } from '../support/fake-slack';
import {
  CPU_KEY,
  NODE,
  UNREACHABLE_KEY,
  colourOf,
  isTransition,
  shownText,
  topLevel,
  waitForLine,
  waitUntil,
  Story,
} from './harness';

const UNREACHABLE_AFTER = 3;

/**
 * Story: the Netdata agent stops answering. A missing sample never clears an alert; after
 * `netdata.unreachable_after` failed cycles the node raises its own alert, which resolves in its
 * own message when the agent answers again.
 */
describe('a Netdata agent that stops answering and comes back', () => {
  const story = Story.perBlock({ unreachableAfter: UNREACHABLE_AFTER });
  let daemon: DaemonProcess;

  beforeAll(async () => {
    daemon = await story.startDaemon();
  });

  const messageFor = (key: string): FakeMessage | undefined =>
    topLevel(story.slack).find((message) => message.metadata?.event_payload.key === key);

  const nodeFailed = (line: LogLine): boolean =>
    line.event === 'netdata.node_failed' && line.node === NODE;

  it('raises netdata_unreachable for the node, keeps the critical alert, and resolves in place', async () => {
    story.netdata.setCpu(95);
    await waitForLine(daemon, isTransition(CPU_KEY, 'critical'), 'cpu turns critical');
    await waitUntil(() => messageFor(CPU_KEY) !== undefined, 'the cpu alert is posted', daemon);
    const cpuMessage = messageFor(CPU_KEY)!;

    const outage = daemon.lines.length;
    await story.netdata.stop();
    const raised = await waitForLine(
      daemon,
      isTransition(UNREACHABLE_KEY, 'critical'),
      'the node raises its unreachable alert',
      outage,
    );
    const raisedAt = daemon.lines.indexOf(raised);
    // The cycle that raises the alert logs its failure right after the transition.
    await waitForLine(daemon, nodeFailed, 'the raising cycle logs its failure', raisedAt);
    const failedCycles = daemon.lines.slice(outage, raisedAt + 1).filter(nodeFailed).length + 1;
    expect(failedCycles).toBeGreaterThanOrEqual(UNREACHABLE_AFTER);
    expect(failedCycles).toBeLessThanOrEqual(UNREACHABLE_AFTER + 1);

    await waitUntil(
      () => messageFor(UNREACHABLE_KEY) !== undefined,
      'the unreachable alert is posted',
      daemon,
    );
    const unreachable = messageFor(UNREACHABLE_KEY)!;
    expect(shownText(unreachable)).toContain('Netdata agent not answering');
    expect(shownText(unreachable)).toContain(NODE);
    expect(colourOf(unreachable)).toBe('#d72b3f');
    await daemon.waitForMore(nodeFailed, 3, 'three more cycles without Netdata');

    // A missing sample never clears: the cpu alert neither moved nor changed its message.
    const outageLines = daemon.lines.slice(outage);
    expect(
      outageLines.filter((line) => line.event === 'alert.transition' && line.key === CPU_KEY),
    ).toEqual([]);
    expect(colourOf(messageFor(CPU_KEY)!)).toBe('#d72b3f');

    const back = daemon.lines.length;
    await story.netdata.start();
    await waitForLine(
      daemon,
      isTransition(UNREACHABLE_KEY, 'clear'),
      'the node answers again',
      back,
    );
    await waitUntil(
      () => colourOf(messageFor(UNREACHABLE_KEY)!) === '#2eb67d',
      'the unreachable message turns resolved',
      daemon,
    );
    await daemon.waitForMore((line) => line.event === 'cycle.completed', 2, 'two cycles with data');

    expect(messageFor(UNREACHABLE_KEY)!.ts).toBe(unreachable.ts);
    expect(messageFor(CPU_KEY)!.ts).toBe(cpuMessage.ts);
    expect(colourOf(messageFor(CPU_KEY)!)).toBe('#d72b3f');
    expect(daemon.events('alert.transition').filter((line) => line.key === CPU_KEY)).toHaveLength(
      1,
    );
    expect(topLevel(story.slack)).toHaveLength(2);
  }, 120_000);
});
