import { defineMessages } from './messages.ts';

/** The stand-in name for a resident the board has no record of (alert and task cards). */
export const tResidents = defineMessages(
  {
    resident: 'Resident',
  },
  {
    resident: '住户',
  },
);
