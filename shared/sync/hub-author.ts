/**
 * Changes the hub itself authors (schedule feeds, corrections that make desks converge after a refused op) appear in
 * the change feed like a desk's ops, under this reserved desk id. A desk applies them like any other desk's change.
 */
export const HUB_AUTHOR_DESK_ID = '00000000-0000-7000-8000-000000000000';
/** HLC node name of hub-authored changes. */
export const HUB_AUTHOR_NODE = 'hub';
