/**
 * See a resource's whole life: the lifecycle page (`report`) and the replay into an inspector
 * (`replay`), both read from the saved layer state. Everything here is read-only.
 */
export { reportCommand, replayCommand, DEFAULT_REPORT_FILE, type CommandIO, type ReportCommandOptions, type ReplayCommandOptions } from './commands.js';
export { buildReportModel, type ReportModel, type ReportInput, type ReportMachine, type ResourceReport, type Segment } from './model.js';
export { readReportModel, resourceReportMachine, type ReadReportOptions } from './read-model.js';
export { renderReportHtml } from './render-html.js';
export { buildReplay, type RecordedActor, type RecordedActorStep, type ReplayOptions } from './replay-events.js';
export { resourceReplayActors, machineEvent, nextContext, type ResourceReplayOptions } from './replay-resource.js';
export { sendReplay, type SendReplayOptions, type SendReplayResult } from './replay-send.js';
export { encodeDefinition, encodeWire, INSPECT_VERSION, type WireEvent } from './inspect-wire.js';
export { readSteps, LEGACY_EVENT_NAMES, type Step } from './history.js';
