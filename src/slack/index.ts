/**
 * The Slack side of the bridge: the Web API client, the notifier that posts and updates alert
 * messages, their rendering, and the startup check. Interaction handling lives beside these.
 */
export { createWebClient, type SlackClientOptions } from './web-client';
export {
  classifySlackError,
  PERMANENT_SLACK_ERRORS,
  SlackSetupError,
  type SlackFailure,
} from './errors';
export {
  ACK_ACTION_ID,
  OPEN_CHART_ACTION_ID,
  UNACK_ACTION_ID,
  renderEpisode,
  renderThreadReply,
  renderTimelineLine,
  type RenderedMessage,
  type RenderInput,
} from './render';
export { sparkline } from './sparkline';
export { ALERT_EVENT_TYPE, SlackNotifier, type SlackNotifierOptions } from './notifier';
export { checkSlackSetup, type SlackSetup } from './startup';
export { createSlackApp, type SlackApp, type SlackAppOptions } from './app';
export { registerAlertActions, type AlertActionsOptions, type SenderKick } from './interactions';
export { createPermissions, type Permissions, type ListGroupMembers } from './permissions';
export { SLACK_EVENTS_PATH, SlackHttpReceiver } from './receiver';
export { verifySlackRequest, type VerifyFailure, type VerifyResult } from './verify';
