/** The only two IPC channels: one invoke channel for every API call, one push channel for events. */
export const IPC_CALL_CHANNEL = 'accessdesk:call';
export const IPC_EVENT_CHANNEL = 'accessdesk:event';
