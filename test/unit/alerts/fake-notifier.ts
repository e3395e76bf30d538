import type { DeliveryRequest, DeliveryResult, Notifier } from '../../../src/alerts/notifier';
import type { MessageRef } from '../../../src/alerts/types';

/** What the next delivery should do; `ok` unless told otherwise. */
export type FakeBehaviour =
  | { kind: 'ok' }
  | { kind: 'transient'; retryAfterMs?: number }
  | { kind: 'permanent' }
  | { kind: 'throw' };

/**
 * A notifier that records every request and answers as told. It posts a message (calling
 * `onPosted`) the first time it succeeds for an episode, like the Slack notifier would.
 */
export class RecordingNotifier implements Notifier {
  readonly name = 'recording';
  readonly requests: DeliveryRequest[] = [];
  readonly delivered: DeliveryRequest[] = [];
  private behaviour: FakeBehaviour = { kind: 'ok' };
  private readonly perEpisode = new Map<string, FakeBehaviour>();
  private posts = 0;

  /** Sets what every later delivery does. */
  behave(behaviour: FakeBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Sets what later deliveries of one episode do, overriding `behave`. */
  behaveFor(episodeId: string, behaviour: FakeBehaviour): void {
    this.perEpisode.set(episodeId, behaviour);
  }

  async deliver(
    request: DeliveryRequest,
    onPosted: (message: MessageRef) => void,
  ): Promise<DeliveryResult> {
    this.requests.push(request);
    const behaviour = this.perEpisode.get(request.episode.id) ?? this.behaviour;

    switch (behaviour.kind) {
      case 'throw':
        throw new Error('socket hang up');
      case 'permanent':
        return { ok: false, permanent: true, retryAfterMs: undefined, error: 'channel_not_found' };
      case 'transient':
        return {
          ok: false,
          permanent: false,
          retryAfterMs: behaviour.retryAfterMs,
          error: 'ratelimited',
        };
      case 'ok':
        break;
    }

    let message = request.episode.message;
    if (message === undefined) {
      this.posts += 1;
      message = { channel: 'C1', ts: `1700000000.${String(this.posts).padStart(6, '0')}` };
      onPosted(message);
    }
    this.delivered.push(request);
    return { ok: true, message, postedSeqs: request.unposted.map((entry) => entry.seq) };
  }
}
