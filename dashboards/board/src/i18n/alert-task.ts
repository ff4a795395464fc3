import type { ResolveOutcome, TaskKind } from '@vigil/contracts';
import { defineMessages } from './messages.ts';

/**
 * Alert ↔ task (issue 14): completing an alert's task asks how it went, and says what became of the
 * alert; alert cards name their task and who has it, task cards their alert. Plain carer words.
 */

/** Who has a task, as a sentence needs it: "You are…" / "Li Na is…". */
export interface Who {
  name: string;
  you: boolean;
}
const en = (w: Who, you: string, other: string) => (w.you ? you : `${w.name} ${other}`);

export const tt = defineMessages(
  {
    completeAsk: 'How did it go?',
    completeHint: 'Your answer also closes the alert.',
    outcome_handled: 'Helped, all fine now',
    outcome_false_alarm: 'False alarm, no help needed',
    outcome_transferred: 'Handed over (doctor or hospital)',
    outcome_no_action_needed: 'Checked, nothing to do',
    leaveOpen: 'Finished, but keep the alert open',
    back: 'Back',
    resultResolved: 'The alert is closed.',
    resultNoOutcome: 'The alert stays open: someone still has to close it.',
    resultOtherTask: 'The alert stays open: a colleague is still working on it.',
    resultAlready: 'The alert had already been closed.',
    alertPriority_high: 'urgent',
    alertPriority_medium: 'soon',
    alertPriority_low: 'for information',
    alertPriority: (p: { level: string }) => `(${p.level})`,
    kind_onsite_check: 'Visit',
    kind_remote_consult: 'Doctor',
    kind_facility_maintenance: 'Repair',
    someone: 'a colleague',
    /** "Visit: " before what is happening, on the alert card. */
    label: (p: { label: string }) => `${p.label}: `,
    taskOpen: 'Nobody has taken it yet',
    taskAssigned: (w: Who) => en(w, 'Waiting for your answer', 'has been asked, no answer yet'),
    taskAccepted: (w: Who) => en(w, 'You are on your way', 'is on the way'),
    taskInProgress: (w: Who) => en(w, 'You are there now', 'is there now'),
    taskDone: (w: Who) => en(w, 'You have finished', 'has finished'),
    facilityOnly: 'Rooms and equipment: water, smoke, power. Alerts about residents go to the care team.',
  },
  {
    completeAsk: '情况如何？',
    completeHint: '您的选择也会关闭这条警报。',
    outcome_handled: '已帮忙，现在一切正常',
    outcome_false_alarm: '误报，不需要帮助',
    outcome_transferred: '已转交（医生或医院）',
    outcome_no_action_needed: '已查看，无需处理',
    leaveOpen: '已完成，但警报保持开启',
    back: '返回',
    resultResolved: '警报已关闭。',
    resultNoOutcome: '警报仍开启：还需要有人关闭它。',
    resultOtherTask: '警报仍开启：同事还在处理。',
    resultAlready: '警报之前已被关闭。',
    alertPriority_high: '紧急',
    alertPriority_medium: '尽快',
    alertPriority_low: '仅供知悉',
    alertPriority: (p) => `（${p.level}）`,
    kind_onsite_check: '上门查看',
    kind_remote_consult: '医生',
    kind_facility_maintenance: '维修',
    someone: '一位同事',
    label: (p) => `${p.label}：`,
    taskOpen: '还没有人接手',
    taskAssigned: (w) => (w.you ? '等待您的回复' : `已通知${w.name}，尚未回复`),
    taskAccepted: (w) => (w.you ? '您正在赶去' : `${w.name}正在赶去`),
    taskInProgress: (w) => (w.you ? '您已在现场' : `${w.name}已在现场`),
    taskDone: (w) => (w.you ? '您已完成' : `${w.name}已完成`),
    facilityOnly: '房间和设备：漏水、烟雾、停电。关于住户的警报由护理团队处理。',
  },
);

export const outcomeKey = (o: ResolveOutcome) => `outcome_${o}` as const;
export const kindKey = (k: TaskKind) => `kind_${k}` as const;
