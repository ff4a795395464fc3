import { defineMessages } from './messages.ts';

/** Why the board went back to the sign-in page (session.ts `logoutReason`), in plain words. */
export const sessionText = defineMessages(
  {
    ended: 'Your session has ended. Please sign in again.',
    restarted: 'The Vigil server was restarted and could not keep you signed in. Please sign in again.',
  },
  {
    ended: '您的登录已结束，请重新登录。',
    restarted: 'Vigil 服务器已重启，未能保留您的登录，请重新登录。',
  },
);
